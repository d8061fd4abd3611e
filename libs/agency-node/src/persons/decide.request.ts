/** The body of POST /api/matches/decide: an officer confirms or rejects a possible match. */
import { PersonsError, PersonsErrorCode } from './persons.errors';

export interface DecideRequest {
  /** A person of a message of the officer's unit: `<message id>:<n>`. */
  personId: string;
  /** The other person, as the matches named it. */
  candidateId: string;
  decision: 'CONFIRMED' | 'REJECTED';
  note?: string;
}

const PERSON_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:\d{1,4}$/;
const FIELDS = new Set(['personId', 'candidateId', 'decision', 'note']);
export const MAX_NOTE = 500;

const invalid = (field: string, en: string, ru: string) => new PersonsError(PersonsErrorCode.InvalidDecision, undefined, [{ field, messages: [en, ru] }]);

export function decideRequest(body: unknown): DecideRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('body', 'must be a JSON object', 'должно быть объектом JSON');
  const o = body as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!FIELDS.has(k)) throw invalid(k, `unknown field "${k}"`, `неизвестное поле "${k}"`);
  for (const f of ['personId', 'candidateId'] as const) {
    if (typeof o[f] !== 'string' || !PERSON_ID.test(o[f] as string)) throw invalid(f, 'must be a person id "<message id>:<n>"', 'должно быть идентификатором лица "<id сообщения>:<n>"');
  }
  if (o.decision !== 'CONFIRMED' && o.decision !== 'REJECTED') throw invalid('decision', 'must be "CONFIRMED" or "REJECTED"', 'должно быть "CONFIRMED" или "REJECTED"');
  if (o.note !== undefined && (typeof o.note !== 'string' || o.note.length > MAX_NOTE)) throw invalid('note', `must be text of at most ${MAX_NOTE} characters`, `должно быть текстом не длиннее ${MAX_NOTE} символов`);
  return { personId: o.personId as string, candidateId: o.candidateId as string, decision: o.decision, ...(typeof o.note === 'string' && o.note.trim() !== '' && { note: o.note.trim() }) };
}
