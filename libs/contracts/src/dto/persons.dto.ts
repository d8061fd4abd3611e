/** DTOs of shekara/v1/persons.proto: built by a node from an officer's decision, checked on the bus side. */
import type { TimestampJson } from '@bufbuild/protobuf/wkt';
import type { HitDecisionJson, HitOutcomeJson } from '../gen/shekara/v1/persons_pb';
import { HitOutcomeSchema } from '../gen/shekara/v1/persons_pb';
import { MessageId, PersonDto } from './common.dto';
import { Nested, ProtoEnum, Text, Timestamp, UInt } from './decorators';

export class HitDecisionDto implements HitDecisionJson {
  @MessageId()
  messageId!: string;

  @UInt({ presence: 'optional', max: 9999 })
  personIndex?: number;

  @MessageId()
  matchedMessageId!: string;

  @Nested(() => PersonDto)
  person!: PersonDto;

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
