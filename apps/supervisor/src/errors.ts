import { HttpStatus } from '@nestjs/common';
import { AppError } from '@shekara/server';
import type { ErrorTable, FieldError } from '@shekara/server';

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
  [SupervisorErrorCode.InvalidQuery]: { status: HttpStatus.BAD_REQUEST, message: 'The query parameters are invalid; see the field errors.' },
  [SupervisorErrorCode.RangeTooLong]: { status: HttpStatus.BAD_REQUEST, message: 'The date range is too long.' },
  [SupervisorErrorCode.UnknownUnit]: { status: HttpStatus.BAD_REQUEST, message: 'Unknown unit.' },
  [SupervisorErrorCode.MessageNotFound]: { status: HttpStatus.NOT_FOUND, message: 'The ledger knows no message with this id.' },
  [SupervisorErrorCode.ExportTooLarge]: { status: HttpStatus.BAD_REQUEST, message: 'The selection is too large for a spreadsheet.' },
  [SupervisorErrorCode.DatabaseUnavailable]: { status: HttpStatus.SERVICE_UNAVAILABLE, message: 'The ledger database is unavailable. Try again shortly.' },
};

/** The supervisor's refusals (one class, its code table above). */
export class SupervisorError extends AppError<SupervisorErrorCode> {
  constructor(code: SupervisorErrorCode, detail?: string, fields?: FieldError[]) {
    super(code, TABLE, detail, fields);
    this.name = 'SupervisorError';
  }
}
