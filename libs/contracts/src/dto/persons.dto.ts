/** DTOs of shekara/v1/persons.proto: built by a node from an officer's decision, checked on the bus side. */
import type { TimestampJson } from '@bufbuild/protobuf/wkt';
import type { SexJson } from '../gen/shekara/v1/common_pb';
import { SexSchema } from '../gen/shekara/v1/common_pb';
import type { HitDecisionJson, HitOutcomeJson, MatchedPersonJson } from '../gen/shekara/v1/persons_pb';
import { HitOutcomeSchema } from '../gen/shekara/v1/persons_pb';
import { Alpha3, MessageId } from './common.dto';
import { CalendarDate, Nested, ProtoEnum, Text, Timestamp, UInt } from './decorators';

export class MatchedPersonDto implements MatchedPersonJson {
  @Text({ max: 100, example: 'IVANOV' })
  surname!: string;

  @Text({ max: 100, example: 'IVAN' })
  givenNames!: string;

  @Text({ presence: 'optional', max: 100 })
  patronymic?: string;

  @CalendarDate('optional')
  dateOfBirth?: string;

  @Alpha3('optional')
  citizenship?: string;

  @ProtoEnum(SexSchema, 'optional')
  sex?: SexJson;

  @Text({ presence: 'optional', max: 32 })
  documentNumber?: string;

  @Alpha3('optional')
  documentIssuingState?: string;
}

export class HitDecisionDto implements HitDecisionJson {
  @MessageId()
  messageId!: string;

  @UInt({ presence: 'optional', max: 9999 })
  personIndex?: number;

  @MessageId()
  matchedMessageId!: string;

  @Nested(() => MatchedPersonDto)
  person!: MatchedPersonDto;

  @ProtoEnum(HitOutcomeSchema)
  outcome!: HitOutcomeJson;

  @UInt({ presence: 'optional', max: 1000 })
  scorePermille?: number;

  @Text({ presence: 'optional', max: 500 })
  note?: string;

  @Text({ max: 100 })
  decidedBy!: string;

  @Timestamp()
  decidedAt!: TimestampJson;
}
