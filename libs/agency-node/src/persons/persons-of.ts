/**
 * The persons a report names, read from its payload (proto JSON, the oneof case as the only key):
 * every `Person` (detained migrants, wanted persons, suspects, persons crossing illegally, persons
 * detained at checkpoints, holders of forged documents) and the holders of lost or stolen
 * documents, each as a @shekara/matching record with the role it has in the report.
 */
import type { PersonDocument, PersonRecord } from '@shekara/matching';

/** What a person is in the report that names them (shown with a match). */
export type PersonRole = 'detained-migrant' | 'wanted' | 'suspect' | 'illegal-crossing' | 'admin-detainee' | 'forged-document-holder' | 'lost-document-holder' | 'person';

export interface NamedPerson {
  /** `<message id>:<n>`, n counting from 0 in the order of the payload. */
  record: PersonRecord;
  role: PersonRole;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

/** The role of the persons under a payload key. */
const ROLE_OF: Record<string, PersonRole> = {
  detainedMigrants: 'detained-migrant',
  wantedPersons: 'wanted',
  smuggling: 'suspect',
  illegalCrossing: 'illegal-crossing',
  adminDetainees: 'admin-detainee',
  forgedDocuments: 'forged-document-holder',
};

export function personsOf(messageId: string, payload: unknown): NamedPerson[] {
  // A hit decision repeats a person the deciding node already matched: filing it again would only
  // make the decision a match of its own subject.
  if (isObject(payload) && 'hitDecision' in payload) return [];
  const out: NamedPerson[] = [];
  const add = (p: Omit<PersonRecord, 'id'>, role: PersonRole) => out.push({ record: { id: `${messageId}:${out.length}`, ...p }, role });
  const walk = (v: unknown, role: PersonRole): void => {
    if (Array.isArray(v)) return v.forEach((x) => walk(x, role));
    if (!isObject(v)) return;
    // A ForgedDocument: its holder carried that document.
    if (isObject(v.holder) && text(v.number)) {
      const holder = toPerson(v.holder);
      if (holder) add({ ...holder, documents: [...(holder.documents ?? []), document(v)] }, 'forged-document-holder');
      return;
    }
    // A LostDocument: the holder's name as one text, "SURNAME Given names".
    if (text(v.holderName) && text(v.number)) {
      const [surname, ...given] = (v.holderName as string).trim().split(/\s+/);
      if (given.length > 0) add({ surname, givenNames: given.join(' '), documents: [document(v)] }, 'lost-document-holder');
      return;
    }
    const person = toPerson(v);
    if (person) return void add(person, role);
    for (const [k, x] of Object.entries(v)) walk(x, ROLE_OF[k] ?? role);
  };
  walk(payload, 'person');
  return out;
}

function document(v: Json): PersonDocument {
  return { number: v.number as string, ...(text(v.issuingState) && { issuingState: v.issuingState as string }), ...(text(v.documentType ?? v.type) && { type: (v.documentType ?? v.type) as string }) };
}

/** A proto `Person` as a matching record, or undefined when v is not one. */
function toPerson(v: Json): Omit<PersonRecord, 'id'> | undefined {
  const surname = text(v.surname);
  const givenNames = text(v.givenNames);
  if (!surname || !givenNames) return undefined;
  const p: Omit<PersonRecord, 'id'> = { surname, givenNames };
  if (text(v.patronymic)) p.patronymic = v.patronymic as string;
  if (typeof v.dateOfBirth === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v.dateOfBirth)) p.dateOfBirth = v.dateOfBirth;
  if (typeof v.citizenship === 'string' && /^[A-Z]{3}$/.test(v.citizenship)) p.citizenship = v.citizenship;
  if (v.sex === 'SEX_MALE') p.sex = 'M';
  else if (v.sex === 'SEX_FEMALE') p.sex = 'F';
  if (isObject(v.travelDocument) && text(v.travelDocument.number)) p.documents = [document(v.travelDocument)];
  return p;
}
