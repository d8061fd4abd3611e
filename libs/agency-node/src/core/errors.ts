import { HttpStatus } from '@nestjs/common';
import { AppError } from '@shekara/server';
import type { Bilingual, ErrorTable, FieldError } from '@shekara/server';

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
  NotBoundUnit = 'NOT_BOUND_UNIT',
  InvalidClient = 'INVALID_CLIENT',
  ClientNotFound = 'CLIENT_NOT_FOUND',
  ClientIdTaken = 'CLIENT_ID_TAKEN',
  FeedCursorInvalid = 'FEED_CURSOR_INVALID',
  FeedCursorForeign = 'FEED_CURSOR_FOREIGN',
  FeedCursorFuture = 'FEED_CURSOR_FUTURE',
  RateLimited = 'RATE_LIMITED',
  /** The message is classified above the user's clearance (mayRead). */
  NotCleared = 'NOT_CLEARED',
}

const TABLE: ErrorTable<NodeErrorCode> = {
  [NodeErrorCode.InvalidBody]: { status: HttpStatus.BAD_REQUEST, en: 'The request body is invalid; see the field errors.', ru: 'Тело запроса неверно; см. ошибки полей.' },
  [NodeErrorCode.InvalidQuery]: { status: HttpStatus.BAD_REQUEST, en: 'The query parameters are invalid; see the field errors.', ru: 'Параметры запроса неверны; см. ошибки полей.' },
  [NodeErrorCode.ForbiddenRole]: { status: HttpStatus.FORBIDDEN, en: 'Your role does not allow this action.', ru: 'Ваша роль не допускает этого действия.' },
  [NodeErrorCode.NotOwnUnit]: { status: HttpStatus.FORBIDDEN, en: 'You may send only as your own unit.', ru: 'Отправлять можно только от своего подразделения.' },
  [NodeErrorCode.RecipientOutsideGroups]: { status: HttpStatus.FORBIDDEN, en: 'A recipient is not in any interaction group of your unit.', ru: 'Получатель не входит ни в одну группу взаимодействия вашего подразделения.' },
  [NodeErrorCode.UnknownUnit]: { status: HttpStatus.BAD_REQUEST, en: 'Unknown unit.', ru: 'Неизвестное подразделение.' },
  [NodeErrorCode.MessageNotFound]: { status: HttpStatus.NOT_FOUND, en: 'No such message in your unit’s inbox or outbox.', ru: 'Такого сообщения нет во входящих или исходящих вашего подразделения.' },
  [NodeErrorCode.UnknownUrgentReport]: { status: HttpStatus.BAD_REQUEST, en: 'The confirmation refers to no urgent report of your unit.', ru: 'Подтверждение ссылается на срочное донесение, которого у вашего подразделения нет.' },
  [NodeErrorCode.DatabaseUnavailable]: { status: HttpStatus.SERVICE_UNAVAILABLE, en: 'The database is unavailable; nothing was accepted. Try again shortly.', ru: 'База данных недоступна; ничего не принято. Повторите чуть позже.' },
  [NodeErrorCode.IntegrityFailure]: { status: HttpStatus.CONFLICT, en: 'Integrity failure: the stored copy of this message does not match its signed envelope. It is withheld and reported to the administrator.', ru: 'Нарушение целостности: хранимая копия сообщения не совпадает с подписанным конвертом. Она не выдаётся, администратор оповещён.' },
  [NodeErrorCode.LogEmpty]: { status: HttpStatus.NOT_FOUND, en: 'The transparency log has no signed checkpoint yet.', ru: 'В журнале прозрачности ещё нет подписанной контрольной точки.' },
  [NodeErrorCode.NotInLog]: { status: HttpStatus.NOT_FOUND, en: 'No entry of this message is covered by a signed checkpoint of the log yet.', ru: 'Ни одна подписанная контрольная точка журнала ещё не охватывает это сообщение.' },
  [NodeErrorCode.NotCleared]: { status: HttpStatus.FORBIDDEN, en: 'This message is classified above your clearance; it opens only for users cleared for it. The attempt is recorded.', ru: 'Сообщение имеет гриф выше вашего допуска; оно открывается только пользователям с соответствующим допуском. Попытка зарегистрирована.' },
  [NodeErrorCode.Busy]: { status: HttpStatus.SERVICE_UNAVAILABLE, en: 'The node is busy; nothing was accepted. Try again in a moment.', ru: 'Узел перегружен; ничего не принято. Повторите через мгновение.' },
  [NodeErrorCode.NoSigningKey]: { status: HttpStatus.CONFLICT, en: 'Your unit has no valid signing key (revoked or retired); nothing was accepted. Ask the operator for a new key.', ru: 'У вашего подразделения нет действующего ключа подписи (отозван или выведен); ничего не принято. Обратитесь к оператору за новым ключом.' },
  [NodeErrorCode.NotBoundUnit]: { status: HttpStatus.FORBIDDEN, en: 'This service account may not act for that unit; nothing was accepted.', ru: 'Эта служебная учётная запись не может действовать от имени этого подразделения; ничего не принято.' },
  [NodeErrorCode.InvalidClient]: { status: HttpStatus.UNAUTHORIZED, en: 'Unknown client, wrong secret or revoked service account.', ru: 'Неизвестный клиент, неверный секрет или отозванная служебная учётная запись.' },
  [NodeErrorCode.ClientNotFound]: { status: HttpStatus.NOT_FOUND, en: 'No such service account.', ru: 'Такой служебной учётной записи нет.' },
  [NodeErrorCode.ClientIdTaken]: { status: HttpStatus.CONFLICT, en: 'A service account with this client id already exists.', ru: 'Служебная учётная запись с таким идентификатором клиента уже есть.' },
  [NodeErrorCode.FeedCursorInvalid]: { status: HttpStatus.BAD_REQUEST, en: 'The feed cursor is malformed; use a cursor the feed returned.', ru: 'Курсор ленты искажён; используйте курсор, выданный лентой.' },
  [NodeErrorCode.FeedCursorForeign]: { status: HttpStatus.FORBIDDEN, en: 'The feed cursor belongs to another service account; nothing was changed.', ru: 'Курсор ленты принадлежит другой служебной учётной записи; ничего не изменено.' },
  [NodeErrorCode.FeedCursorFuture]: { status: HttpStatus.CONFLICT, en: 'The feed cursor points past the end of this node’s feed (from the future, or from another database); nothing was changed.', ru: 'Курсор ленты указывает за конец ленты этого узла (из будущего или из другой базы данных); ничего не изменено.' },
  [NodeErrorCode.RateLimited]: { status: HttpStatus.TOO_MANY_REQUESTS, en: 'Too many requests from this service account; retry after the time in Retry-After.', ru: 'Слишком много запросов от этой служебной учётной записи; повторите через время, указанное в Retry-After.' },
};

/** The agency node's refusals (one class, its code table above). */
export class NodeError extends AppError<NodeErrorCode> {
  constructor(code: NodeErrorCode, detail?: Bilingual, fields?: FieldError[], retryAfterS?: number) {
    super(code, TABLE, detail, fields, retryAfterS);
    this.name = 'NodeError';
  }
}

export function nodeErrorStatus(code: NodeErrorCode): HttpStatus {
  return TABLE[code].status;
}
