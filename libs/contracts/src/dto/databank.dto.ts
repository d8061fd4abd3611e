/** DTOs of shekara/v1/databank.proto: the Unified Data Bank's records, at the HTTP API and on the bus. */
import type {
  BankAttachmentChunkJson,
  BankAttachmentRefJson,
  BankAttachmentRequestJson,
  BankLanguageJson,
  BankMaterialJson,
  BankRecordContentJson,
  BankRecordVersionJson,
  BankSpecimenJson,
  BankTravelDocumentJson,
  BankVersionActionJson,
  SignedBankVersionJson,
  BankResyncRequestJson,
  TravelDocumentStatusJson,
} from '../gen/shekara/v1/databank_pb';
import { BankLanguageSchema, BankVersionActionSchema, TravelDocumentStatusSchema } from '../gen/shekara/v1/databank_pb';
import type { ClassificationJson, DocumentTypeJson } from '../gen/shekara/v1/common_pb';
import { ClassificationSchema, DocumentTypeSchema } from '../gen/shekara/v1/common_pb';
import type { MaterialKindJson } from '../gen/shekara/v1/reports_pb';
import { MaterialKindSchema } from '../gen/shekara/v1/reports_pb';
import { AGENCIES } from '../agencies';
import { isKnownState } from '../states';
import { Alpha3, MessageId, UnitId } from './common.dto';
import { Bytes, CalendarDate, Nested, NestedList, ProtoEnum, Rule, Text, TextList, Timestamp, UInt, UIntList } from './decorators';
import { FILENAME_RE, MEDIA_TYPE_RE } from '../formats';

/** A document number as an officer types it: the MRZ's letters and digits, spaces and dashes (no "<", no other script). */
export const BANK_DOCUMENT_NUMBER_RE = /^[A-Za-z0-9][A-Za-z0-9 -]{0,31}$/;

/** A topic tag: letters or digits of any script, spaces, dashes and underscores. */
export const TOPIC_RE = /^[\p{L}\p{N}][\p{L}\p{N} _-]{0,49}$/u;

/** Maximum size of a signed version on the bus: a body of 100000 characters is at most 400 KB of UTF-8. */
export const MAX_BANK_VERSION_BYTES = 512 * 1024;

/** An issuing state: ISO 3166-1 alpha-3 or an ICAO 9303 code, and one that exists. */
const IssuingState = () => (target: object, key: string | symbol) => {
  Alpha3()(target, key);
  Rule('isKnownState', (v) => typeof v === 'string' && isKnownState(v), 'KNOWN_STATE')(target, key);
};

const Topics = () => TextList({ min: 0, max: 20, maxLength: 50, pattern: TOPIC_RE, format: 'TOPIC', example: ['forgery'] });

export class BankMaterialDto implements BankMaterialJson {
  @ProtoEnum(MaterialKindSchema)
  kind!: MaterialKindJson;

  @Text({ max: 300 })
  title!: string;

  @Text({ presence: 'optional', max: 2000 })
  summary?: string;

  @Text({ max: 100000 })
  body!: string;

  @ProtoEnum(BankLanguageSchema)
  language!: BankLanguageJson;

  @Topics()
  topics?: string[];
}

export class BankSpecimenDto implements BankSpecimenJson {
  @IssuingState()
  issuingState!: string;

  @ProtoEnum(DocumentTypeSchema)
  documentType!: DocumentTypeJson;

  @Text({ presence: 'optional', max: 50 })
  series?: string;

  @Text({ max: 300 })
  title!: string;

  @Text({ max: 20000 })
  features!: string;

  @ProtoEnum(BankLanguageSchema)
  language!: BankLanguageJson;

  @Topics()
  topics?: string[];
}

export class BankTravelDocumentDto implements BankTravelDocumentJson {
  @Rule('hasAlnum', (v) => typeof v === 'string' && /[A-Za-z0-9]/.test(v), 'HAS_ALNUM')
  @Text({ max: 32, pattern: BANK_DOCUMENT_NUMBER_RE, format: 'MRZ_NUMBER', example: 'N1234567' })
  number!: string;

  @IssuingState()
  issuingState!: string;

  @ProtoEnum(DocumentTypeSchema)
  documentType!: DocumentTypeJson;

  @ProtoEnum(TravelDocumentStatusSchema)
  status!: TravelDocumentStatusJson;

  @CalendarDate()
  reportedOn!: string;

  @CalendarDate('optional')
  occurredOn?: string;

  @CalendarDate('optional')
  issuedOn?: string;

  @CalendarDate('optional')
  expiresOn?: string;

  @Text({ presence: 'optional', max: 100 })
  nationalReference?: string;
}

/** An attachment of the bank: at most 25 MiB (PDF, images, office documents). */
export const MAX_BANK_ATTACHMENT_BYTES = 25 * 1024 * 1024;
/** An attachment travels on the bus in chunks of this many bytes (a bus message stays far below the server's 1 MiB max payload). */
export const BANK_ATTACHMENT_CHUNK_BYTES = 512 * 1024;
/** Attachments of one record at most. */
export const MAX_BANK_ATTACHMENTS = 20;
/** A SHA-256 digest in lower-case hex. */
export const SHA256_HEX_RE = /^[0-9a-f]{64}$/;

const Sha256 = () => Text({ max: 64, pattern: SHA256_HEX_RE, format: 'SHA256' });
const FileSize = () => UInt({ presence: 'required', min: 1, max: MAX_BANK_ATTACHMENT_BYTES });
const MediaType = () => Text({ max: 255, pattern: MEDIA_TYPE_RE, format: 'MEDIA_TYPE', example: 'application/pdf' });

/** What a file's reference and each of its chunks say of the whole: hash, size, type. */
class AttachmentWholeDto {
  @Sha256()
  sha256!: string;

  @FileSize()
  size!: number;

  @MediaType()
  mediaType!: string;
}

export class BankAttachmentRefDto extends AttachmentWholeDto implements BankAttachmentRefJson {
  @Text({ max: 255, pattern: FILENAME_RE, format: 'FILENAME' })
  filename!: string;
}

export class BankAttachmentChunkDto extends AttachmentWholeDto implements BankAttachmentChunkJson {
  @UInt({ max: MAX_BANK_ATTACHMENT_BYTES / BANK_ATTACHMENT_CHUNK_BYTES - 1 })
  index?: number;

  @UInt({ presence: 'required', min: 1, max: MAX_BANK_ATTACHMENT_BYTES / BANK_ATTACHMENT_CHUNK_BYTES })
  count!: number;

  @Bytes(BANK_ATTACHMENT_CHUNK_BYTES)
  data!: string;
}

export class BankAttachmentRequestDto implements BankAttachmentRequestJson {
  @Sha256()
  sha256!: string;

  @UIntList({ max: MAX_BANK_ATTACHMENT_BYTES / BANK_ATTACHMENT_CHUNK_BYTES, maxValue: MAX_BANK_ATTACHMENT_BYTES / BANK_ATTACHMENT_CHUNK_BYTES - 1 })
  missing?: number[];
}

export class BankRecordContentDto implements BankRecordContentJson {
  @Nested(() => BankMaterialDto, 'optional')
  material?: BankMaterialDto;

  @Nested(() => BankSpecimenDto, 'optional')
  specimen?: BankSpecimenDto;

  @Nested(() => BankTravelDocumentDto, 'optional')
  travelDocument?: BankTravelDocumentDto;

  @ProtoEnum(ClassificationSchema)
  classification!: ClassificationJson;

  @CalendarDate('optional')
  reviewOn?: string;

  @NestedList(() => BankAttachmentRefDto, { min: 0, max: MAX_BANK_ATTACHMENTS, presence: 'optional' })
  attachments?: BankAttachmentRefDto[];
}

export class BankRecordVersionDto implements BankRecordVersionJson {
  @MessageId()
  recordId!: string;

  @UInt({ presence: 'required', min: 1, max: 1_000_000 })
  version!: number;

  @Rule('isAgency', (v) => typeof v === 'string' && (AGENCIES as readonly string[]).includes(v), 'AGENCY')
  @Text({ max: 20 })
  ownerAgency!: string;

  @UnitId()
  contributorUnit!: string;

  @Timestamp()
  createdAt!: string;

  @ProtoEnum(BankVersionActionSchema)
  action!: BankVersionActionJson;

  @Nested(() => BankRecordContentDto)
  content!: BankRecordContentDto;

  @MessageId('optional')
  sourceMessageId?: string;
}

export class SignedBankVersionDto implements SignedBankVersionJson {
  @Bytes(MAX_BANK_VERSION_BYTES)
  version!: string;

  @Text({ max: 200 })
  keyId!: string;

  @Bytes(64)
  signature!: string;
}

export class BankResyncRequestDto implements BankResyncRequestJson {
  @Rule('isAgency', (v) => typeof v === 'string' && (AGENCIES as readonly string[]).includes(v), 'AGENCY')
  @Text({ max: 20 })
  ownerAgency!: string;

  @Timestamp('optional')
  since?: string;
}
