import { HttpStatus } from '@nestjs/common';
import { AppError } from '@shekara/server';
import type { Bilingual, ErrorTable, FieldError } from '@shekara/server';

/** What the person search refuses. Field errors carry their text in English, then in Russian. */
export enum PersonsErrorCode {
  InvalidPerson = 'INVALID_PERSON',
  MessageNotFound = 'MESSAGE_NOT_FOUND',
  InvalidDecision = 'INVALID_DECISION',
  PersonNotFound = 'PERSON_NOT_FOUND',
  /** The message is classified above the user's clearance. */
  NotCleared = 'NOT_CLEARED',
}

const TABLE: ErrorTable<PersonsErrorCode> = {
  [PersonsErrorCode.InvalidPerson]: { status: HttpStatus.BAD_REQUEST, en: 'The person to check is invalid; see the field errors.', ru: 'Данные лица для проверки неверны, см. ошибки полей.' },
  [PersonsErrorCode.MessageNotFound]: { status: HttpStatus.NOT_FOUND, en: 'No such message in your unit’s inbox or outbox.', ru: 'Такого сообщения нет во входящих или исходящих вашего подразделения.' },
  [PersonsErrorCode.InvalidDecision]: { status: HttpStatus.BAD_REQUEST, en: 'The decision is invalid; see the field errors.', ru: 'Решение неверно, см. ошибки полей.' },
  [PersonsErrorCode.PersonNotFound]: { status: HttpStatus.NOT_FOUND, en: 'No such person in a message of your unit, or no such other person.', ru: 'Такого лица нет в сообщениях вашего подразделения, или нет другого лица.' },
  [PersonsErrorCode.NotCleared]: { status: HttpStatus.FORBIDDEN, en: 'This message is classified above your clearance; its persons are not shown.', ru: 'Сообщение имеет гриф выше вашего допуска; лица из него не показываются.' },
};

export class PersonsError extends AppError<PersonsErrorCode> {
  constructor(code: PersonsErrorCode, detail?: Bilingual, fields?: FieldError[]) {
    super(code, TABLE, detail, fields);
    this.name = 'PersonsError';
  }
}
