import { HttpStatus } from '@nestjs/common';
import { AppError } from '@shekara/server';
import type { Bilingual, ErrorTable, FieldError } from '@shekara/server';

/** Everything the supervisor refuses on purpose. Each code maps to one HTTP status and one message. */
export enum SupervisorErrorCode {
  InvalidQuery = 'INVALID_QUERY',
  RangeTooLong = 'RANGE_TOO_LONG',
  UnknownUnit = 'UNKNOWN_UNIT',
  MessageNotFound = 'MESSAGE_NOT_FOUND',
  DatabaseUnavailable = 'DATABASE_UNAVAILABLE',
  ExportTooLarge = 'EXPORT_TOO_LARGE',
}

const TABLE: ErrorTable<SupervisorErrorCode> = {
  [SupervisorErrorCode.InvalidQuery]: { status: HttpStatus.BAD_REQUEST, en: 'The query parameters are invalid; see the field errors.', ru: 'Параметры запроса неверны; см. ошибки полей.' },
  [SupervisorErrorCode.RangeTooLong]: { status: HttpStatus.BAD_REQUEST, en: 'The date range is too long.', ru: 'Слишком длинный период.' },
  [SupervisorErrorCode.UnknownUnit]: { status: HttpStatus.BAD_REQUEST, en: 'Unknown unit.', ru: 'Неизвестное подразделение.' },
  [SupervisorErrorCode.MessageNotFound]: { status: HttpStatus.NOT_FOUND, en: 'The ledger knows no message with this id.', ru: 'В реестре нет сообщения с таким идентификатором.' },
  [SupervisorErrorCode.ExportTooLarge]: { status: HttpStatus.BAD_REQUEST, en: 'The selection is too large for a spreadsheet.', ru: 'Выборка слишком велика для электронной таблицы.' },
  [SupervisorErrorCode.DatabaseUnavailable]: { status: HttpStatus.SERVICE_UNAVAILABLE, en: 'The ledger database is unavailable. Try again shortly.', ru: 'База данных реестра недоступна. Повторите чуть позже.' },
};

/** The supervisor's refusals (one class, its code table above). */
export class SupervisorError extends AppError<SupervisorErrorCode> {
  constructor(code: SupervisorErrorCode, detail?: Bilingual, fields?: FieldError[]) {
    super(code, TABLE, detail, fields);
    this.name = 'SupervisorError';
  }
}
