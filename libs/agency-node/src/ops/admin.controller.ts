import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@shekara/auth';
import { PageQuery } from '../core';
import { DeadLettersStore, OutboxStore } from '../store';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('api/admin')
@Roles('admin')
export class AdminController {
  constructor(
    private readonly deadLetterStore: DeadLettersStore,
    private readonly outboxStore: OutboxStore,
  ) {}

  @Get('dead-letters')
  @ApiOperation({ summary: 'Bus messages this node could not accept, with the reason, newest first' })
  async deadLetters(@Query() q: PageQuery) {
    const [items, total] = await this.deadLetterStore.page(q.page, q.pageSize);
    return { items, page: q.page, pageSize: q.pageSize, total };
  }

  @Get('outbox')
  @ApiOperation({ summary: 'Outbox rows not yet done (awaiting publication or receipts)' })
  async outbox(@Query() q: PageQuery) {
    const items = await this.outboxStore.pending(q.page, q.pageSize);
    return { items, page: q.page, pageSize: q.pageSize };
  }
}
