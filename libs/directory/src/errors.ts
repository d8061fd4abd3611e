/**
 * The one exception type of @shekara/directory. Callers branch on `code`; `message` is for people
 * and always names what was wrong (the unit, the field, the file).
 */
export enum DirectoryErrorCode {
  /** A unit id that the directory does not contain. */
  UNKNOWN_UNIT = 'UNKNOWN_UNIT',
  /** A key id that no unit of the directory owns. */
  UNKNOWN_KEY = 'UNKNOWN_KEY',
  /** A region code that is not in the directory. */
  UNKNOWN_REGION = 'UNKNOWN_REGION',
  /** No dated name of the agency covers the requested instant. */
  NO_NAME_AT = 'NO_NAME_AT',
  /** The reference data (regions.json, checkpoints.json) is malformed. */
  INVALID_REFERENCE = 'INVALID_REFERENCE',
  /** A directory (JSON file or object) breaks the schema or its own rules. */
  INVALID_DIRECTORY = 'INVALID_DIRECTORY',
  /** A private key file is malformed, belongs to another agency, or names a key of another agency. */
  INVALID_KEYS = 'INVALID_KEYS',
  /** A private key does not match the directory's public key for its key id. */
  KEY_MISMATCH = 'KEY_MISMATCH',
  /** Some of the directory files exist and some are missing: refusing to guess which to trust. */
  INCOMPLETE_FILES = 'INCOMPLETE_FILES',
  /** A file could not be read or parsed as JSON. */
  UNREADABLE_FILE = 'UNREADABLE_FILE',
  /** A directory document that is unsigned, badly signed or signed by another key than the authority's. */
  DIRECTORY_SIGNATURE = 'DIRECTORY_SIGNATURE',
  /** A directory document whose version is not newer than the one held. */
  STALE_VERSION = 'STALE_VERSION',
  /** A key operation that the directory's keys do not allow (unknown key, already revoked, ...). */
  KEY_OPERATION = 'KEY_OPERATION',
  /** A private key file that others than its owner may read (its mode must be 0600 or 0400). */
  KEYS_FILE_MODE = 'KEYS_FILE_MODE',
}

const MESSAGES: Record<DirectoryErrorCode, string> = {
  [DirectoryErrorCode.UNKNOWN_UNIT]: 'unknown unit',
  [DirectoryErrorCode.UNKNOWN_KEY]: 'unknown key',
  [DirectoryErrorCode.UNKNOWN_REGION]: 'unknown region',
  [DirectoryErrorCode.NO_NAME_AT]: 'no agency name in force at that instant',
  [DirectoryErrorCode.INVALID_REFERENCE]: 'invalid reference data',
  [DirectoryErrorCode.INVALID_DIRECTORY]: 'invalid directory',
  [DirectoryErrorCode.INVALID_KEYS]: 'invalid private key file',
  [DirectoryErrorCode.KEY_MISMATCH]: 'private key does not match the public key in the directory',
  [DirectoryErrorCode.INCOMPLETE_FILES]: 'incomplete directory files',
  [DirectoryErrorCode.UNREADABLE_FILE]: 'unreadable file',
  [DirectoryErrorCode.DIRECTORY_SIGNATURE]: 'directory not signed by the directory authority',
  [DirectoryErrorCode.STALE_VERSION]: 'directory version not newer than the current one',
  [DirectoryErrorCode.KEY_OPERATION]: 'key operation refused',
  [DirectoryErrorCode.KEYS_FILE_MODE]: 'private key file readable by others',
};

/** The same titles in Russian (operators' commands print either; details name files and fields as they are). */
const MESSAGES_RU: Record<DirectoryErrorCode, string> = {
  [DirectoryErrorCode.UNKNOWN_UNIT]: 'неизвестное подразделение',
  [DirectoryErrorCode.UNKNOWN_KEY]: 'неизвестный ключ',
  [DirectoryErrorCode.UNKNOWN_REGION]: 'неизвестный регион',
  [DirectoryErrorCode.NO_NAME_AT]: 'на эту дату у ведомства нет наименования',
  [DirectoryErrorCode.INVALID_REFERENCE]: 'некорректные справочные данные',
  [DirectoryErrorCode.INVALID_DIRECTORY]: 'некорректный справочник',
  [DirectoryErrorCode.INVALID_KEYS]: 'некорректный файл закрытых ключей',
  [DirectoryErrorCode.KEY_MISMATCH]: 'закрытый ключ не соответствует открытому ключу в справочнике',
  [DirectoryErrorCode.INCOMPLETE_FILES]: 'неполный набор файлов справочника',
  [DirectoryErrorCode.UNREADABLE_FILE]: 'не удалось прочитать файл',
  [DirectoryErrorCode.DIRECTORY_SIGNATURE]: 'справочник не подписан удостоверяющим ключом справочника',
  [DirectoryErrorCode.STALE_VERSION]: 'версия справочника не новее текущей',
  [DirectoryErrorCode.KEY_OPERATION]: 'операция с ключом отклонена',
  [DirectoryErrorCode.KEYS_FILE_MODE]: 'файл закрытых ключей доступен другим пользователям',
};

export class DirectoryError extends Error {
  override readonly name = 'DirectoryError';

  constructor(
    readonly code: DirectoryErrorCode,
    /** What exactly was wrong, e.g. `units[3] (border.l4.CP-CN-A-01).zone: ...`. */
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${MESSAGES[code]}: ${detail}`, options);
  }

  /** The message in the user's language: the title translated, the detail as is. */
  render(lang: 'en' | 'ru'): string {
    return `${(lang === 'ru' ? MESSAGES_RU : MESSAGES)[this.code]}: ${this.detail}`;
  }
}
