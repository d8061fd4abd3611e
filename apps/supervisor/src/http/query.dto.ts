import { ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { AGENCIES, withCode } from '@shekara/contracts';
import { MAX_PAGE } from '@shekara/server';
import type { AgencyCode } from '@shekara/contracts';
import { OBLIGATIONS } from '@shekara/policy';
import type { Level, Obligation, VerdictName } from '@shekara/policy';
import { EXPORT_FORMATS } from '../export/export';
import type { ExportFormat } from '../export/export';
import { EXPORT_LANGS } from '../export/readable';
import type { ExportLang } from '../export/readable';
import { BUCKETS } from '../verdicts/ranges';
import { HEATMAP_GROUPS } from '../queries/heatmap.query';
import type { HeatmapGrouping } from '../queries/heatmap.query';
import type { Bucket } from '../verdicts/ranges';
import { VERDICT_NAMES } from '../verdicts/records';
import { PAIR_STATUSES } from '../queries/discrepancies.query';
import type { PairStatus } from '@shekara/policy';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A date range (local dates, inclusive); both absent: the last 7 days up to today. */
export class RangeQuery {
  @ApiPropertyOptional({ description: 'First local date (YYYY-MM-DD), inclusive', example: '2024-04-01' })
  @IsOptional()
  @Matches(DATE, withCode('DATE'))
  from?: string;

  @ApiPropertyOptional({ description: 'Last local date (YYYY-MM-DD), inclusive', example: '2024-04-30' })
  @IsOptional()
  @Matches(DATE, withCode('DATE'))
  to?: string;
}

/** Filters on the unit a row belongs to (for verdicts: the unit that owes the report). */
export class UnitFilterQuery extends RangeQuery {
  @ApiPropertyOptional({ enum: AGENCIES })
  @IsOptional()
  @IsIn(AGENCIES)
  agency?: AgencyCode;

  @ApiPropertyOptional({ description: 'Unit id, e.g. border.l4.CP-CN-A-01' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  unit?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 5 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5)
  level?: Level;

  @ApiPropertyOptional({ description: 'Region (ISO 3166-2), e.g. KZ-19' })
  @IsOptional()
  @Matches(/^KZ-[0-9A-Z]{1,4}$/, withCode('REGION'))
  region?: string;
}

export class PagedQuery extends UnitFilterQuery {
  @ApiPropertyOptional({ default: 1, minimum: 1, maximum: MAX_PAGE })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  page: number = 1;

  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 1000 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  pageSize: number = 100;

  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'json', description: 'csv and xlsx return the whole filtered listing, not a page; an xlsx file holds at most EXPORT_XLSX_MAX_ROWS rows (100,000 by default), else 400 EXPORT_TOO_LARGE' })
  @IsIn(EXPORT_FORMATS)
  format: ExportFormat = 'json';

  @ApiPropertyOptional({ enum: EXPORT_LANGS, description: 'Files for people: unit names in this language beside the ids, local times in the unit’s zone, verdicts in words (absent: the machine format of `shekara audit`)' })
  @IsOptional()
  @IsIn(EXPORT_LANGS)
  lang?: ExportLang;
}

export class HeatmapQueryDto extends PagedQuery {
  @ApiPropertyOptional({ description: 'Only units with a breach (EARLY, LATE or MISSING) in the range' })
  @IsOptional()
  @IsIn(['true', 'false'])
  breaches?: 'true' | 'false';

  @ApiPropertyOptional({ enum: HEATMAP_GROUPS, description: 'Also answer `groups`: the units grouped, worst first' })
  @IsOptional()
  @IsIn(HEATMAP_GROUPS)
  group?: HeatmapGrouping;
}

export class VerdictsQueryDto extends PagedQuery {
  @ApiPropertyOptional({ enum: OBLIGATIONS })
  @IsOptional()
  @IsIn(OBLIGATIONS)
  obligation?: Obligation;

  @ApiPropertyOptional({ enum: VERDICT_NAMES })
  @IsOptional()
  @IsIn(VERDICT_NAMES)
  verdict?: VerdictName;

  @ApiPropertyOptional({ description: 'Period: YYYY-MM-DD (DAILY), YYYY-MM (MONTHLY), YYYY-H1|H2 (SEMIANNUAL)' })
  @IsOptional()
  @Matches(/^\d{4}-(\d{2}(-\d{2})?|H[12])$/, withCode('PERIOD'))
  period?: string;
}

export class BankContributionsQueryDto {
  @ApiPropertyOptional({ description: 'The half-year: YYYY-H1 or YYYY-H2', example: '2026-H2' })
  @IsString({ message: 'period must be YYYY-H1 or YYYY-H2' })
  @Matches(/^\d{4}-H[12]$/, { message: 'period must be YYYY-H1 or YYYY-H2' })
  period!: string;
}

export class SeriesQueryDto extends UnitFilterQuery {
  @ApiPropertyOptional({ enum: BUCKETS, default: 'day' })
  @IsIn(BUCKETS)
  bucket: Bucket = 'day';

  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'json' })
  @IsIn(EXPORT_FORMATS)
  format: ExportFormat = 'json';

  @ApiPropertyOptional({ enum: EXPORT_LANGS, description: 'Accepted for symmetry with the listings (a series has no unit ids or instants)' })
  @IsOptional()
  @IsIn(EXPORT_LANGS)
  lang?: ExportLang;
}

export class OverdueQueryDto extends OmitType(PagedQuery, ['from', 'to'] as const) {
  @ApiPropertyOptional({ enum: OBLIGATIONS })
  @IsOptional()
  @IsIn(OBLIGATIONS)
  obligation?: Obligation;

  @ApiPropertyOptional({ default: 7, minimum: 1, maximum: 62, description: 'List what fell due in this many last days' })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(62)
  lookbackDays: number = 7;
}

export class JournalQueryDto extends RangeQuery {}

export class UnitsQueryDto extends OmitType(PagedQuery, ['from', 'to', 'unit'] as const) {}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Months (YYYY-MM, inclusive) instead of dates; `status`: the reconciliation status listed (default DISCREPANCY). */
export class DiscrepanciesQueryDto extends OmitType(PagedQuery, ['from', 'to'] as const) {
  @ApiPropertyOptional({ description: 'First month (YYYY-MM), inclusive; default: 11 months before `to`', example: '2026-01' })
  @IsOptional()
  @Matches(MONTH, { message: 'from must be a month YYYY-MM' })
  from?: string;

  @ApiPropertyOptional({ description: 'Last month (YYYY-MM), inclusive; default: the current month (capital zone)', example: '2026-12' })
  @IsOptional()
  @Matches(MONTH, { message: 'to must be a month YYYY-MM' })
  to?: string;

  @ApiPropertyOptional({ enum: PAIR_STATUSES, default: 'DISCREPANCY', description: 'DISCREPANCY: the unreconciled ones; "all": every pair' })
  @IsOptional()
  @IsIn([...PAIR_STATUSES, 'all'])
  status?: PairStatus | 'all';
}
