/**
 * A person as matched: the JSON shape of issue #19 (`shekara match`, the node's index), its
 * validation with error codes, and the messages of those codes in Russian and English.
 */
import { isIsoDate } from './dates';

export interface PersonDocument {
  number: string;
  issuingState?: string;
  type?: string;
}

export interface PersonRecord {
  id: string;
  surname: string;
  givenNames: string;
  patronymic?: string;
  dateOfBirth?: string;
  citizenship?: string;
  sex?: 'M' | 'F';
  documents?: PersonDocument[];
}

export enum MatchErrorCode {
  NotJson = 'NOT_JSON',
  NotObject = 'NOT_OBJECT',
  UnknownField = 'UNKNOWN_FIELD',
  BadId = 'BAD_ID',
  BadSurname = 'BAD_SURNAME',
  BadGivenNames = 'BAD_GIVEN_NAMES',
  BadPatronymic = 'BAD_PATRONYMIC',
  BadDateOfBirth = 'BAD_DATE_OF_BIRTH',
  BadCitizenship = 'BAD_CITIZENSHIP',
  BadSex = 'BAD_SEX',
  BadDocuments = 'BAD_DOCUMENTS',
  DuplicateId = 'DUPLICATE_ID',
}

export type Language = 'ru' | 'en';

export const MATCH_MESSAGES: Record<MatchErrorCode, Record<Language, (detail: string) => string>> = {
  [MatchErrorCode.NotJson]: { en: () => 'not a line of JSON', ru: () => 'строка не в формате JSON' },
  [MatchErrorCode.NotObject]: { en: () => 'not a JSON object', ru: () => 'не объект JSON' },
  [MatchErrorCode.UnknownField]: { en: (d) => `unknown field ${d}`, ru: (d) => `неизвестное поле ${d}` },
  [MatchErrorCode.BadId]: { en: () => '"id" must be a non-empty string', ru: () => '"id" должен быть непустой строкой' },
  [MatchErrorCode.BadSurname]: { en: () => '"surname" must be a non-empty string with letters', ru: () => '"surname" должна быть непустой строкой с буквами' },
  [MatchErrorCode.BadGivenNames]: { en: () => '"givenNames" must be a non-empty string with letters', ru: () => '"givenNames" должно быть непустой строкой с буквами' },
  [MatchErrorCode.BadPatronymic]: { en: () => '"patronymic" must be a string', ru: () => '"patronymic" должно быть строкой' },
  [MatchErrorCode.BadDateOfBirth]: { en: (d) => `"dateOfBirth" must be a date YYYY-MM-DD: ${d}`, ru: (d) => `"dateOfBirth" должна быть датой ГГГГ-ММ-ДД: ${d}` },
  [MatchErrorCode.BadCitizenship]: { en: (d) => `"citizenship" must be an ISO 3166 alpha-3 code: ${d}`, ru: (d) => `"citizenship" должно быть кодом ISO 3166 alpha-3: ${d}` },
  [MatchErrorCode.BadSex]: { en: (d) => `"sex" must be "M" or "F": ${d}`, ru: (d) => `"sex" должен быть "M" или "F": ${d}` },
  [MatchErrorCode.BadDocuments]: {
    en: (d) => `"documents" must be a list of {"number", "issuingState"?, "type"?}: ${d}`,
    ru: (d) => `"documents" должен быть списком {"number", "issuingState"?, "type"?}: ${d}`,
  },
  [MatchErrorCode.DuplicateId]: { en: (d) => `id ${d} appears on an earlier line`, ru: (d) => `id ${d} уже встречался в предыдущей строке` },
};

export class MatchInputError extends Error {
  constructor(
    readonly code: MatchErrorCode,
    readonly detail = '',
  ) {
    super(MATCH_MESSAGES[code].en(detail));
  }
  text(language: Language): string {
    return MATCH_MESSAGES[this.code][language](this.detail);
  }
}

const FIELDS = new Set(['id', 'surname', 'givenNames', 'patronymic', 'dateOfBirth', 'citizenship', 'sex', 'documents']);
const HAS_LETTER = /\p{L}/u;

const isNonEmpty = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/** Validates one parsed JSON value as a person; throws MatchInputError. */
export function toPersonRecord(value: unknown): PersonRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new MatchInputError(MatchErrorCode.NotObject);
  const o = value as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!FIELDS.has(k)) throw new MatchInputError(MatchErrorCode.UnknownField, JSON.stringify(k));
  if (!isNonEmpty(o.id)) throw new MatchInputError(MatchErrorCode.BadId);
  if (!isNonEmpty(o.surname) || !HAS_LETTER.test(o.surname)) throw new MatchInputError(MatchErrorCode.BadSurname);
  if (!isNonEmpty(o.givenNames) || !HAS_LETTER.test(o.givenNames)) throw new MatchInputError(MatchErrorCode.BadGivenNames);
  const p: PersonRecord = { id: o.id, surname: o.surname, givenNames: o.givenNames };
  if (o.patronymic !== undefined && o.patronymic !== null) {
    if (typeof o.patronymic !== 'string') throw new MatchInputError(MatchErrorCode.BadPatronymic);
    if (o.patronymic.trim() !== '') p.patronymic = o.patronymic;
  }
  if (o.dateOfBirth !== undefined && o.dateOfBirth !== null) {
    if (typeof o.dateOfBirth !== 'string' || !isIsoDate(o.dateOfBirth)) throw new MatchInputError(MatchErrorCode.BadDateOfBirth, JSON.stringify(o.dateOfBirth));
    p.dateOfBirth = o.dateOfBirth;
  }
  if (o.citizenship !== undefined && o.citizenship !== null) {
    if (typeof o.citizenship !== 'string' || !/^[A-Z]{3}$/.test(o.citizenship)) throw new MatchInputError(MatchErrorCode.BadCitizenship, JSON.stringify(o.citizenship));
    p.citizenship = o.citizenship;
  }
  if (o.sex !== undefined && o.sex !== null) {
    if (o.sex !== 'M' && o.sex !== 'F') throw new MatchInputError(MatchErrorCode.BadSex, JSON.stringify(o.sex));
    p.sex = o.sex;
  }
  if (o.documents !== undefined && o.documents !== null) {
    if (!Array.isArray(o.documents)) throw new MatchInputError(MatchErrorCode.BadDocuments, JSON.stringify(o.documents));
    p.documents = o.documents.map((d) => {
      const bad = () => new MatchInputError(MatchErrorCode.BadDocuments, JSON.stringify(d));
      if (typeof d !== 'object' || d === null || Array.isArray(d)) throw bad();
      const doc = d as Record<string, unknown>;
      for (const k of Object.keys(doc)) if (k !== 'number' && k !== 'issuingState' && k !== 'type') throw bad();
      if (!isNonEmpty(doc.number) || !/[0-9A-Za-z]/.test(doc.number)) throw bad();
      if (doc.issuingState !== undefined && (typeof doc.issuingState !== 'string' || !/^[A-Z]{3}$/.test(doc.issuingState))) throw bad();
      if (doc.type !== undefined && typeof doc.type !== 'string') throw bad();
      return { number: doc.number, ...(doc.issuingState !== undefined && { issuingState: doc.issuingState as string }), ...(doc.type !== undefined && { type: doc.type as string }) };
    });
  }
  return p;
}

/** Parses and validates one JSON line. */
export function parsePersonLine(line: string): PersonRecord {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    throw new MatchInputError(MatchErrorCode.NotJson, (e as Error).message);
  }
  return toPersonRecord(value);
}
