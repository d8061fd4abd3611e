/** DTOs of shekara/v1/receipts.proto: used on the bus side, never posted over HTTP. */
import type { TimestampJson } from '@bufbuild/protobuf/wkt';
import type { DeliveryOutcomeJson, DeliveryReceiptJson, ReadReceiptJson } from '../gen/shekara/v1/receipts_pb';
import { DeliveryOutcomeSchema } from '../gen/shekara/v1/receipts_pb';
import { MessageId, UnitId } from './common.dto';
import { ProtoEnum, Rule, Text, Timestamp } from './decorators';

export class DeliveryReceiptDto implements DeliveryReceiptJson {
  @MessageId()
  messageId!: string;

  @UnitId()
  recipientUnit!: string;

  @ProtoEnum(DeliveryOutcomeSchema)
  outcome!: DeliveryOutcomeJson;

  @Rule(
    'reasonOnlyWhenRejected',
    (_v, o) => o.outcome === 'DELIVERY_OUTCOME_REJECTED',
    'REASON_ONLY_WHEN_REJECTED',
  )
  @Text({ presence: { requiredWhen: (o) => o.outcome === 'DELIVERY_OUTCOME_REJECTED' }, max: 2000 })
  reason?: string;

  @Timestamp()
  at!: TimestampJson;
}

export class ReadReceiptDto implements ReadReceiptJson {
  @MessageId()
  messageId!: string;

  @UnitId()
  recipientUnit!: string;

  @Text({ max: 100 })
  reader!: string;

  @Timestamp()
  at!: TimestampJson;
}
