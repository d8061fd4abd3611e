import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { Transform } from 'class-transformer';
import { CHECKPOINT_ID_RE, withCode } from '@shekara/contracts';
import { MAX_PAGE } from '@shekara/server';

export const SENDABLE_KINDS = ['URGENT', 'URGENT_CONFIRMATION', 'DAILY', 'MONTHLY', 'ADVANCE', 'SEMIANNUAL'] as const;

/** Query of GET /api/messages: server-side filters and paging. */
export class ListQuery {
  @ApiPropertyOptional({ enum: ['inbox', 'outbox', 'all'], default: 'inbox', description: 'all: both (the search)' })
  @IsIn(['inbox', 'outbox', 'all'], withCode('ENUM', { values: 'inbox, outbox, all' }))
  box: 'inbox' | 'outbox' | 'all' = 'inbox';

  @ApiPropertyOptional({ enum: SENDABLE_KINDS })
  @IsOptional()
  @IsIn(SENDABLE_KINDS, withCode('ENUM', { values: SENDABLE_KINDS.join(', ') }))
  kind?: string;

  @ApiPropertyOptional({ description: 'Period of DAILY (YYYY-MM-DD), MONTHLY (YYYY-MM) or SEMIANNUAL (YYYY-H1) reports' })
  @IsOptional()
  @Matches(/^\d{4}-(\d{2}(-\d{2})?|H[12])$/, withCode('PERIOD'))
  period?: string;

  @ApiPropertyOptional({ description: 'Counterpart unit: the sender (inbox) or a recipient (outbox)' })
  @IsOptional()
  @IsString(withCode('NOT_STRING'))
  @MaxLength(100, withCode('TOO_LONG', { max: '100' }))
  unit?: string;

  @ApiPropertyOptional({ description: 'Inbox only: just the messages not yet opened' })
  @IsOptional()
  @Transform(({ value }) => value === true || value === 'true' || value === '1')
  @IsBoolean(withCode('NOT_BOOLEAN'))
  unread?: boolean;

  @ApiPropertyOptional({ description: 'Created at or after this instant (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true }, withCode('TIMESTAMP'))
  since?: string;

  @ApiPropertyOptional({ description: 'Created before this instant (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true }, withCode('TIMESTAMP'))
  until?: string;

  @ApiPropertyOptional({ description: 'Text in the summary' })
  @IsOptional()
  @IsString(withCode('NOT_STRING'))
  @MaxLength(200, withCode('TOO_LONG', { max: '200' }))
  q?: string;

  @ApiPropertyOptional({ description: 'Search: a person named in the report, by surname (exactly, any case)' })
  @IsOptional()
  @IsString(withCode('NOT_STRING'))
  @MaxLength(100, withCode('TOO_LONG', { max: '100' }))
  surname?: string;

  @ApiPropertyOptional({ description: 'Search: a person named in the report, by given names (exactly, any case)' })
  @IsOptional()
  @IsString(withCode('NOT_STRING'))
  @MaxLength(100, withCode('TOO_LONG', { max: '100' }))
  givenNames?: string;

  @ApiPropertyOptional({ description: 'Search: a document number anywhere in the report' })
  @IsOptional()
  @IsString(withCode('NOT_STRING'))
  @MaxLength(32, withCode('TOO_LONG', { max: '32' }))
  document?: string;

  @ApiPropertyOptional({ description: 'Search: a checkpoint anywhere in the report, e.g. CP-CN-A-01' })
  @IsOptional()
  @Matches(CHECKPOINT_ID_RE, withCode('CHECKPOINT_ID'))
  checkpoint?: string;

  @ApiPropertyOptional({ description: 'Search: words anywhere in the report (full-text, Russian and English; "quotes", or, -not)' })
  @IsOptional()
  @IsString(withCode('NOT_STRING'))
  @MaxLength(200, withCode('TOO_LONG', { max: '200' }))
  text?: string;

  @ApiPropertyOptional({ default: 1, maximum: MAX_PAGE })
  @Type(() => Number)
  @IsInt(withCode('NOT_INTEGER'))
  @Min(1, withCode('TOO_SMALL', { min: '1' }))
  @Max(MAX_PAGE, withCode('TOO_LARGE', { max: String(MAX_PAGE) }))
  page: number = 1;

  @ApiPropertyOptional({ default: 25, maximum: 200 })
  @Type(() => Number)
  @IsInt(withCode('NOT_INTEGER'))
  @Min(1, withCode('TOO_SMALL', { min: '1' }))
  @Max(200, withCode('TOO_LARGE', { max: '200' }))
  pageSize: number = 25;
}
