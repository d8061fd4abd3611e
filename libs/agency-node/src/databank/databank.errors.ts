import { HttpStatus } from '@nestjs/common';
import { AppError } from '@shekara/server';
import type { Bilingual, ErrorTable, FieldError } from '@shekara/server';

/** What the Unified Data Bank refuses. Field errors carry their text in English, then in Russian. */
export enum DataBankErrorCode {
  InvalidRecord = 'BANK_INVALID_RECORD',
  RecordNotFound = 'BANK_RECORD_NOT_FOUND',
  NotOwner = 'BANK_NOT_OWNER',
  Withdrawn = 'BANK_RECORD_WITHDRAWN',
  VersionConflict = 'BANK_VERSION_CONFLICT',
  InvalidQuery = 'BANK_INVALID_QUERY',
  InvalidDocumentCheck = 'BANK_INVALID_DOCUMENT_CHECK',
  AttachmentTooLarge = 'BANK_ATTACHMENT_TOO_LARGE',
  AttachmentType = 'BANK_ATTACHMENT_TYPE',
  AttachmentEmpty = 'BANK_ATTACHMENT_EMPTY',
  AttachmentName = 'BANK_ATTACHMENT_NAME',
  AttachmentUnknown = 'BANK_ATTACHMENT_UNKNOWN',
  AttachmentNotFound = 'BANK_ATTACHMENT_NOT_FOUND',
  AttachmentNotHere = 'BANK_ATTACHMENT_NOT_HERE',
}

const TABLE: ErrorTable<DataBankErrorCode> = {
  [DataBankErrorCode.InvalidRecord]: { status: HttpStatus.BAD_REQUEST, en: 'The bank record is invalid; see the field errors.', ru: 'Запись банка данных неверна, см. ошибки полей.' },
  [DataBankErrorCode.RecordNotFound]: { status: HttpStatus.NOT_FOUND, en: 'No such record in the data bank, or not one you are cleared to read.', ru: 'Такой записи в банке данных нет, или у вас нет допуска к ней.' },
  [DataBankErrorCode.NotOwner]: { status: HttpStatus.FORBIDDEN, en: 'Only the agency that owns a record may change or withdraw it.', ru: 'Изменить или отозвать запись может только ведомство, которому она принадлежит.' },
  [DataBankErrorCode.Withdrawn]: { status: HttpStatus.CONFLICT, en: 'The record was withdrawn; it cannot be changed any more.', ru: 'Запись отозвана, изменить её больше нельзя.' },
  [DataBankErrorCode.VersionConflict]: { status: HttpStatus.CONFLICT, en: 'The record was changed at the same time by someone else; open it again and repeat the change.', ru: 'Запись одновременно изменил кто-то другой; откройте её заново и повторите изменение.' },
  [DataBankErrorCode.InvalidQuery]: { status: HttpStatus.BAD_REQUEST, en: 'The search is invalid; see the field errors.', ru: 'Поисковый запрос неверен, см. ошибки полей.' },
  [DataBankErrorCode.AttachmentTooLarge]: { status: HttpStatus.PAYLOAD_TOO_LARGE, en: 'The file is larger than 25 MiB; nothing was stored.', ru: 'Файл больше 25 МиБ; ничего не сохранено.' },
  [DataBankErrorCode.AttachmentType]: {
    status: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
    en: 'The file is not a PDF, a JPEG, PNG or TIFF image or an office document (docx, xlsx, pptx, odt, ods, odp), whatever its name says; nothing was stored.',
    ru: 'Файл не является PDF, изображением JPEG, PNG или TIFF или офисным документом (docx, xlsx, pptx, odt, ods, odp), как бы он ни назывался; ничего не сохранено.',
  },
  [DataBankErrorCode.AttachmentEmpty]: { status: HttpStatus.BAD_REQUEST, en: 'The file is empty; nothing was stored.', ru: 'Файл пуст; ничего не сохранено.' },
  [DataBankErrorCode.AttachmentName]: { status: HttpStatus.BAD_REQUEST, en: 'Give the file name (parameter filename, 1 to 255 characters, no directories).', ru: 'Укажите имя файла (параметр filename, от 1 до 255 символов, без каталогов).' },
  [DataBankErrorCode.AttachmentUnknown]: { status: HttpStatus.BAD_REQUEST, en: 'The record names a file that was not uploaded to this node; upload it first.', ru: 'Запись ссылается на файл, не загруженный на этот узел; сначала загрузите его.' },
  [DataBankErrorCode.AttachmentNotFound]: { status: HttpStatus.NOT_FOUND, en: 'The record has no such file, or you are not cleared to read it.', ru: 'У записи нет такого файла, или у вас нет допуска к ней.' },
  [DataBankErrorCode.AttachmentNotHere]: { status: HttpStatus.CONFLICT, en: 'The file has not fully arrived at this node yet; try again later.', ru: 'Файл ещё не полностью поступил на этот узел; повторите позже.' },
  [DataBankErrorCode.InvalidDocumentCheck]: { status: HttpStatus.BAD_REQUEST, en: 'The document to check is invalid; see the field errors.', ru: 'Данные документа для проверки неверны, см. ошибки полей.' },
};

export class DataBankError extends AppError<DataBankErrorCode> {
  constructor(code: DataBankErrorCode, detail?: Bilingual, fields?: FieldError[]) {
    super(code, TABLE, detail, fields);
    this.name = 'DataBankError';
  }
}
