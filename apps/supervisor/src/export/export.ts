/**
 * Listings as files: CSV (RFC 4180, a header row) and XLSX (a real workbook, one sheet, a bold
 * header row, numbers as numbers). The same column definitions serve both.
 */
import writeXlsxFile from 'write-excel-file/node';
import type { Row } from 'write-excel-file/node';

export type CellValue = string | number | undefined | null;

export interface Column<T> {
  header: string;
  value: (row: T) => CellValue;
}

export interface Listing<T> {
  /** File name without extension, e.g. "verdicts-2024-04-01_2024-04-30". */
  name: string;
  /** Sheet name (at most 31 characters). */
  sheet: string;
  columns: readonly Column<T>[];
  rows: readonly T[];
}

export const EXPORT_FORMATS = ['json', 'csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<Exclude<ExportFormat, 'json'>, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** Columns named after the keys of flat records, in the given order. */
export function keyColumns<T extends object>(keys: readonly (keyof T & string)[]): Column<T>[] {
  return keys.map((k) => ({ header: k, value: (row: T) => row[k] as CellValue }));
}

export function toCsv<T>(listing: Listing<T>): string {
  return [...csvChunks(listing)].join('');
}

/** Rows of a CSV export per chunk of csvChunks. */
export const CSV_CHUNK_ROWS = 500;

/** The CSV text of a listing, the header line first, then `rows` rows a chunk (each line ends in \n). */
export function* csvChunks<T>(listing: Listing<T>, rows = CSV_CHUNK_ROWS): Generator<string> {
  yield listing.columns.map((c) => csvField(c.header)).join(',') + '\n';
  for (let i = 0; i < listing.rows.length; i += rows) {
    let chunk = '';
    for (const row of listing.rows.slice(i, i + rows)) chunk += listing.columns.map((c) => csvField(c.value(row))).join(',') + '\n';
    yield chunk;
  }
}

/**
 * RFC 4180: a field with a comma, quote, CR or LF is quoted, its quotes doubled. Text that a
 * spreadsheet would run as a formula (starting with =, +, -, @, tab or CR) is prefixed with an
 * apostrophe; numbers are written as they are.
 */
export function csvField(value: CellValue): string {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'number' ? String(value) : defuse(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function defuse(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

export async function toXlsx<T>(listing: Listing<T>): Promise<Buffer> {
  const header: Row = listing.columns.map((c) => ({ value: c.header, type: String, fontWeight: 'bold' as const }));
  const data: Row[] = listing.rows.map((row) =>
    listing.columns.map((c) => {
      const v = c.value(row);
      if (v === undefined || v === null || v === '') return null;
      return typeof v === 'number' ? { value: v, type: Number } : { value: v, type: String };
    }),
  );
  return writeXlsxFile([header, ...data], { sheet: listing.sheet.slice(0, 31), stickyRowsCount: 1 }).toBuffer();
}

/** The bytes and headers of a listing exported in a file format. */
export async function exportListing<T>(listing: Listing<T>, format: Exclude<ExportFormat, 'json'>): Promise<{ body: Buffer; contentType: string; fileName: string }> {
  const body = format === 'csv' ? Buffer.from(toCsv(listing), 'utf8') : await toXlsx(listing);
  return { body, contentType: CONTENT_TYPES[format], fileName: `${listing.name}.${format}` };
}
