/**
 * What `shekara verify` can find in an export, with the messages in both languages. A finding is
 * evidence against the export (exit 1); unusable input is not a finding (exit 2).
 */
import { BilingualError } from '../bilingual-error';

export enum FindingCode {
  BAD_CHECKPOINT = 'BAD_CHECKPOINT',
  QUORUM_NOT_MET = 'QUORUM_NOT_MET',
  FORK = 'FORK',
  CHECKPOINT_MISMATCH = 'CHECKPOINT_MISMATCH',
  CHECKPOINT_BEYOND_LEAVES = 'CHECKPOINT_BEYOND_LEAVES',
  NO_TRUSTED_CHECKPOINT = 'NO_TRUSTED_CHECKPOINT',
  LEAF_OUT_OF_ORDER = 'LEAF_OUT_OF_ORDER',
  LEAF_MISLABELED = 'LEAF_MISLABELED',
  NOT_COVERED = 'NOT_COVERED',
  NOT_INCLUDED = 'NOT_INCLUDED',
  ROW_NOT_LOGGED = 'ROW_NOT_LOGGED',
  ROW_MISMATCH = 'ROW_MISMATCH',
  DUPLICATE_ROW = 'DUPLICATE_ROW',
  MISSING_ROW = 'MISSING_ROW',
  RECEIPT_NOT_REFLECTED = 'RECEIPT_NOT_REFLECTED',
  STATUS_WITHOUT_RECEIPT = 'STATUS_WITHOUT_RECEIPT',
}

export type Lang = 'ru' | 'en';

export const FINDING_MESSAGES: Record<FindingCode, Record<Lang, string>> = {
  BAD_CHECKPOINT: { en: 'the checkpoint is not validly signed by the log', ru: 'контрольная точка не подписана журналом должным образом' },
  QUORUM_NOT_MET: { en: 'too few witnesses cosigned the checkpoint', ru: 'контрольную точку заверило слишком мало свидетелей' },
  FORK: { en: 'the log signed two different trees of the same size (fork)', ru: 'журнал подписал два разных дерева одного размера (развилка)' },
  CHECKPOINT_MISMATCH: { en: 'the checkpoint does not match the exported leaves', ru: 'контрольная точка не соответствует выгруженным листьям' },
  CHECKPOINT_BEYOND_LEAVES: { en: 'the checkpoint covers more leaves than were exported', ru: 'контрольная точка охватывает больше листьев, чем выгружено' },
  NO_TRUSTED_CHECKPOINT: { en: 'no checkpoint is trusted (log signature and witness quorum)', ru: 'нет ни одной доверенной контрольной точки (подпись журнала и кворум свидетелей)' },
  LEAF_OUT_OF_ORDER: { en: 'the leaf is not at its position in the log', ru: 'лист стоит не на своём месте в журнале' },
  LEAF_MISLABELED: { en: 'the leaf is labelled as something its signed bytes are not', ru: 'описание листа не соответствует его подписанным байтам' },
  NOT_COVERED: { en: 'the leaf is not covered by a trusted checkpoint', ru: 'лист не охвачен доверенной контрольной точкой' },
  NOT_INCLUDED: { en: 'the entry is not included at that index under the checkpoint', ru: 'запись не включена под этим номером в дерево контрольной точки' },
  ROW_NOT_LOGGED: { en: 'the row’s signed envelope is not in the log', ru: 'подписанный конверт строки отсутствует в журнале' },
  ROW_MISMATCH: { en: 'the row differs from its signed envelope', ru: 'строка расходится со своим подписанным конвертом' },
  DUPLICATE_ROW: { en: 'the row appears twice', ru: 'строка встречается дважды' },
  MISSING_ROW: { en: 'a logged envelope has no row', ru: 'для зарегистрированного в журнале конверта нет строки' },
  RECEIPT_NOT_REFLECTED: { en: 'a logged receipt is missing from the recipient rows', ru: 'зарегистрированная в журнале квитанция не отражена в строках получателей' },
  STATUS_WITHOUT_RECEIPT: { en: 'the recipient status is not backed by a logged signed receipt', ru: 'статус получателя не подтверждён подписанной квитанцией из журнала' },
};

export interface Finding {
  code: FindingCode;
  /** The export file and 1-based line the finding is about. */
  file: string;
  line?: number;
  /** What identifies the row: its id, index or size. */
  row?: Record<string, unknown>;
  /** The column that differs, for ROW_MISMATCH. */
  field?: string;
  /** Technical detail (not translated). */
  detail?: string;
}

export function findingRecord(f: Finding): Record<string, unknown> {
  return {
    code: f.code,
    file: f.file,
    ...(f.line !== undefined ? { line: f.line } : {}),
    ...(f.row ? { row: f.row } : {}),
    ...(f.field ? { field: f.field } : {}),
    ...(f.detail ? { detail: f.detail } : {}),
    message_en: FINDING_MESSAGES[f.code].en,
    message_ru: FINDING_MESSAGES[f.code].ru,
  };
}

export function findingText(f: Finding, lang: Lang): string {
  const where = f.line !== undefined ? `${f.file}:${f.line}` : f.file;
  const field = f.field ? ` [${f.field}]` : '';
  const detail = f.detail ? ` (${f.detail})` : '';
  return `${where}: ${FINDING_MESSAGES[f.code][lang]}${field}${detail}`;
}

/** Input that cannot be verified at all (exit 2). */
/** English (its message) and Russian; a system's own text (a file error, a parse error) is quoted in both. */
export class ExportInputError extends BilingualError {
  override readonly name = 'ExportInputError';
}
