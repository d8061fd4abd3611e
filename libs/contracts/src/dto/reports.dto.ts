/** DTOs of shekara/v1/reports.proto (clauses 5.2 to 5.5). */
import type { TimestampJson } from '@bufbuild/protobuf/wkt';
import type {
  AdminDetaineesJson,
  AdvanceJson,
  CheckpointChangeJson,
  CheckpointCountsJson,
  DailyJson,
  DocumentChangeJson,
  DocumentChangeKindJson,
  DocumentLossJson,
  DocumentNoticeJson,
  LostDocumentJson,
  MaterialJson,
  MaterialKindJson,
  MonthlyJson,
  PlannedExpulsionJson,
  SemiannualJson,
} from '../gen/shekara/v1/reports_pb';
import { DocumentChangeKindSchema, DocumentLossSchema, MaterialKindSchema } from '../gen/shekara/v1/reports_pb';
import type { DocumentTypeJson } from '../gen/shekara/v1/common_pb';
import { DocumentTypeSchema } from '../gen/shekara/v1/common_pb';
import { ALPHA3_RE, HALF_YEAR_RE, MONTH_RE } from '../formats';
import { Alpha3, AttachmentDto, CheckpointId, DocumentNumber, MAX_ATTACHMENTS, PersonDto } from './common.dto';
import { CalendarDate, Nested, NestedList, ProtoEnum, Rule, Text, TextList, Timestamp, UInt, type DtoObject } from './decorators';

/** Upper bound of the daily counts: more than the busiest checkpoint sees in a day. */
const MAX_DAILY_COUNT = 1_000_000;

export class CheckpointCountsDto implements CheckpointCountsJson {
  @UInt({ max: MAX_DAILY_COUNT })
  personsCrossed?: number;

  @UInt({ max: MAX_DAILY_COUNT })
  vehiclesCrossed?: number;

  @UInt({ max: MAX_DAILY_COUNT })
  personsRefused?: number;

  @UInt({ max: MAX_DAILY_COUNT })
  personsDetained?: number;
}

export class CheckpointChangeDto implements CheckpointChangeJson {
  @CheckpointId()
  checkpointId!: string;

  @Text({ max: 4000 })
  situation!: string;

  @Nested(() => CheckpointCountsDto, 'optional')
  counts?: CheckpointCountsDto;
}

export class DailyDto implements DailyJson {
  @CalendarDate('optional')
  period?: string;

  @NestedList(() => CheckpointChangeDto, { min: 0, max: 100 })
  changes?: CheckpointChangeDto[];

  @Text({ max: 8000 })
  summary!: string;
}

/** Each text section of a monthly report. */
const MONTHLY_SECTION_MAX = 20000;

export class MonthlyDto implements MonthlyJson {
  @Text({ max: 7, pattern: MONTH_RE, format: 'MONTH', example: '2026-02' })
  period!: string;

  @Text({ max: MONTHLY_SECTION_MAX })
  borderSituation!: string;

  @Text({ presence: 'optional', max: MONTHLY_SECTION_MAX })
  ethnicConflictGroups?: string;

  @Text({ presence: 'optional', max: MONTHLY_SECTION_MAX })
  violatorTactics?: string;

  @Text({ presence: 'optional', max: MONTHLY_SECTION_MAX })
  crossBorderDamage?: string;

  @Text({ presence: 'optional', max: MONTHLY_SECTION_MAX })
  protectionMethodsAndDetentions?: string;

  @NestedList(() => AttachmentDto, { min: 0, max: MAX_ATTACHMENTS })
  attachments?: AttachmentDto[];
}

export class DocumentChangeDto implements DocumentChangeJson {
  @ProtoEnum(DocumentChangeKindSchema)
  kind!: DocumentChangeKindJson;

  @ProtoEnum(DocumentTypeSchema)
  documentType!: DocumentTypeJson;

  @Alpha3()
  issuingState!: string;

  @Text({ max: 4000 })
  description!: string;
}

export class LostDocumentDto implements LostDocumentJson {
  @ProtoEnum(DocumentTypeSchema)
  documentType!: DocumentTypeJson;

  @DocumentNumber()
  number!: string;

  @Alpha3()
  issuingState!: string;

  @ProtoEnum(DocumentLossSchema)
  loss!: DocumentLossJson;

  @Text({ presence: 'optional', max: 300 })
  holderName?: string;
}

const listLength = (v: unknown): number => (Array.isArray(v) ? v.length : 0);

export class DocumentNoticeDto implements DocumentNoticeJson {
  @Text({ max: 4000 })
  description!: string;

  @Rule('changesOrLostDocuments', (v, o) => listLength(v) + listLength(o.lostOrStolen) > 0, 'CHANGES_OR_LOST_DOCUMENTS')
  @NestedList(() => DocumentChangeDto, {
    min: 0,
    max: 100,
    presence: { requiredWhen: (o) => listLength(o.lostOrStolen) === 0, code: 'CHANGES_OR_LOST_DOCUMENTS' },
  })
  changes?: DocumentChangeDto[];

  @NestedList(() => LostDocumentDto, { min: 0, max: 1000 })
  lostOrStolen?: LostDocumentDto[];
}

export class PlannedExpulsionDto implements PlannedExpulsionJson {
  @Text({ max: 500 })
  place!: string;

  @CheckpointId('optional')
  checkpointId?: string;

  @UInt({ presence: 'required', min: 1, max: 10000 })
  personsCount!: number;

  @TextList({ min: 1, max: 50, maxLength: 3, pattern: ALPHA3_RE, format: 'ALPHA3', example: ['UZB'] })
  citizenships!: string[];

  @Text({ presence: 'optional', max: 4000 })
  measures?: string;
}

export class AdminDetaineesDto implements AdminDetaineesJson {
  @NestedList(() => PersonDto, { min: 1, max: 100 })
  persons!: PersonDto[];

  @CheckpointId()
  checkpointId!: string;

  @Text({ max: 200, example: 'ст. 510 КоАП РК' })
  codeArticle!: string;

  @Text({ max: 4000 })
  circumstances!: string;
}

export class AdvanceDto implements AdvanceJson {
  @Timestamp()
  eventAt!: TimestampJson;

  @Nested(() => DocumentNoticeDto, 'optional')
  documents?: DocumentNoticeDto;

  @Nested(() => PlannedExpulsionDto, 'optional')
  expulsion?: PlannedExpulsionDto;

  @Nested(() => AdminDetaineesDto, 'optional')
  adminDetainees?: AdminDetaineesDto;

  @NestedList(() => AttachmentDto, { min: 0, max: MAX_ATTACHMENTS })
  attachments?: AttachmentDto[];
}

export class MaterialDto implements MaterialJson {
  @ProtoEnum(MaterialKindSchema)
  kind!: MaterialKindJson;

  @Text({ max: 300 })
  title!: string;

  @Text({ max: 100000 })
  text!: string;

  @NestedList(() => AttachmentDto, { min: 0, max: MAX_ATTACHMENTS })
  attachments?: AttachmentDto[];
}

export class SemiannualDto implements SemiannualJson {
  @Text({ max: 7, pattern: HALF_YEAR_RE, format: 'HALF_YEAR', example: '2026-H1' })
  period!: string;

  @NestedList(() => MaterialDto, { min: 1, max: 50 })
  materials!: MaterialDto[];
}
