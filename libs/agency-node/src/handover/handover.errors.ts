import { HttpStatus } from '@nestjs/common';
import { AppError } from '@shekara/server';
import type { Bilingual, ErrorTable, FieldError } from '@shekara/server';

/** What the handover desk refuses (clause 9.6). Nothing is stored or sent when it refuses. */
export enum HandoverErrorCode {
  InvalidHandover = 'INVALID_HANDOVER',
  ActNotFound = 'HANDOVER_NOT_FOUND',
  NotAddressedToYou = 'HANDOVER_NOT_ADDRESSED_TO_YOU',
  NotYourAct = 'HANDOVER_NOT_YOURS',
  AlreadyDecided = 'HANDOVER_ALREADY_DECIDED',
  SameAgency = 'HANDOVER_SAME_AGENCY',
  UnknownSource = 'HANDOVER_UNKNOWN_SOURCE',
}

const TABLE: ErrorTable<HandoverErrorCode> = {
  [HandoverErrorCode.InvalidHandover]: { status: HttpStatus.BAD_REQUEST, en: 'The handover act is invalid; see the field errors. Nothing was changed.', ru: 'Акт приёма-передачи неверен, см. ошибки полей. Ничего не изменено.' },
  [HandoverErrorCode.ActNotFound]: { status: HttpStatus.NOT_FOUND, en: 'No such handover act of your unit.', ru: 'Такого акта приёма-передачи у вашего подразделения нет.' },
  [HandoverErrorCode.NotAddressedToYou]: { status: HttpStatus.FORBIDDEN, en: 'The act is addressed to another unit: only the receiving unit accepts or disputes it. Nothing was changed.', ru: 'Акт адресован другому подразделению: принять или оспорить его может только принимающее подразделение. Ничего не изменено.' },
  [HandoverErrorCode.NotYourAct]: { status: HttpStatus.FORBIDDEN, en: 'Only the handing unit may withdraw its act. Nothing was changed.', ru: 'Отозвать акт может только передающее подразделение. Ничего не изменено.' },
  [HandoverErrorCode.AlreadyDecided]: { status: HttpStatus.CONFLICT, en: 'The act is no longer awaiting acceptance (it was accepted, disputed or withdrawn). Nothing was changed.', ru: 'Акт уже не ожидает приёма (он принят, оспорен или отозван). Ничего не изменено.' },
  [HandoverErrorCode.SameAgency]: { status: HttpStatus.BAD_REQUEST, en: 'Items are handed over to a unit of another agency.', ru: 'Передача производится подразделению другого ведомства.' },
  [HandoverErrorCode.UnknownSource]: { status: HttpStatus.BAD_REQUEST, en: 'The report the act refers to is not a message of your unit.', ru: 'Донесение, на которое ссылается акт, не является сообщением вашего подразделения.' },
};

export class HandoverError extends AppError<HandoverErrorCode> {
  constructor(code: HandoverErrorCode, detail?: Bilingual, fields?: FieldError[]) {
    super(code, TABLE, detail, fields);
    this.name = 'HandoverError';
  }
}
