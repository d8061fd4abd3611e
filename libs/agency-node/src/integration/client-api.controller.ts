import { Body, Controller, Get, HttpCode, Post, Query, Req, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { SendMessageRequestDto } from '@shekara/contracts';
import { MachineClients } from '@shekara/auth';
import type { AuthedRequest } from '@shekara/auth';
import { ClientCallAudit } from './client-call.audit';
import { ClientRateGuard } from './client-rate.guard';
import { ClientSend } from './client-send.service';
import { AckRequest, AckResponse, FeedPage, FeedQuery, SentMessage } from './dto';
import { FeedService } from './feed.service';

/** The API of machine clients (service accounts' tokens only): send as a bound unit, pull and acknowledge the feed. */
@ApiTags('integration')
@ApiBearerAuth()
@ApiTooManyRequestsResponse({ description: 'Over the account’s rate limit (Retry-After: seconds)' })
@MachineClients()
@UseGuards(ClientRateGuard)
@UseInterceptors(ClientCallAudit)
@Controller('api')
export class ClientApiController {
  constructor(
    private readonly sending: ClientSend,
    private readonly feed: FeedService,
  ) {}

  @Post('integration/messages')
  @ApiOperation({ operationId: 'sendMessage', summary: 'Send a report as a unit the account is bound to (the duty desk’s validation and rules)' })
  @ApiBody({ type: SendMessageRequestDto })
  @ApiCreatedResponse({ type: SentMessage })
  send(@Req() req: AuthedRequest, @Body() body: unknown) {
    return this.sending.send(req.user, body);
  }

  @Get('feed')
  @ApiOperation({ operationId: 'pullFeed', summary: 'Events of the account’s units after a cursor (default: after what it acknowledged), oldest first' })
  @ApiOkResponse({ type: FeedPage })
  pull(@Req() req: AuthedRequest, @Query() q: FeedQuery): Promise<FeedPage> {
    return this.feed.pull(req.user, q.after, q.limit);
  }

  @Post('feed/ack')
  @HttpCode(200)
  @ApiOperation({ operationId: 'ackFeed', summary: 'Acknowledge an event and everything before it (they are not delivered again)' })
  @ApiOkResponse({ type: AckResponse })
  ack(@Req() req: AuthedRequest, @Body() body: AckRequest): Promise<AckResponse> {
    return this.feed.ack(req.user, body.cursor);
  }
}
