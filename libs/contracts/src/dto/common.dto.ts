/** DTOs of shekara/v1/common.proto and the field shapes shared by every DTO file. */
import type { AttachmentJson, PersonJson, SexJson, TravelDocumentJson, DocumentTypeJson } from '../gen/shekara/v1/common_pb';
import { DocumentTypeSchema, SexSchema } from '../gen/shekara/v1/common_pb';
import {
  ALPHA3_RE,
  CHECKPOINT_ID_RE,
  FILENAME_RE,
  MAX_ATTACHMENT_BYTES,
  MEDIA_TYPE_RE,
  UNIT_ID_RE,
  UUID_V7_RE,
} from '../formats';
import { Bytes, CalendarDate, Nested, ProtoEnum, Text, type Presence } from './decorators';

/** A unit id such as "border.l4.CP-CN-A-01". */
export const UnitId = (presence: Presence = 'required') =>
  Text({ presence, max: 100, pattern: UNIT_ID_RE, format: 'UNIT_ID', example: 'border.l4.CP-CN-A-01' });

/** A checkpoint id such as "CP-CN-A-01". */
export const CheckpointId = (presence: Presence = 'required') =>
  Text({ presence, max: 32, pattern: CHECKPOINT_ID_RE, format: 'CHECKPOINT_ID', example: 'CP-CN-A-01' });

/** An ISO 3166-1 alpha-3 state code such as "CHN". */
export const Alpha3 = (presence: Presence = 'required') =>
  Text({ presence, max: 3, pattern: ALPHA3_RE, format: 'ALPHA3', example: 'CHN' });

/** A message id: UUIDv7. */
export const MessageId = (presence: Presence = 'required') =>
  Text({ presence, max: 36, pattern: UUID_V7_RE, format: 'MESSAGE_ID', example: '019c8a2e-5b1f-7c3d-9e4f-0a1b2c3d4e5f' });

/** A document number as printed. */
export const DocumentNumber = () => Text({ max: 32 });

export class TravelDocumentDto implements TravelDocumentJson {
  @ProtoEnum(DocumentTypeSchema)
  type!: DocumentTypeJson;

  @DocumentNumber()
  number!: string;

  @Alpha3()
  issuingState!: string;
}

export class PersonDto implements PersonJson {
  @Text({ max: 100, example: 'IVANOV' })
  surname!: string;

  @Text({ max: 100, example: 'IVAN' })
  givenNames!: string;

  @Text({ presence: 'optional', max: 100 })
  patronymic?: string;

  @CalendarDate()
  dateOfBirth!: string;

  @Alpha3()
  citizenship!: string;

  @ProtoEnum(SexSchema)
  sex!: SexJson;

  @Nested(() => TravelDocumentDto, 'optional')
  travelDocument?: TravelDocumentDto;
}

export class AttachmentDto implements AttachmentJson {
  @Text({ max: 255, pattern: FILENAME_RE, format: 'FILENAME' })
  filename!: string;

  @Text({ max: 255, pattern: MEDIA_TYPE_RE, format: 'MEDIA_TYPE', example: 'application/pdf' })
  mediaType!: string;

  @Bytes(MAX_ATTACHMENT_BYTES)
  content!: string;
}

/** Attachment lists: at most 10 files. */
export const MAX_ATTACHMENTS = 10;
