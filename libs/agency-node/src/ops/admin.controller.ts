import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { DataSource } from 'typeorm';
import { Roles } from '@shekara/auth';
import { DeadLetterEntity } from '../entities';

export class PageQuery {
  @ApiPropertyOptional({ default: 1 }) @Type(() => Number) @IsInt() @Min(1) page: number = 1;
  @ApiPropertyOptional({ default: 50 }) @Type(() => Number) @IsInt() @Min(1) @Max(500) pageSize: number = 50;
}

@ApiTags('admin')
@ApiBearerAuth()
@Controller('api/admin')
@Roles('admin')
export class AdminController {
  constructor(private readonly ds: DataSource) {}

  @Get('dead-letters')
  @ApiOperation({ summary: 'Bus messages this node could not accept, with the reason, newest first' })
  async deadLetters(@Query() q: PageQuery) {
    const [items, total] = await this.ds.getRepository(DeadLetterEntity).findAndCount({
      order: { id: 'DESC' },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    });
    return { items, page: q.page, pageSize: q.pageSize, total };
  }

  @Get('outbox')
  @ApiOperation({ summary: 'Outbox rows not yet done (awaiting publication or receipts)' })
  async outbox(@Query() q: PageQuery) {
    const items = await this.ds.query(
      `SELECT id, message_id, kind, target_agency, attempts, next_attempt_at, last_published_at, last_error, created_at
         FROM outbox WHERE done_at IS NULL ORDER BY id LIMIT $1 OFFSET $2`,
      [q.pageSize, (q.page - 1) * q.pageSize],
    );
    return { items, page: q.page, pageSize: q.pageSize };
  }
}
