/** DTOs of shekara/v1/urgent.proto (clause 5.1). */
import type { TimestampJson } from '@bufbuild/protobuf/wkt';
import type {
  CrisisPreconditionsJson,
  CrossingDirectionJson,
  DetainedMigrantsJson,
  ForgedDocumentJson,
  ForgedDocumentsJson,
  ForgeryKindJson,
  IllegalCrossingJson,
  MovementJson,
  NeighbourActionKindJson,
  NeighbourStateActionsJson,
  OffenceStageJson,
  SmuggledGoodsJson,
  SmugglingJson,
  UrgentConfirmationJson,
  UrgentJson,
  UrgentTopicJson,
  ValuablesKindJson,
  ValuablesTraffickingJson,
  VisaAcquisitionJson,
  WantedInvolvementJson,
  WantedPersonsJson,
} from '../gen/shekara/v1/urgent_pb';
import {
  CrossingDirectionSchema,
  ForgeryKindSchema,
  MovementSchema,
  NeighbourActionKindSchema,
  OffenceStageSchema,
  SmuggledGoodsSchema,
  UrgentTopicSchema,
  ValuablesKindSchema,
  VisaAcquisitionSchema,
  WantedInvolvementSchema,
} from '../gen/shekara/v1/urgent_pb';
import type { DocumentTypeJson } from '../gen/shekara/v1/common_pb';
import { DocumentTypeSchema } from '../gen/shekara/v1/common_pb';
import { Alpha3, CheckpointId, DocumentNumber, MessageId, PersonDto } from './common.dto';
import { Bool, Nested, NestedList, ProtoEnum, Rule, Text, Timestamp, UInt, type DtoObject } from './decorators';

export class CrisisPreconditionsDto implements CrisisPreconditionsJson {
  @Alpha3()
  neighbourState!: string;

  @Text({ max: 200 })
  area!: string;

  @Text({ max: 4000 })
  description!: string;

  @Text({ presence: 'optional', max: 2000 })
  expectedImpact?: string;
}

export class NeighbourStateActionsDto implements NeighbourStateActionsJson {
  @Alpha3()
  neighbourState!: string;

  @ProtoEnum(NeighbourActionKindSchema)
  kind!: NeighbourActionKindJson;

  @Text({ max: 4000 })
  description!: string;

  @Text({ presence: 'optional', max: 2000 })
  requiredResponse?: string;
}

export class SmugglingDto implements SmugglingJson {
  @ProtoEnum(SmuggledGoodsSchema)
  goodsCategory!: SmuggledGoodsJson;

  @Text({ max: 2000 })
  description!: string;

  @Text({ presence: 'optional', max: 200 })
  quantity?: string;

  @ProtoEnum(OffenceStageSchema)
  stage!: OffenceStageJson;

  @Text({ presence: 'optional', max: 4000 })
  channel?: string;

  @Text({ presence: 'optional', max: 200 })
  borderSection?: string;

  @NestedList(() => PersonDto, { min: 0, max: 100 })
  suspects?: PersonDto[];
}

export class WantedPersonsDto implements WantedPersonsJson {
  @NestedList(() => PersonDto, { min: 1, max: 100 })
  persons!: PersonDto[];

  @ProtoEnum(WantedInvolvementSchema)
  involvement!: WantedInvolvementJson;

  @Text({ presence: 'optional', max: 500 })
  wantedBy?: string;

  @Text({ presence: 'optional', max: 500 })
  expectedLocation?: string;

  @Text({ presence: 'optional', max: 4000 })
  description?: string;
}

const personCount = (o: DtoObject): number => (Array.isArray(o.persons) ? o.persons.length : 0);

export class DetainedMigrantsDto implements DetainedMigrantsJson {
  @NestedList(() => PersonDto, { min: 1, max: 100 })
  persons!: PersonDto[];

  @Alpha3()
  departureState!: string;

  @Text({ max: 2000 })
  route!: string;

  @Text({ max: 500 })
  declaredPurpose!: string;

  @CheckpointId('optional')
  checkpointId?: string;

  @Rule(
    'aloneMeansOnePerson',
    (v, o) => v !== 'MOVEMENT_ALONE' || personCount(o) === 1,
    'ALONE_MEANS_ONE_PERSON',
  )
  @ProtoEnum(MovementSchema)
  movement!: MovementJson;

  @Rule(
    'groupSizeMatchesMovement',
    (v, o) =>
      o.movement === 'MOVEMENT_GROUP'
        ? typeof v === 'number' && v >= 2 && v >= personCount(o)
        : v === undefined || v === null || v === 0 || v === 1,
    'GROUP_SIZE_MATCHES_MOVEMENT',
  )
  @UInt({ presence: { requiredWhen: (o) => o.movement === 'MOVEMENT_GROUP' }, max: 10000 })
  groupSize?: number;

  @ProtoEnum(VisaAcquisitionSchema)
  visaAcquisition!: VisaAcquisitionJson;

  @Text({ presence: { requiredWhen: (o) => o.visaAcquisition === 'VISA_ACQUISITION_OTHER' }, max: 2000 })
  visaAcquisitionDetails?: string;

  @Text({ presence: 'optional', max: 4000 })
  methods?: string;

  @Text({ max: 4000 })
  measuresTaken!: string;
}

export class ForgedDocumentDto implements ForgedDocumentJson {
  @ProtoEnum(DocumentTypeSchema)
  documentType!: DocumentTypeJson;

  @DocumentNumber()
  number!: string;

  @Alpha3()
  issuingState!: string;

  @ProtoEnum(ForgeryKindSchema)
  kind!: ForgeryKindJson;

  @Nested(() => PersonDto, 'optional')
  holder?: PersonDto;

  @Text({ presence: 'optional', max: 2000 })
  description?: string;
}

export class ForgedDocumentsDto implements ForgedDocumentsJson {
  @NestedList(() => ForgedDocumentDto, { min: 1, max: 50 })
  documents!: ForgedDocumentDto[];

  @Text({ presence: 'optional', max: 4000 })
  circumstances?: string;
}

export class IllegalCrossingDto implements IllegalCrossingJson {
  @Text({ max: 500 })
  location!: string;

  @ProtoEnum(CrossingDirectionSchema)
  direction!: CrossingDirectionJson;

  @UInt({ presence: 'required', min: 1, max: 10000 })
  personsCount!: number;

  @Bool()
  detained?: boolean;

  @NestedList(() => PersonDto, { min: 0, max: 100 })
  persons?: PersonDto[];

  @Text({ presence: 'optional', max: 4000 })
  circumstances?: string;
}

export class ValuablesTraffickingDto implements ValuablesTraffickingJson {
  @ProtoEnum(ValuablesKindSchema)
  kind!: ValuablesKindJson;

  @Text({ max: 2000 })
  description!: string;

  @Text({ presence: 'optional', max: 200 })
  estimatedValue?: string;

  @ProtoEnum(OffenceStageSchema)
  stage!: OffenceStageJson;

  @Text({ presence: 'optional', max: 4000 })
  channel?: string;

  @Text({ presence: 'optional', max: 200 })
  borderSection?: string;
}

/** The `details` field each urgent topic requires. */
export const URGENT_TOPIC_DETAILS: Readonly<Record<Exclude<UrgentTopicJson, 'URGENT_TOPIC_UNSPECIFIED'>, keyof UrgentJson>> = {
  URGENT_TOPIC_CRISIS_PRECONDITIONS: 'crisisPreconditions',
  URGENT_TOPIC_NEIGHBOUR_STATE_ACTIONS: 'neighbourStateActions',
  URGENT_TOPIC_SMUGGLING: 'smuggling',
  URGENT_TOPIC_WANTED_PERSONS: 'wantedPersons',
  URGENT_TOPIC_DETAINED_MIGRANTS: 'detainedMigrants',
  URGENT_TOPIC_FORGED_DOCUMENTS: 'forgedDocuments',
  URGENT_TOPIC_ILLEGAL_CROSSING: 'illegalCrossing',
  URGENT_TOPIC_VALUABLES_TRAFFICKING: 'valuablesTrafficking',
};

function detailsMatchTopic(topic: unknown, o: DtoObject): boolean {
  const field = URGENT_TOPIC_DETAILS[topic as keyof typeof URGENT_TOPIC_DETAILS];
  return field !== undefined && o[field] !== undefined && o[field] !== null;
}

export class UrgentDto implements UrgentJson {
  @Rule(
    'detailsMatchTopic',
    detailsMatchTopic,
    'DETAILS_MATCH_TOPIC',
  )
  @ProtoEnum(UrgentTopicSchema)
  topic!: UrgentTopicJson;

  @Text({ max: 4000 })
  summary!: string;

  @CheckpointId('optional')
  checkpointId?: string;

  @Timestamp()
  occurredAt!: TimestampJson;

  @Nested(() => CrisisPreconditionsDto, 'optional')
  crisisPreconditions?: CrisisPreconditionsDto;

  @Nested(() => NeighbourStateActionsDto, 'optional')
  neighbourStateActions?: NeighbourStateActionsDto;

  @Nested(() => SmugglingDto, 'optional')
  smuggling?: SmugglingDto;

  @Nested(() => WantedPersonsDto, 'optional')
  wantedPersons?: WantedPersonsDto;

  @Nested(() => DetainedMigrantsDto, 'optional')
  detainedMigrants?: DetainedMigrantsDto;

  @Nested(() => ForgedDocumentsDto, 'optional')
  forgedDocuments?: ForgedDocumentsDto;

  @Nested(() => IllegalCrossingDto, 'optional')
  illegalCrossing?: IllegalCrossingDto;

  @Nested(() => ValuablesTraffickingDto, 'optional')
  valuablesTrafficking?: ValuablesTraffickingDto;
}

export class UrgentConfirmationDto implements UrgentConfirmationJson {
  @MessageId()
  urgentMessageId!: string;

  @Text({ max: 8000 })
  text!: string;

  @Nested(() => UrgentDto)
  urgent!: UrgentDto;
}
