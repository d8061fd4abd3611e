import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { Transform } from 'class-transformer';
import { MAX_PAGE } from '@shekara/server';

export const SENDABLE_KINDS = ['URGENT', 'URGENT_CONFIRMATION', 'DAILY', 'MONTHLY', 'ADVANCE', 'SEMIANNUAL'] as const;

/** Query of GET /api/messages: server-side filters and paging. */
export class ListQuery {
  @ApiPropertyOptional({ enum: ['inbox', 'outbox'], default: 'inbox' })
  @IsIn(['inbox', 'outbox'])
  box: 'inbox' | 'outbox' = 'inbox';

  @ApiPropertyOptional({ enum: SENDABLE_KINDS })
  @IsOptional()
  @IsIn(SENDABLE_KINDS)
  kind?: string;

  @ApiPropertyOptional({ description: 'Period of DAILY (YYYY-MM-DD), MONTHLY (YYYY-MM) or SEMIANNUAL (YYYY-H1) reports' })
  @IsOptional()
  @Matches(/^\d{4}-(\d{2}(-\d{2})?|H[12])$/)
  period?: string;

  @ApiPropertyOptional({ description: 'Counterpart unit: the sender (inbox) or a recipient (outbox)' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  unit?: string;

  @ApiPropertyOptional({ description: 'Inbox only: just the messages not yet opened' })
  @IsOptional()
  @Transform(({ value }) => value === true || value === 'true' || value === '1')
  @IsBoolean()
  unread?: boolean;

  @ApiPropertyOptional({ description: 'Created at or after this instant (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;

  @ApiPropertyOptional({ description: 'Created before this instant (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  until?: string;

  @ApiPropertyOptional({ description: 'Text in the summary' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ default: 1, maximum: MAX_PAGE })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  page: number = 1;

  @ApiPropertyOptional({ default: 25, maximum: 200 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  pageSize: number = 25;
}
