/**
 * The transparency log's error codes and their messages in the users' languages. Every refusal of
 * bad input (a malformed note, a proof that does not verify, an unknown log) carries one of them.
 */
export enum TlogErrorCode {
  MALFORMED_NOTE = 'MALFORMED_NOTE',
  MALFORMED_KEY = 'MALFORMED_KEY',
  MALFORMED_CHECKPOINT = 'MALFORMED_CHECKPOINT',
  MALFORMED_PROOF = 'MALFORMED_PROOF',
  MALFORMED_REQUEST = 'MALFORMED_REQUEST',
  NO_KNOWN_SIGNATURE = 'NO_KNOWN_SIGNATURE',
  BAD_SIGNATURE = 'BAD_SIGNATURE',
  UNKNOWN_LOG = 'UNKNOWN_LOG',
  OLD_SIZE_TOO_LARGE = 'OLD_SIZE_TOO_LARGE',
  STALE_SIZE = 'STALE_SIZE',
  BAD_CONSISTENCY_PROOF = 'BAD_CONSISTENCY_PROOF',
  BAD_INCLUSION_PROOF = 'BAD_INCLUSION_PROOF',
  FORK = 'FORK',
  QUORUM_NOT_MET = 'QUORUM_NOT_MET',
  SIZE_BEYOND_LOG = 'SIZE_BEYOND_LOG',
}

export type Language = 'ru' | 'en';

export const TLOG_MESSAGES: Record<TlogErrorCode, Record<Language, string>> = {
  MALFORMED_NOTE: { en: 'the signed note is malformed', ru: 'подписанная записка имеет неверный формат' },
  MALFORMED_KEY: { en: 'the key is malformed', ru: 'ключ имеет неверный формат' },
  MALFORMED_CHECKPOINT: { en: 'the checkpoint is malformed', ru: 'контрольная точка имеет неверный формат' },
  MALFORMED_PROOF: { en: 'the proof is malformed', ru: 'доказательство имеет неверный формат' },
  MALFORMED_REQUEST: { en: 'the request is malformed', ru: 'запрос имеет неверный формат' },
  NO_KNOWN_SIGNATURE: { en: 'no signature by a trusted key verifies', ru: 'нет ни одной проверяемой подписи доверенного ключа' },
  BAD_SIGNATURE: { en: 'a signature by a trusted key does not verify', ru: 'подпись доверенного ключа не проходит проверку' },
  UNKNOWN_LOG: { en: 'the log is unknown', ru: 'журнал неизвестен' },
  OLD_SIZE_TOO_LARGE: { en: 'the old size is larger than the checkpoint size', ru: 'прежний размер больше размера контрольной точки' },
  STALE_SIZE: { en: 'the old size is not the size last cosigned', ru: 'прежний размер не совпадает с последним заверенным' },
  BAD_CONSISTENCY_PROOF: { en: 'the consistency proof does not verify', ru: 'доказательство согласованности не проходит проверку' },
  BAD_INCLUSION_PROOF: { en: 'the inclusion proof does not verify', ru: 'доказательство включения не проходит проверку' },
  FORK: { en: 'the log has two different trees of the same size (fork)', ru: 'у журнала два разных дерева одного размера (развилка)' },
  QUORUM_NOT_MET: { en: 'too few witnesses cosigned the checkpoint', ru: 'контрольную точку заверило слишком мало свидетелей' },
  SIZE_BEYOND_LOG: { en: 'the size is beyond the end of the log', ru: 'размер превышает длину журнала' },
};

export class TlogError extends Error {
  constructor(
    readonly code: TlogErrorCode,
    readonly detail?: string,
  ) {
    super(detail ? `${TLOG_MESSAGES[code].en}: ${detail}` : TLOG_MESSAGES[code].en);
    this.name = 'TlogError';
  }

  /** The message in the user's language, with the technical detail (not translated) appended. */
  localized(lang: Language): string {
    return this.detail ? `${TLOG_MESSAGES[this.code][lang]}: ${this.detail}` : TLOG_MESSAGES[this.code][lang];
  }
}
