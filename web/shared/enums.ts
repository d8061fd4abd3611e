/** Proto enum values (zero values excluded: never valid), in proto order. Labels are in the dictionary. */
import type { ClassificationJson, CrossingDirectionJson, DocumentChangeKindJson, DocumentLossJson, DocumentTypeJson, ForgeryKindJson, MaterialKindJson, MovementJson, NeighbourActionKindJson, OffenceStageJson, SexJson, SmuggledGoodsJson, UrgentTopicJson, ValuablesKindJson, VisaAcquisitionJson, WantedInvolvementJson } from './contract';

type Valid<E extends string> = Exclude<E, `${string}_UNSPECIFIED`>;

/**
 * A list of the values of a proto enum, checked against the enum's JSON type generated from the
 * contract: a value that is not in the enum, or a value of the enum missing from the list, is a type error.
 */
function values<E extends string>() {
  return <const L extends readonly Valid<E>[]>(list: L & ([Exclude<Valid<E>, L[number]>] extends [never] ? unknown : never)): readonly string[] => list;
}

export const CLASSIFICATION = values<ClassificationJson>()(['CLASSIFICATION_UNCLASSIFIED', 'CLASSIFICATION_FOR_OFFICIAL_USE', 'CLASSIFICATION_CONFIDENTIAL']);
export const SEX = values<SexJson>()(['SEX_MALE', 'SEX_FEMALE']);
export const DOCUMENT_TYPE = values<DocumentTypeJson>()(['DOCUMENT_TYPE_PASSPORT', 'DOCUMENT_TYPE_NATIONAL_ID_CARD', 'DOCUMENT_TYPE_RESIDENCE_PERMIT', 'DOCUMENT_TYPE_VISA', 'DOCUMENT_TYPE_INVITATION', 'DOCUMENT_TYPE_TRAVEL_CERTIFICATE', 'DOCUMENT_TYPE_CREW_ID', 'DOCUMENT_TYPE_OTHER']);
export const URGENT_TOPIC = values<UrgentTopicJson>()(['URGENT_TOPIC_CRISIS_PRECONDITIONS', 'URGENT_TOPIC_NEIGHBOUR_STATE_ACTIONS', 'URGENT_TOPIC_SMUGGLING', 'URGENT_TOPIC_WANTED_PERSONS', 'URGENT_TOPIC_DETAINED_MIGRANTS', 'URGENT_TOPIC_FORGED_DOCUMENTS', 'URGENT_TOPIC_ILLEGAL_CROSSING', 'URGENT_TOPIC_VALUABLES_TRAFFICKING']);
export const OFFENCE_STAGE = values<OffenceStageJson>()(['OFFENCE_STAGE_PREPARED', 'OFFENCE_STAGE_ATTEMPTED', 'OFFENCE_STAGE_COMMITTED']);
export const NEIGHBOUR_ACTION_KIND = values<NeighbourActionKindJson>()(['NEIGHBOUR_ACTION_KIND_EXTERNAL_POLITICAL', 'NEIGHBOUR_ACTION_KIND_INTERNAL_POLITICAL', 'NEIGHBOUR_ACTION_KIND_ECONOMIC', 'NEIGHBOUR_ACTION_KIND_OTHER_EVENT']);
export const SMUGGLED_GOODS = values<SmuggledGoodsJson>()(['SMUGGLED_GOODS_WEAPONS', 'SMUGGLED_GOODS_AMMUNITION', 'SMUGGLED_GOODS_DRUGS', 'SMUGGLED_GOODS_EXPLOSIVES', 'SMUGGLED_GOODS_RADIOACTIVE', 'SMUGGLED_GOODS_POISONOUS', 'SMUGGLED_GOODS_PSYCHOTROPIC', 'SMUGGLED_GOODS_OTHER_PROHIBITED']);
export const WANTED_INVOLVEMENT = values<WantedInvolvementJson>()(['WANTED_INVOLVEMENT_DRUG_BUSINESS', 'WANTED_INVOLVEMENT_TERRORISM', 'WANTED_INVOLVEMENT_INTERNATIONAL_CRIME', 'WANTED_INVOLVEMENT_BORDER_VIOLATION_INTENT']);
export const MOVEMENT = values<MovementJson>()(['MOVEMENT_ALONE', 'MOVEMENT_GROUP']);
export const VISA_ACQUISITION = values<VisaAcquisitionJson>()(['VISA_ACQUISITION_EMBASSY_VISA', 'VISA_ACQUISITION_E_VISA', 'VISA_ACQUISITION_ELECTRONIC_INVITATION', 'VISA_ACQUISITION_PAPER_INVITATION', 'VISA_ACQUISITION_VISA_FREE', 'VISA_ACQUISITION_FORGED', 'VISA_ACQUISITION_OTHER']);
export const FORGERY_KIND = values<ForgeryKindJson>()(['FORGERY_KIND_FORGED', 'FORGERY_KIND_STOLEN', 'FORGERY_KIND_ALTERED']);
export const CROSSING_DIRECTION = values<CrossingDirectionJson>()(['CROSSING_DIRECTION_ENTRY', 'CROSSING_DIRECTION_EXIT']);
export const VALUABLES_KIND = values<ValuablesKindJson>()(['VALUABLES_KIND_MATERIAL', 'VALUABLES_KIND_CULTURAL']);
export const DOCUMENT_CHANGE_KIND = values<DocumentChangeKindJson>()(['DOCUMENT_CHANGE_KIND_NEW_SAMPLE', 'DOCUMENT_CHANGE_KIND_PROCESSING_CHANGE', 'DOCUMENT_CHANGE_KIND_NEW_STAMP', 'DOCUMENT_CHANGE_KIND_SECURITY_FEATURE']);
export const DOCUMENT_LOSS = values<DocumentLossJson>()(['DOCUMENT_LOSS_LOST', 'DOCUMENT_LOSS_STOLEN']);
export const MATERIAL_KIND = values<MaterialKindJson>()(['MATERIAL_KIND_REVIEW', 'MATERIAL_KIND_RECOMMENDATION', 'MATERIAL_KIND_TRAINING_MATERIAL']);

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
