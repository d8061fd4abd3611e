import { HttpStatus } from '@nestjs/common';
import { AppError } from '@shekara/server';
import type { ErrorTable, FieldError } from '@shekara/server';

export type { FieldError } from '@shekara/server';

/** Everything the agency node refuses on purpose. Each code maps to one HTTP status and one message. */
export enum NodeErrorCode {
  InvalidBody = 'INVALID_BODY',
  InvalidQuery = 'INVALID_QUERY',
  ForbiddenRole = 'FORBIDDEN_ROLE',
  NotOwnUnit = 'NOT_OWN_UNIT',
  RecipientOutsideGroups = 'RECIPIENT_OUTSIDE_GROUPS',
  UnknownUnit = 'UNKNOWN_UNIT',
  MessageNotFound = 'MESSAGE_NOT_FOUND',
  UnknownUrgentReport = 'UNKNOWN_URGENT_REPORT',
  DatabaseUnavailable = 'DATABASE_UNAVAILABLE',
  Busy = 'BUSY',
  NoSigningKey = 'NO_SIGNING_KEY',
  IntegrityFailure = 'INTEGRITY_FAILURE',
  LogEmpty = 'LOG_EMPTY',
  NotInLog = 'NOT_IN_LOG',
}

const TABLE: ErrorTable<NodeErrorCode> = {
  [NodeErrorCode.InvalidBody]: { status: HttpStatus.BAD_REQUEST, message: 'The request body is invalid; see the field errors.' },
  [NodeErrorCode.InvalidQuery]: { status: HttpStatus.BAD_REQUEST, message: 'The query parameters are invalid; see the field errors.' },
  [NodeErrorCode.ForbiddenRole]: { status: HttpStatus.FORBIDDEN, message: 'Your role does not allow this action.' },
  [NodeErrorCode.NotOwnUnit]: { status: HttpStatus.FORBIDDEN, message: 'You may send only as your own unit.' },
  [NodeErrorCode.RecipientOutsideGroups]: { status: HttpStatus.FORBIDDEN, message: 'A recipient is not in any interaction group of your unit.' },
  [NodeErrorCode.UnknownUnit]: { status: HttpStatus.BAD_REQUEST, message: 'Unknown unit.' },
  [NodeErrorCode.MessageNotFound]: { status: HttpStatus.NOT_FOUND, message: 'No such message in your unit’s inbox or outbox.' },
  [NodeErrorCode.UnknownUrgentReport]: { status: HttpStatus.BAD_REQUEST, message: 'The confirmation refers to no urgent report of your unit.' },
  [NodeErrorCode.DatabaseUnavailable]: { status: HttpStatus.SERVICE_UNAVAILABLE, message: 'The database is unavailable; nothing was accepted. Try again shortly.' },
  [NodeErrorCode.IntegrityFailure]: { status: HttpStatus.CONFLICT, message: 'Integrity failure: the stored copy of this message does not match its signed envelope. It is withheld and reported to the administrator.' },
  [NodeErrorCode.LogEmpty]: { status: HttpStatus.NOT_FOUND, message: 'The transparency log has no signed checkpoint yet.' },
  [NodeErrorCode.NotInLog]: { status: HttpStatus.NOT_FOUND, message: 'No entry of this message is covered by a signed checkpoint of the log yet.' },
  [NodeErrorCode.Busy]: { status: HttpStatus.SERVICE_UNAVAILABLE, message: 'The node is busy; nothing was accepted. Try again in a moment.' },
  [NodeErrorCode.NoSigningKey]: { status: HttpStatus.CONFLICT, message: 'Your unit has no valid signing key (revoked or retired); nothing was accepted. Ask the operator for a new key.' },
};

/** The agency node's refusals (one class, its code table above). */
export class NodeError extends AppError<NodeErrorCode> {
  constructor(code: NodeErrorCode, detail?: string, fields?: FieldError[]) {
    super(code, TABLE, detail, fields);
    this.name = 'NodeError';
  }
}

export function nodeErrorStatus(code: NodeErrorCode): HttpStatus {
  return TABLE[code].status;
}
