/** DTO of shekara/v1/api.proto: the body of POST /api/messages. */
import type { TimestampJson } from '@bufbuild/protobuf/wkt';
import type { SendMessageRequestJson } from '../gen/shekara/v1/api_pb';
import type { ClassificationJson } from '../gen/shekara/v1/common_pb';
import { ClassificationSchema } from '../gen/shekara/v1/common_pb';
import { MAX_RECIPIENTS, UNIT_ID_RE } from '../formats';
import { MessageId, UnitId } from './common.dto';
import { Nested, ProtoEnum, Rule, TextList, Timestamp, type DtoObject } from './decorators';
import { AdvanceDto, DailyDto, MonthlyDto, SemiannualDto } from './reports.dto';
import { UrgentConfirmationDto, UrgentDto } from './urgent.dto';

const isConfirmation = (o: DtoObject): boolean => o.urgentConfirmation !== undefined && o.urgentConfirmation !== null;

export class SendMessageRequestDto implements SendMessageRequestJson {
  @UnitId()
  senderUnit!: string;

  @Rule(
    'senderNotRecipient',
    (v, o) => !Array.isArray(v) || !v.includes(o.senderUnit),
    'SENDER_NOT_RECIPIENT',
  )
  @TextList({
    min: 1,
    max: MAX_RECIPIENTS,
    maxLength: 100,
    pattern: UNIT_ID_RE,
    format: 'UNIT_ID',
    example: ['interior.l4.CP-CN-A-01', 'customs.l4.CP-CN-A-01'],
  })
  recipientUnits!: string[];

  @Rule(
    'correlatesConfirmation',
    (v, o) => !isConfirmation(o) || v === o.urgentConfirmation.urgentMessageId,
    'CORRELATES_CONFIRMATION',
  )
  @MessageId({ requiredWhen: isConfirmation })
  correlationId?: string;

  @Timestamp('optional')
  reportedAt?: TimestampJson;

  @ProtoEnum(ClassificationSchema)
  classification!: ClassificationJson;

  @Nested(() => UrgentDto, 'optional')
  urgent?: UrgentDto;

  @Nested(() => UrgentConfirmationDto, 'optional')
  urgentConfirmation?: UrgentConfirmationDto;

  @Nested(() => DailyDto, 'optional')
  daily?: DailyDto;

  @Nested(() => MonthlyDto, 'optional')
  monthly?: MonthlyDto;

  @Nested(() => AdvanceDto, 'optional')
  advance?: AdvanceDto;

  @Nested(() => SemiannualDto, 'optional')
  semiannual?: SemiannualDto;
}
