/** The requests of the data bank's HTTP API, validated (class-validator is the contract's; these are the query shapes). */
import { ALPHA3_RE, BANK_DOCUMENT_NUMBER_RE, isCalendarDate, isKnownState, AGENCIES } from '@shekara/contracts';
import type { FieldError } from '@shekara/server';
import { DataBankError, DataBankErrorCode } from './databank.errors';
import { queryWords } from './search-query';

const KINDS = ['MATERIAL', 'SPECIMEN', 'TRAVEL_DOCUMENT'];
const STATUSES = ['ACTIVE', 'WITHDRAWN'];

export interface BankQuery {
  q?: string;
  kind?: string;
  agency?: string;
  topic?: string;
  status?: string;
  /** Changed on or after this day (YYYY-MM-DD, UTC). */
  from?: string;
  /** Changed before the end of this day (YYYY-MM-DD, UTC). */
  to?: string;
  limit: number;
  offset: number;
}

const field = (f: string, en: string, ru: string): FieldError => ({ field: f, messages: [en, ru] });

/** Validates the query string of GET /api/bank/records and /api/bank/search (`needText`: q is required). */
export function bankQuery(raw: Record<string, unknown>, needText: boolean): BankQuery {
  const errors: FieldError[] = [];
  const str = (k: string): string | undefined => {
    const v = raw[k];
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'string') {
      errors.push(field(k, `${k} must be given once`, `${k} можно указать только один раз`));
      return undefined;
    }
    return v;
  };
  const known = new Set(['q', 'kind', 'agency', 'topic', 'status', 'from', 'to', 'limit', 'offset']);
  for (const k of Object.keys(raw)) if (!known.has(k)) errors.push(field(k, `unknown parameter "${k}"`, `неизвестный параметр "${k}"`));
  const q = str('q');
  if (needText && (!q || !queryWords(q).length)) errors.push(field('q', 'q must contain at least one word', 'q должен содержать хотя бы одно слово'));
  if (q && q.length > 200) errors.push(field('q', 'q has at most 200 characters', 'q не длиннее 200 символов'));
  const kind = str('kind');
  if (kind && !KINDS.includes(kind)) errors.push(field('kind', `kind must be one of ${KINDS.join(', ')}`, `kind должен быть одним из: ${KINDS.join(', ')}`));
  const agency = str('agency');
  if (agency && !(AGENCIES as readonly string[]).includes(agency)) errors.push(field('agency', `agency must be one of ${AGENCIES.join(', ')}`, `agency должно быть одним из: ${AGENCIES.join(', ')}`));
  const topic = str('topic');
  if (topic && topic.length > 50) errors.push(field('topic', 'topic has at most 50 characters', 'topic не длиннее 50 символов'));
  const status = str('status');
  if (status && !STATUSES.includes(status)) errors.push(field('status', `status must be one of ${STATUSES.join(', ')}`, `status должен быть одним из: ${STATUSES.join(', ')}`));
  const from = str('from');
  const to = str('to');
  for (const [k, v] of [['from', from], ['to', to]] as const) if (v && !isCalendarDate(v)) errors.push(field(k, `${k} must be a date YYYY-MM-DD`, `${k} должно быть датой ГГГГ-ММ-ДД`));
  const int = (k: string, dflt: number, min: number, max: number): number => {
    const v = str(k);
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < min || n > max) {
      errors.push(field(k, `${k} must be a whole number from ${min} to ${max}`, `${k} должно быть целым числом от ${min} до ${max}`));
      return dflt;
    }
    return n;
  };
  const limit = int('limit', 20, 1, 100);
  const offset = int('offset', 0, 0, 10_000);
  if (errors.length) throw new DataBankError(DataBankErrorCode.InvalidQuery, undefined, errors);
  return { q, kind, agency, topic, status, from, to: to && new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000).toISOString(), limit, offset };
}

export interface DocumentCheck {
  number: string;
  issuingState: string;
}

/** Validates the body of POST /api/bank/check: a document number of the MRZ alphabet and a known issuing state. */
export function documentCheck(body: unknown): DocumentCheck {
  const errors: FieldError[] = [];
  const o = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
  if (o !== body) errors.push(field('', 'the body must be a JSON object', 'тело запроса должно быть объектом JSON'));
  for (const k of Object.keys(o)) if (k !== 'number' && k !== 'issuingState') errors.push(field(k, `unknown field "${k}"`, `неизвестное поле "${k}"`));
  const number = o.number;
  if (typeof number !== 'string' || !BANK_DOCUMENT_NUMBER_RE.test(number) || !/[A-Za-z0-9]/.test(number)) {
    errors.push(field('number', 'number must be 1..32 Latin letters A-Z, digits, spaces or dashes (characters of the MRZ)', 'number: 1..32 латинских букв A-Z, цифр, пробелов или дефисов (символы МЧЗ)'));
  }
  const state = o.issuingState;
  if (typeof state !== 'string' || !ALPHA3_RE.test(state) || !isKnownState(state)) {
    errors.push(field('issuingState', 'issuingState must be a known ISO 3166-1 alpha-3 code like "KAZ"', 'issuingState должно быть известным кодом ISO 3166-1 alpha-3, например "KAZ"'));
  }
  if (errors.length) throw new DataBankError(DataBankErrorCode.InvalidDocumentCheck, undefined, errors);
  return { number: number as string, issuingState: state as string };
}
