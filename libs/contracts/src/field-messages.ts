/**
 * What a field error says, by its code: the server renders it in the user's language (Accept-Language)
 * and the consoles render the same code and parameters from this table (web/shared/contract.ts
 * re-exports it: pure data, no imports). A template names no field (the console shows it beside the
 * field); `{name}` is a parameter. The server's message is "<field> <en>" or "<field>: <ru>".
 */
export const FIELD_MESSAGES = {
  // --- shape of any field
  REQUIRED: { en: 'is required', ru: 'обязательное поле' },
  NOT_STRING: { en: 'must be a string', ru: 'должно быть строкой' },
  BLANK: { en: 'must not be blank', ru: 'не должно быть пустым' },
  TOO_LONG: { en: 'must be at most {max} characters long', ru: 'не длиннее {max} символов' },
  NOT_ARRAY: { en: 'must be a list', ru: 'должно быть списком' },
  TOO_FEW: { en: 'must list at least {min} items', ru: 'нужно не менее {min} элементов' },
  TOO_MANY: { en: 'must list at most {max} items', ru: 'допускается не более {max} элементов' },
  DUPLICATES: { en: 'must not contain duplicates', ru: 'не должно содержать повторов' },
  NOT_OBJECT: { en: 'must be an object', ru: 'должно быть объектом' },
  NOT_JSON_OBJECT: { en: 'must be a JSON object', ru: 'должно быть объектом JSON' },
  ENUM: { en: 'must be one of: {values}', ru: 'выберите одно из значений: {values}' },
  NOT_INTEGER: { en: 'must be a whole number', ru: 'должно быть целым числом' },
  TOO_SMALL: { en: 'must not be less than {min}', ru: 'не меньше {min}' },
  TOO_LARGE: { en: 'must not be greater than {max}', ru: 'не больше {max}' },
  NOT_BOOLEAN: { en: 'must be true or false', ru: 'должно быть «да» или «нет»' },
  BYTES: { en: 'must be base64 of 1 to {max} bytes', ru: 'должно быть base64 размером от 1 до {max} байт' },
  UNKNOWN_PROPERTY: { en: 'should not exist', ru: 'такого поля нет в контракте' },
  NUL_CHARACTER: { en: 'must not contain the NUL character', ru: 'не должно содержать символ NUL' },
  HIDDEN_CHARACTERS: {
    en: 'must not contain control, zero-width or text-direction characters',
    ru: 'не должно содержать управляющих, невидимых символов и символов смены направления текста',
  },
  ONEOF: { en: 'exactly one of {names} must be set', ru: 'должно быть заполнено ровно одно из: {names}' },
  INVALID: { en: 'is invalid', ru: 'неверное значение' },
  // --- formats
  CALENDAR_DATE: { en: 'must be a real date YYYY-MM-DD from 1900 on', ru: 'должно быть существующей датой ГГГГ-ММ-ДД не ранее 1900 года' },
  TIMESTAMP: {
    en: 'must be an RFC 3339 timestamp, e.g. "2026-03-01T08:15:00Z" or "2026-03-01T13:15:00+05:00"',
    ru: 'должно быть временем RFC 3339, например «2026-03-01T13:15:00+05:00»',
  },
  TIMESTAMP_RANGE: { en: 'is out of the Timestamp range', ru: 'вне допустимого диапазона времени' },
  UNIT_ID: { en: 'must be a unit id like "border.l4.CP-CN-A-01"', ru: 'должно быть кодом подразделения вида «border.l4.CP-CN-A-01»' },
  CHECKPOINT_ID: { en: 'must be a checkpoint id like "CP-CN-A-01"', ru: 'должно быть кодом пункта пропуска вида «CP-CN-A-01»' },
  ALPHA3: { en: 'must be an ISO 3166-1 alpha-3 code like "CHN"', ru: 'должно быть трёхбуквенным кодом страны ISO 3166-1, например «CHN»' },
  MESSAGE_ID: { en: 'must be a lower-case UUIDv7', ru: 'должно быть идентификатором сообщения (UUIDv7 строчными буквами)' },
  FILENAME: { en: 'must be a file name without directories', ru: 'должно быть именем файла без каталогов' },
  SHA256: { en: 'must be a SHA-256 digest: 64 lower-case hex digits', ru: 'должно быть хешем SHA-256: 64 шестнадцатеричные цифры строчными буквами' },
  MEDIA_TYPE: { en: 'must be a media type like "application/pdf"', ru: 'должно быть типом содержимого вида «application/pdf»' },
  MONTH: { en: 'must be a month YYYY-MM', ru: 'должно быть месяцем ГГГГ-ММ' },
  PERIOD: { en: 'must be a period YYYY-MM-DD, YYYY-MM or YYYY-H1', ru: 'должно быть периодом ГГГГ-ММ-ДД, ГГГГ-ММ или ГГГГ-H1' },
  HALF_YEAR: { en: 'must be a half-year YYYY-H1 or YYYY-H2', ru: 'должно быть полугодием ГГГГ-H1 или ГГГГ-H2' },
  // --- rules across fields
  SENDER_NOT_RECIPIENT: { en: 'must not include the sender unit', ru: 'не должны включать подразделение-отправителя' },
  CORRELATES_CONFIRMATION: { en: 'must equal the id of the confirmed urgent report', ru: 'должно совпадать с идентификатором подтверждаемого срочного донесения' },
  DETAILS_MATCH_TOPIC: { en: 'requires the details of the chosen topic', ru: 'для выбранной темы нужно заполнить сведения по теме' },
  ALONE_MEANS_ONE_PERSON: { en: 'MOVEMENT_ALONE requires exactly one person', ru: 'при следовании в одиночку указывается ровно одно лицо' },
  GROUP_SIZE_MATCHES_MOVEMENT: {
    en: 'must be at least 2 and at least the number of persons for a group, and absent (or 1) otherwise',
    ru: 'для группы — не меньше 2 и не меньше числа лиц; при следовании в одиночку не указывается',
  },
  CHANGES_OR_LOST_DOCUMENTS: { en: 'a document notice must list at least one change or lost document', ru: 'укажите хотя бы одно изменение или утраченный документ' },
  REASON_ONLY_WHEN_REJECTED: { en: 'must be empty unless the outcome is REJECTED', ru: 'указывается только при отказе в приёме' },
  // --- handover acts and statistics (clause 9)
  ITEM_ID: { en: 'must be an item id of letters, digits, "-" and "_"', ru: 'должно быть кодом предмета из букв, цифр, «-» и «_»' },
  QUANTITY: { en: 'must be a number not below zero with at most 3 decimals, e.g. "12" or "3.250"', ru: 'должно быть числом не меньше нуля, не более 3 знаков после запятой, например «12» или «3.250»' },
  SEAL: { en: 'must be a seal number', ru: 'должно быть номером пломбы' },
  VIN: { en: 'must be a VIN of up to 17 letters (no I, O, Q) and digits', ru: 'должно быть VIN-номером до 17 латинских букв (кроме I, O, Q) и цифр' },
  DISTINCT_ITEM_IDS: { en: 'must give each item a distinct itemId', ru: 'у каждого предмета должен быть свой код' },
  UNKNOWN_ITEM: { en: 'the act has no item {itemId}', ru: 'в акте нет предмета {itemId}' },
  REFUSE_ALL_IS_DISPUTE: { en: 'refusing every item is a dispute, not an acceptance', ru: 'отказ от всех предметов — это оспаривание акта, а не приём' },
  WHOLE_REFUSES_NOTHING: { en: 'an acceptance of the whole act refuses nothing; use accept-part', ru: 'при приёме акта целиком непринятых предметов нет; используйте частичный приём' },
  HANDED_IN_FUTURE: { en: 'must not be after {latest}', ru: 'не может быть позже {latest}' },
  HANDED_TOO_LONG_AGO: { en: 'must not be before {earliest} (7 days back at most)', ru: 'не может быть раньше {earliest} (не более 7 суток назад)' },
  PERIOD_NOT_BEGUN: { en: 'figures for {period} cannot be sent before the month has begun (it is {current} at your unit)', ru: 'показатели за {period} нельзя отправить до начала месяца (в подразделении сейчас {current})' },
  REFUSED_EACH_ONCE: { en: 'must name each refused item once', ru: 'каждый непринятый предмет указывается один раз' },
  COUNTERPART_ONLY_PER_COUNTERPART: { en: 'is given only for PERSONS_HANDED_OVER and PERSONS_RECEIVED', ru: 'указывается только для показателей «передано лиц» и «принято лиц»' },
  COUNTERPART_REQUIRED: { en: 'is required for PERSONS_HANDED_OVER and PERSONS_RECEIVED', ru: 'обязательно для показателей «передано лиц» и «принято лиц»' },
  INDICATOR_PER_COUNTERPART: { en: 'must be PERSONS_HANDED_OVER or PERSONS_RECEIVED', ru: 'должен быть «передано лиц» или «принято лиц»' },
  DISTINCT_FIGURES: { en: 'must give each indicator (and counterpart) once', ru: 'каждый показатель (и подразделение-партнёр) указывается один раз' },
  // --- the data bank
  KNOWN_STATE: { en: 'must be a known ISO 3166-1 alpha-3 (or ICAO 9303) state code', ru: 'должно быть существующим кодом государства ISO 3166-1 alpha-3 (или ICAO 9303)' },
  TOPIC: { en: 'must be a topic of letters, digits, spaces, "-" or "_" (1..50 characters)', ru: 'тема — буквы, цифры, пробелы, «-» или «_» (от 1 до 50 символов)' },
  HAS_ALNUM: { en: 'must contain letters or digits', ru: 'должно содержать буквы или цифры' },
  MRZ_NUMBER: { en: 'must be a document number of Latin letters A-Z, digits 0-9, spaces and dashes (the MRZ alphabet)', ru: 'номер документа — латинские буквы A–Z, цифры 0–9, пробелы и дефисы (алфавит MRZ)' },
  AGENCY: { en: 'must be an agency: interior, border or customs', ru: 'должно быть ведомством: interior, border или customs' },
  // --- the envelope (bus side)
  SCHEMA_VERSION: { en: 'schema version {version} is not supported (supported: {supported})', ru: 'версия схемы {version} не поддерживается (поддерживаются: {supported})' },
  KIND_MISMATCH: { en: 'kind {kind} does not match the payload {payload}', ru: 'вид {kind} не соответствует содержимому {payload}' },
  CORRELATION: { en: 'must be {expected}, the id the payload refers to', ru: 'должно быть {expected} — идентификатор, на который ссылается содержимое' },
  CORRELATION_FORMAT: { en: 'must be empty or a UUIDv7', ru: 'должно быть пустым или UUIDv7' },
  NO_PAYLOAD: { en: 'the envelope has no payload', ru: 'в конверте нет содержимого' },
  CLASSIFICATION: { en: 'must be set to a known marking', ru: 'должен быть указан известный гриф' },
  RECIPIENT_COUNT: { en: 'must list 1 to {max} units', ru: 'от 1 до {max} подразделений' },
  // --- plausible times (libs/policy ImplausibleTime)
  REPORTED_IN_FUTURE: { en: 'must not be after {latest}', ru: 'не может быть позже {latest}' },
  REPORTED_TOO_LONG_AGO: {
    en: 'must not be before {earliest}: an urgent report is written down soon after the oral report',
    ru: 'не может быть раньше {earliest}: срочное донесение оформляется вскоре после устного доклада',
  },
  OCCURRED_AFTER_REPORTED: { en: 'must not be after the time of the oral report ({reportedAt})', ru: 'не может быть позже времени устного доклада ({reportedAt})' },
  EVENT_NOT_AHEAD: { en: 'must be ahead of now ({now}): an advance notice precedes its event', ru: 'должно быть позже текущего времени ({now}): заблаговременная информация предшествует событию' },
  PERIOD_OUT_OF_RANGE: { en: 'must be a period from {earliest} to {latest}', ru: 'период должен быть в пределах от {earliest} до {latest}' },
  BORN_IN_FUTURE: { en: 'must not be after today ({today})', ru: 'не может быть позже сегодняшнего дня ({today})' },
  // --- the node's and the supervisor's own checks
  UNKNOWN_UNIT: { en: 'must be a unit of the directory', ru: 'должно быть подразделением из справочника' },
  REGION: { en: 'must be an ISO 3166-2 code such as KZ-19', ru: 'должно быть кодом ISO 3166-2, например KZ-19' },
  CLIENT_ID: { en: 'must be 3-64 lower-case letters, digits or dashes', ru: 'от 3 до 64 строчных латинских букв, цифр или дефисов' },
  DATE: { en: 'must be a date YYYY-MM-DD', ru: 'должно быть датой ГГГГ-ММ-ДД' },
  FROM_AFTER_TO: { en: 'must not be after the end of the range ({to})', ru: 'не может быть позже конца диапазона ({to})' },
  NOT_JUDGED_BEFORE: { en: 'dates before {date} (the first policy in effect) are not judged', ru: 'даты раньше {date} (начала действия первой политики) не оцениваются' },
  NOT_JUDGED_AFTER: { en: 'dates after {date} (a year from today) are not judged', ru: 'даты позже {date} (год от сегодняшнего дня) не оцениваются' },
  CLOCK_SKEW: { en: 'the envelope was created after {latest} by the recipient’s clock', ru: 'конверт создан позже {latest} по часам получателя' },
} as const satisfies Record<string, { en: string; ru: string }>;

export type FieldCode = keyof typeof FIELD_MESSAGES;

export function isFieldCode(code: string): code is FieldCode {
  return Object.prototype.hasOwnProperty.call(FIELD_MESSAGES, code);
}

/** A template with its `{name}` parameters filled in (a missing one stays as written). */
export function fillTemplate(template: string, params: Readonly<Record<string, string>> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.prototype.hasOwnProperty.call(params, name) ? params[name] : whole));
}

/**
 * The server's message of a field error: "<field> <en>" in English, "<field>: <ru>" in Russian
 * (the field's dotted path; "" for the whole body). Undefined for a code not in the table or
 * without a parameter its template names.
 */
export function fieldMessage(code: string, params: Readonly<Record<string, string>> | undefined, field: string, language: 'en' | 'ru'): string | undefined {
  if (!isFieldCode(code)) return undefined;
  const text = fillTemplate(FIELD_MESSAGES[code][language], params);
  if (/\{\w+\}/.test(text)) return undefined;
  if (!field) return text;
  return language === 'en' ? `${field} ${text}` : `${field}: ${text}`;
}
