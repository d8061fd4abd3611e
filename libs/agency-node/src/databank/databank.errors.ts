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
}

const TABLE: ErrorTable<DataBankErrorCode> = {
  [DataBankErrorCode.InvalidRecord]: { status: HttpStatus.BAD_REQUEST, en: 'The bank record is invalid; see the field errors.', ru: 'Запись банка данных неверна, см. ошибки полей.' },
  [DataBankErrorCode.RecordNotFound]: { status: HttpStatus.NOT_FOUND, en: 'No such record in the data bank, or not one you are cleared to read.', ru: 'Такой записи в банке данных нет, или у вас нет допуска к ней.' },
  [DataBankErrorCode.NotOwner]: { status: HttpStatus.FORBIDDEN, en: 'Only the agency that owns a record may change or withdraw it.', ru: 'Изменить или отозвать запись может только ведомство, которому она принадлежит.' },
  [DataBankErrorCode.Withdrawn]: { status: HttpStatus.CONFLICT, en: 'The record was withdrawn; it cannot be changed any more.', ru: 'Запись отозвана, изменить её больше нельзя.' },
  [DataBankErrorCode.VersionConflict]: { status: HttpStatus.CONFLICT, en: 'The record was changed at the same time by someone else; open it again and repeat the change.', ru: 'Запись одновременно изменил кто-то другой; откройте её заново и повторите изменение.' },
  [DataBankErrorCode.InvalidQuery]: { status: HttpStatus.BAD_REQUEST, en: 'The search is invalid; see the field errors.', ru: 'Поисковый запрос неверен, см. ошибки полей.' },
  [DataBankErrorCode.InvalidDocumentCheck]: { status: HttpStatus.BAD_REQUEST, en: 'The document to check is invalid; see the field errors.', ru: 'Данные документа для проверки неверны, см. ошибки полей.' },
};

export class DataBankError extends AppError<DataBankErrorCode> {
  constructor(code: DataBankErrorCode, detail?: Bilingual, fields?: FieldError[]) {
    super(code, TABLE, detail, fields);
    this.name = 'DataBankError';
  }
}
