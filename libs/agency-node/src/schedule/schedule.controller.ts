import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthedRequest } from '@shekara/auth';
import { Roles } from '@shekara/auth';
import { AcknowledgeRequest, NotificationsQuery } from './notifications.query';
import { DraftsService } from './drafts.service';
import { DueService } from './due.service';
import { NotificationsService } from './notifications.service';

@ApiTags('schedule')
@ApiBearerAuth()
@Controller('api')
export class ScheduleController {
  constructor(
    private readonly due: DueService,
    private readonly drafts: DraftsService,
    private readonly notifications: NotificationsService,
  ) {}

  @Get('due')
  @ApiOperation({ summary: "Due now for your unit: today's daily window, the monthly window when open, confirmations owed, drafts" })
  dueNow(@Req() req: AuthedRequest) {
    return this.due.forUser(req.user);
  }

  @Get('due/periods')
  @ApiOperation({ summary: "The periods a report composed now is for (daily, monthly, semi-annual), by the policy in force, in your unit's zone" })
  periods(@Req() req: AuthedRequest) {
    return this.due.periodsFor(req.user.unitId);
  }

  @Get('drafts')
  @ApiOperation({ summary: 'Drafts prepared by the scheduler for your unit, not yet sent' })
  listDrafts(@Req() req: AuthedRequest) {
    return this.drafts.list(req.user.unitId);
  }

  @Delete('drafts/:id')
  @HttpCode(204)
  @Roles('duty-officer')
  @ApiOperation({ summary: 'Discard a draft' })
  discard(@Req() req: AuthedRequest, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.drafts.discard(req.user.unitId, id);
  }

  @Get('notifications')
  @ApiOperation({ summary: 'Notifications raised to your unit (window open, reminders, missing reports, escalations)' })
  list(@Req() req: AuthedRequest, @Query() q: NotificationsQuery) {
    return this.notifications.list(req.user, q.page, q.pageSize, q.open);
  }

  @Post('notifications/ack')
  @HttpCode(200)
  @Roles('duty-officer')
  @ApiOperation({ summary: 'Acknowledge notifications of your unit (the ids given, or every one not yet acknowledged)' })
  acknowledge(@Req() req: AuthedRequest, @Body() body: AcknowledgeRequest) {
    return this.notifications.acknowledge(req.user, body.ids);
  }
}
