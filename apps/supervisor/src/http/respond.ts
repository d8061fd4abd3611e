import { StreamableFile } from '@nestjs/common';
import { addDays, isLocalDate } from '@shekara/policy';
import type { AuditRange } from '@shekara/policy';
import { SupervisorError, SupervisorErrorCode } from '../errors';
import { Readable } from 'node:stream';
import type { Response } from 'express';
import { CONTENT_TYPES, csvChunks, exportListing } from '../export/export';
import type { ExportFormat } from '../export/export';
import type { ListingResult } from '../queries/listing';
import { rangeDays, rangeOf, unjudgeable } from '../verdicts/ranges';
import { paginate } from '../verdicts/units';
import type { RangeQuery } from './query.dto';
import type { ExportLimits } from '../config';
import { bi } from '@shekara/server';
import type { FieldError } from '@shekara/server';

/** The longest range a listing computes (days). */
export const MAX_RANGE_DAYS = 400;

/** The range of a query: validated dates, from <= to, at most MAX_RANGE_DAYS; default the last 7 days. */
export function queryRange(q: RangeQuery, now: Date, zone: string): AuditRange {
  const fields: FieldError[] = [];
  if (q.from !== undefined && !isLocalDate(q.from)) fields.push({ field: 'from', messages: [`${q.from} is not a date`], code: 'DATE' });
  if (q.to !== undefined && !isLocalDate(q.to)) fields.push({ field: 'to', messages: [`${q.to} is not a date`], code: 'DATE' });
  if (fields.length) throw new SupervisorError(SupervisorErrorCode.InvalidQuery, undefined, fields);
  const range = rangeOf(q.from, q.to, now, zone);
  if (range.from > range.to) throw new SupervisorError(SupervisorErrorCode.InvalidQuery, undefined, [{ field: 'from', messages: ['from must not be after to'], code: 'FROM_AFTER_TO', params: { to: range.to } }]);
  const outside = unjudgeable(range, now, zone);
  if (outside) throw new SupervisorError(SupervisorErrorCode.InvalidQuery, undefined, [{ field: outside.field, messages: [outside.message], code: outside.code, params: { date: outside.date } }]);
  if (rangeDays(range) > MAX_RANGE_DAYS) throw new SupervisorError(SupervisorErrorCode.RangeTooLong,
      bi(
        `At most ${MAX_RANGE_DAYS} days; ${range.from}..${range.to} is ${rangeDays(range)}; the last allowed end is ${addDays(range.from, MAX_RANGE_DAYS - 1)}.`,
        `Не более ${MAX_RANGE_DAYS} дней; ${range.from}..${range.to} — ${rangeDays(range)}; последняя допустимая дата конца — ${addDays(range.from, MAX_RANGE_DAYS - 1)}.`,
      ),
    );
  return range;
}

/**
 * JSON: the meta and one page of rows (all rows without paging). csv / xlsx: the whole filtered
 * listing as a file; an XLSX file of more than `limits.xlsxMaxRows` rows is refused
 * (EXPORT_TOO_LARGE: it is built whole in memory). CSV is streamed, a few hundred rows at a time
 * as the client takes them (not built whole; a client gone stops the writing), with the count of
 * its rows in X-Export-Rows (`res`) for the console's progress.
 */
export async function respond<T>(result: ListingResult<T>, format: ExportFormat, limits: ExportLimits, paging?: { page: number; pageSize: number }, res?: Response): Promise<Record<string, unknown> | StreamableFile> {
  if (format === 'xlsx' && result.listing.rows.length > limits.xlsxMaxRows) {
    const n = (x: number, locale: string) => x.toLocaleString(locale);
    throw new SupervisorError(
      SupervisorErrorCode.ExportTooLarge,
      bi(
        `An XLSX export holds at most ${n(limits.xlsxMaxRows, 'en-US')} rows; this selection has ${n(result.listing.rows.length, 'en-US')}. Narrow the range or the filters, or export CSV.`,
        `Выгрузка XLSX вмещает не более ${n(limits.xlsxMaxRows, 'ru-RU')} строк; в этой выборке ${n(result.listing.rows.length, 'ru-RU')}. Сузьте диапазон или фильтры либо выгрузите CSV.`,
      ),
    );
  }
  if (format === 'json') {
    if (!paging) return { ...result.meta, total: result.listing.rows.length, items: result.listing.rows.map(result.json) };
    const p = paginate(result.listing.rows, paging.page, paging.pageSize);
    return { ...result.meta, total: p.total, page: p.page, pageSize: p.pageSize, items: p.items.map(result.json) };
  }
  if (format === 'csv') {
    res?.setHeader('X-Export-Rows', String(result.listing.rows.length));
    return new StreamableFile(Readable.from(csvChunks(result.listing)), { type: CONTENT_TYPES.csv, disposition: `attachment; filename="${result.listing.name}.csv"` });
  }
  const file = await exportListing(result.listing, format);
  res?.setHeader('X-Export-Rows', String(result.listing.rows.length));
  return new StreamableFile(file.body, { type: file.contentType, disposition: `attachment; filename="${file.fileName}"`, length: file.body.length });
}
