/** Proto enum values (zero values excluded: never valid), in proto order. Labels are in the dictionary. */
const e = (prefix: string, names: string) => names.split(' ').map((n) => `${prefix}_${n}`);

export const CLASSIFICATION = e('CLASSIFICATION', 'UNCLASSIFIED FOR_OFFICIAL_USE CONFIDENTIAL');
export const SEX = e('SEX', 'MALE FEMALE');
export const DOCUMENT_TYPE = e('DOCUMENT_TYPE', 'PASSPORT NATIONAL_ID_CARD RESIDENCE_PERMIT VISA INVITATION TRAVEL_CERTIFICATE CREW_ID OTHER');
export const URGENT_TOPIC = e('URGENT_TOPIC', 'CRISIS_PRECONDITIONS NEIGHBOUR_STATE_ACTIONS SMUGGLING WANTED_PERSONS DETAINED_MIGRANTS FORGED_DOCUMENTS ILLEGAL_CROSSING VALUABLES_TRAFFICKING');
export const OFFENCE_STAGE = e('OFFENCE_STAGE', 'PREPARED ATTEMPTED COMMITTED');
export const NEIGHBOUR_ACTION_KIND = e('NEIGHBOUR_ACTION_KIND', 'EXTERNAL_POLITICAL INTERNAL_POLITICAL ECONOMIC OTHER_EVENT');
export const SMUGGLED_GOODS = e('SMUGGLED_GOODS', 'WEAPONS AMMUNITION DRUGS EXPLOSIVES RADIOACTIVE POISONOUS PSYCHOTROPIC OTHER_PROHIBITED');
export const WANTED_INVOLVEMENT = e('WANTED_INVOLVEMENT', 'DRUG_BUSINESS TERRORISM INTERNATIONAL_CRIME BORDER_VIOLATION_INTENT');
export const MOVEMENT = e('MOVEMENT', 'ALONE GROUP');
export const VISA_ACQUISITION = e('VISA_ACQUISITION', 'EMBASSY_VISA E_VISA ELECTRONIC_INVITATION PAPER_INVITATION VISA_FREE FORGED OTHER');
export const FORGERY_KIND = e('FORGERY_KIND', 'FORGED STOLEN ALTERED');
export const CROSSING_DIRECTION = e('CROSSING_DIRECTION', 'ENTRY EXIT');
export const VALUABLES_KIND = e('VALUABLES_KIND', 'MATERIAL CULTURAL');
export const DOCUMENT_CHANGE_KIND = e('DOCUMENT_CHANGE_KIND', 'NEW_SAMPLE PROCESSING_CHANGE NEW_STAMP SECURITY_FEATURE');
export const DOCUMENT_LOSS = e('DOCUMENT_LOSS', 'LOST STOLEN');
export const MATERIAL_KIND = e('MATERIAL_KIND', 'REVIEW RECOMMENDATION TRAINING_MATERIAL');

export const KINDS = ['URGENT', 'URGENT_CONFIRMATION', 'DAILY', 'MONTHLY', 'ADVANCE', 'SEMIANNUAL'] as const;

/** URGENT_TOPIC_DETAINED_MIGRANTS → "detainedMigrants" (the `details` case of Urgent). */
export function topicCase(topic: string): string {
  return topic
    .replace(/^URGENT_TOPIC_/, '')
    .toLowerCase()
    .replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}
/** "detained-migrants" for URLs. */
export function topicSlug(topic: string): string {
  return topic.replace(/^URGENT_TOPIC_/, '').toLowerCase().replace(/_/g, '-');
}
export function topicFromSlug(slug: string | null | undefined): string | undefined {
  if (!slug) return undefined;
  const t = `URGENT_TOPIC_${slug.toUpperCase().replace(/-/g, '_')}`;
  return URGENT_TOPIC.includes(t) ? t : undefined;
}
/** Payload key of a kind: URGENT_CONFIRMATION → "urgentConfirmation". */
export function kindCase(kind: string): string {
  return kind.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** A message view carries the short name ("FOR_OFFICIAL_USE"); requests take the proto name. */
export function classificationName(v: string | null | undefined): string | undefined {
  if (!v) return undefined;
  return v.startsWith('CLASSIFICATION_') ? v : `CLASSIFICATION_${v}`;
}
