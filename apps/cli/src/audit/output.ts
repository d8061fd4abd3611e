import { VERDICT_COLUMNS, toRecord } from '@shekara/policy';
import type { Verdict } from '@shekara/policy';

/** The CSV columns: the verdict record's fields, in order. */
export const CSV_COLUMNS = VERDICT_COLUMNS;

export function jsonlLine(v: Verdict): string {
  return JSON.stringify(toRecord(v)) + '\n';
}

export function csvHeader(): string {
  return CSV_COLUMNS.join(',') + '\n';
}

export function csvLine(v: Verdict): string {
  const record = toRecord(v);
  return CSV_COLUMNS.map((column) => csvField(record[column])).join(',') + '\n';
}

/** RFC 4180: a field with a comma, quote, CR or LF is quoted, its quotes doubled. */
export function csvField(value: string | number | undefined): string {
  if (value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
