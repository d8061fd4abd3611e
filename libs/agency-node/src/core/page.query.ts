import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { MAX_PAGE } from '@shekara/server';

/** A page of a listing (query string). */
export class PageQuery {
  @ApiPropertyOptional({ default: 1, maximum: MAX_PAGE }) @Type(() => Number) @IsInt() @Min(1) @Max(MAX_PAGE) page: number = 1;
  @ApiPropertyOptional({ default: 50 }) @Type(() => Number) @IsInt() @Min(1) @Max(500) pageSize: number = 50;
}
