/**
 * The "check a person" request: a person as @shekara/matching reads it (names in any script, date
 * of birth, citizenship, sex, documents), without an id, with the lengths of the contract's Person.
 */
import { MatchErrorCode, MatchInputError, toPersonRecord } from '@shekara/matching';
import type { PersonRecord } from '@shekara/matching';
import { PersonsError, PersonsErrorCode } from './persons.errors';

/** The id the query person gets (never filed). */
export const QUERY_ID = 'query';
const MAX_NAME = 100;
const MAX_DOCUMENTS = 5;

const FIELD_OF: Partial<Record<MatchErrorCode, string>> = {
  [MatchErrorCode.BadSurname]: 'surname',
  [MatchErrorCode.BadGivenNames]: 'givenNames',
  [MatchErrorCode.BadPatronymic]: 'patronymic',
  [MatchErrorCode.BadDateOfBirth]: 'dateOfBirth',
  [MatchErrorCode.BadCitizenship]: 'citizenship',
  [MatchErrorCode.BadSex]: 'sex',
  [MatchErrorCode.BadDocuments]: 'documents',
};

const invalid = (field: string, en: string, ru: string) => new PersonsError(PersonsErrorCode.InvalidPerson, undefined, [{ field, messages: [en, ru] }]);

/** Validates the body of POST /api/persons/check; throws PersonsError (400, nothing changes). */
export function checkRequest(body: unknown): PersonRecord {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const o = body as Record<string, unknown>;
    if ('id' in o) throw invalid('id', 'unknown field "id"', 'неизвестное поле "id"');
    for (const f of ['surname', 'givenNames', 'patronymic'] as const) {
      if (typeof o[f] === 'string' && (o[f] as string).length > MAX_NAME) throw invalid(f, `at most ${MAX_NAME} characters`, `не более ${MAX_NAME} символов`);
    }
    if (Array.isArray(o.documents) && o.documents.length > MAX_DOCUMENTS) throw invalid('documents', `at most ${MAX_DOCUMENTS} documents`, `не более ${MAX_DOCUMENTS} документов`);
    if (Array.isArray(o.documents) && o.documents.some((d) => typeof (d as { number?: unknown })?.number === 'string' && (d as { number: string }).number.length > 32)) {
      throw invalid('documents', 'a document number has at most 32 characters', 'номер документа не длиннее 32 символов');
    }
  }
  try {
    return toPersonRecord(typeof body === 'object' && body !== null && !Array.isArray(body) ? { ...body, id: QUERY_ID } : body);
  } catch (e) {
    if (!(e instanceof MatchInputError)) throw e;
    const field = e.code === MatchErrorCode.UnknownField ? e.detail.replace(/"/g, '') : (FIELD_OF[e.code] ?? 'body');
    throw invalid(field, e.text('en'), e.text('ru'));
  }
}
