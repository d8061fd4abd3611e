import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { withCode } from '@shekara/contracts';
import { MAX_PAGE } from '@shekara/server';

/** A page of a listing (query string). */
export class PageQuery {
  @ApiPropertyOptional({ default: 1, maximum: MAX_PAGE }) @Type(() => Number) @IsInt(withCode('NOT_INTEGER')) @Min(1, withCode('TOO_SMALL', { min: '1' })) @Max(MAX_PAGE, withCode('TOO_LARGE', { max: String(MAX_PAGE) })) page: number = 1;
  @ApiPropertyOptional({ default: 50 }) @Type(() => Number) @IsInt(withCode('NOT_INTEGER')) @Min(1, withCode('TOO_SMALL', { min: '1' })) @Max(500, withCode('TOO_LARGE', { max: '500' })) pageSize: number = 50;
}
