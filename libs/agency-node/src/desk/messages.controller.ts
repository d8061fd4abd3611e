import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Req, Sse } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Observable } from 'rxjs';
import { SendMessageRequestDto } from '@shekara/contracts';
import { Roles } from '@shekara/auth';
import type { AuthedRequest } from '@shekara/auth';
import { ListQuery } from './list.query';
import { LiveEvents } from '../core';
import type { LiveEvent } from '../core';
import { MessagesService } from './messages.service';

@ApiTags('messages')
@ApiBearerAuth()
@Controller('api/messages')
export class MessagesController {
  constructor(
    private readonly messages: MessagesService,
    private readonly live: LiveEvents,
  ) {}

  @Post()
  @Roles('duty-officer')
  @ApiOperation({ summary: 'Send a report as your own unit to units of your interaction groups' })
  @ApiBody({ type: SendMessageRequestDto })
  send(@Req() req: AuthedRequest, @Body() body: unknown) {
    // The body is validated by the contract's own validator (the same one the bus side uses).
    return this.messages.send(req.user, body);
  }

  @Get()
  @ApiOperation({ summary: 'Inbox or outbox of your unit, filtered and paged' })
  list(@Req() req: AuthedRequest, @Query() q: ListQuery) {
    return this.messages.list(req.user, q);
  }

  @Sse('events')
  @ApiOperation({ summary: 'Live changes for your unit (server-sent events)' })
  events(@Req() req: AuthedRequest): Observable<{ data: LiveEvent }> {
    return this.live.forUnit(req.user.unitId);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Open a message (records READ for a recipient duty officer)' })
  open(@Req() req: AuthedRequest, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.messages.open(req.user, id);
  }

  @Get(':id/status')
  @ApiOperation({ summary: 'Status per recipient: PENDING → SENT → DELIVERED → READ, or DEAD_LETTERED' })
  status(@Req() req: AuthedRequest, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.messages.status(req.user, id);
  }

  @Get(':id/timeline')
  @ApiOperation({ summary: 'The audit trail of a message on this node' })
  timeline(@Req() req: AuthedRequest, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.messages.timeline(req.user, id);
  }
}
