/** DTOs of shekara/v1/handover.proto (clause 9.6: handover acts and their acceptance). */
import type { TimestampJson } from '@bufbuild/protobuf/wkt';
import type { DocumentTypeJson } from '../gen/shekara/v1/common_pb';
import { DocumentTypeSchema } from '../gen/shekara/v1/common_pb';
import type {
  HandoverAcceptanceJson,
  HandoverDisputeJson,
  HandoverDocumentJson,
  HandoverGoodsJson,
  HandoverItemJson,
  HandoverProposalJson,
  HandoverRefusalJson,
  HandoverVehicleJson,
  HandoverWeaponJson,
  HandoverWithdrawalJson,
} from '../gen/shekara/v1/handover_pb';
import { Alpha3, CheckpointId, DocumentNumber, MessageId, PersonDto } from './common.dto';
import { Bool, Nested, NestedList, ProtoEnum, Rule, Text, TextList, Timestamp, UInt, type DtoObject } from './decorators';

/** An item id within an act: "P1", "G-2". */
export const ITEM_ID_RE = /^[A-Za-z0-9_-]{1,40}$/;
/** A quantity: a decimal number >= 0 with at most 3 decimals (so "-1" is refused with this message). */
export const QUANTITY_RE = /^\d{1,9}(\.\d{1,3})?$/;
/** Items of one act, at most. */
export const MAX_HANDOVER_ITEMS = 200;

const ItemId = () => Text({ max: 40, pattern: ITEM_ID_RE, format: 'ITEM_ID', example: 'P1' });
const Officer = () => Text({ max: 200, example: 'Capt. A. Serikbayev' });

/** Whether the listed objects' `key` values are distinct. */
function distinct(list: unknown, key: string): boolean {
  if (!Array.isArray(list)) return true;
  const ids = list.map((x) => (x && typeof x === 'object' ? (x as DtoObject)[key] : undefined));
  return new Set(ids).size === ids.length;
}

export class HandoverGoodsDto implements HandoverGoodsJson {
  @Text({ max: 2000 })
  description!: string;

  @Text({ max: 13, pattern: QUANTITY_RE, format: 'QUANTITY', example: '12' })
  quantity!: string;

  @Text({ max: 20, example: 'kg' })
  measure!: string;

  @Text({ presence: 'optional', max: 500 })
  packaging?: string;

  @TextList({ min: 0, max: 20, maxLength: 64, pattern: /^\S/, format: 'SEAL' })
  seals?: string[];

  @Bool()
  contraband?: boolean;
}

export class HandoverVehicleDto implements HandoverVehicleJson {
  @Text({ max: 200 })
  make!: string;

  @Text({ max: 20 })
  registration!: string;

  @Text({ presence: 'optional', max: 17, pattern: /^$|^[A-HJ-NPR-Z0-9]{1,17}$/, format: 'VIN' })
  vin?: string;
}

export class HandoverDocumentDto implements HandoverDocumentJson {
  @ProtoEnum(DocumentTypeSchema)
  type!: DocumentTypeJson;

  @DocumentNumber()
  number!: string;

  @Alpha3('optional')
  issuingState?: string;

  @Text({ presence: 'optional', max: 1000 })
  description?: string;
}

export class HandoverWeaponDto implements HandoverWeaponJson {
  @Text({ max: 500 })
  description!: string;

  @Text({ presence: 'optional', max: 64 })
  serialNumber?: string;

  @UInt({ max: 100_000 })
  rounds?: number;
}

export class HandoverItemDto implements HandoverItemJson {
  @ItemId()
  itemId!: string;

  @Nested(() => PersonDto, 'optional')
  person?: PersonDto;

  @Nested(() => HandoverGoodsDto, 'optional')
  goods?: HandoverGoodsDto;

  @Nested(() => HandoverVehicleDto, 'optional')
  vehicle?: HandoverVehicleDto;

  @Nested(() => HandoverDocumentDto, 'optional')
  document?: HandoverDocumentDto;

  @Nested(() => HandoverWeaponDto, 'optional')
  weapon?: HandoverWeaponDto;
}

export class HandoverProposalDto implements HandoverProposalJson {
  @Text({ max: 1000 })
  legalGround!: string;

  @CheckpointId()
  checkpointId!: string;

  @Timestamp()
  handedAt!: TimestampJson;

  @Officer()
  officer!: string;

  @Rule('distinctItemIds', (v) => distinct(v, 'itemId'), 'DISTINCT_ITEM_IDS')
  @NestedList(() => HandoverItemDto, { min: 1, max: MAX_HANDOVER_ITEMS })
  items!: HandoverItemDto[];

  @MessageId('optional')
  sourceMessageId?: string;

  @Text({ presence: 'optional', max: 4000 })
  notes?: string;
}

export class HandoverRefusalDto implements HandoverRefusalJson {
  @ItemId()
  itemId!: string;

  @Text({ max: 1000 })
  reason!: string;
}

export class HandoverAcceptanceDto implements HandoverAcceptanceJson {
  @MessageId()
  actId!: string;

  @Officer()
  officer!: string;

  @Timestamp()
  acceptedAt!: TimestampJson;

  @Rule('distinctRefusals', (v) => distinct(v, 'itemId'), 'REFUSED_EACH_ONCE')
  @NestedList(() => HandoverRefusalDto, { min: 0, max: MAX_HANDOVER_ITEMS })
  refused?: HandoverRefusalDto[];
}

export class HandoverDisputeDto implements HandoverDisputeJson {
  @MessageId()
  actId!: string;

  @Officer()
  officer!: string;

  @Text({ max: 2000 })
  reason!: string;
}

export class HandoverWithdrawalDto implements HandoverWithdrawalJson {
  @MessageId()
  actId!: string;

  @Officer()
  officer!: string;

  @Text({ max: 2000 })
  reason!: string;
}
