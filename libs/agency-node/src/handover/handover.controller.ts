import { Body, Controller, Get, Header, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@shekara/auth';
import type { AuthedRequest } from '@shekara/auth';
import type { Directory } from '@shekara/directory';
import { DIRECTORY } from '../core';
import { HANDOVER_STATES } from './act';
import type { HandoverState } from './act';
import { HandoverError, HandoverErrorCode } from './handover.errors';
import type { FieldError } from '@shekara/server';
import { HandoverService } from './handover.service';
import { printAct, signaturesOf } from './print';

@ApiTags('handovers')
@ApiBearerAuth()
@Controller('api/handovers')
export class HandoverController {
  constructor(
    private readonly handovers: HandoverService,
    @Inject(DIRECTORY) private readonly directory: Directory,
  ) {}

  @Post()
  @Roles('duty-officer')
  @ApiOperation({ summary: 'Propose a handover act to a unit of another agency (clause 9.6)' })
  propose(@Req() req: AuthedRequest, @Body() body: unknown) {
    return this.handovers.propose(req.user, body);
  }

  @Get()
  @ApiOperation({ summary: 'Acts the unit receives (box=in) or hands over (box=out), newest first' })
  list(@Req() req: AuthedRequest, @Query('box') box = 'in', @Query('state') state?: string) {
    const fields: FieldError[] = [];
    if (box !== 'in' && box !== 'out') fields.push({ field: 'box', messages: ['box must be "in" or "out"'], code: 'ENUM', params: { values: 'in, out' } });
    if (state !== undefined && !HANDOVER_STATES.includes(state as HandoverState)) fields.push({ field: 'state', messages: [`state must be one of: ${HANDOVER_STATES.join(', ')}`], code: 'ENUM', params: { values: HANDOVER_STATES.join(', ') } });
    if (fields.length) throw new HandoverError(HandoverErrorCode.InvalidHandover, undefined, fields);
    return this.handovers.list(req.user, box as 'in' | 'out', state as HandoverState | undefined);
  }

  @Get(':id')
  @ApiOperation({ summary: 'An act with its items and its chain of custody (every signed step)' })
  get(@Req() req: AuthedRequest, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.handovers.open(req.user, id);
  }

  @Get(':id/print')
  @Header('content-type', 'text/html; charset=utf-8')
  @ApiOperation({ summary: 'The printable act both officers sign, with the fingerprints of the signing keys' })
  async print(@Req() req: AuthedRequest, @Param('id', new ParseUUIDPipe()) id: string) {
    const { act, signed } = await this.handovers.signedSteps(req.user, id);
    return printAct(act, signaturesOf(signed, (k) => this.directory.publicKey(k)), (u) => this.directory.findUnit(u)?.nameRu ?? u);
  }

  @Post(':id/accept')
  @HttpCode(200)
  @Roles('duty-officer')
  @ApiOperation({ summary: 'Accept the whole act (receiving unit)' })
  accept(@Req() req: AuthedRequest, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: unknown) {
    return this.handovers.accept(req.user, id, body ?? {});
  }

  @Post(':id/accept-part')
  @HttpCode(200)
  @Roles('duty-officer')
  @ApiOperation({ summary: 'Accept part of the act, with a reason for each refused item (receiving unit)' })
  acceptPart(@Req() req: AuthedRequest, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: unknown) {
    return this.handovers.acceptPart(req.user, id, body ?? {});
  }

  @Post(':id/dispute')
  @HttpCode(200)
  @Roles('duty-officer')
  @ApiOperation({ summary: 'Dispute the act (receiving unit)' })
  dispute(@Req() req: AuthedRequest, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: unknown) {
    return this.handovers.dispute(req.user, id, body ?? {});
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  @Roles('duty-officer')
  @ApiOperation({ summary: 'Withdraw the act before it is accepted (handing unit)' })
  withdraw(@Req() req: AuthedRequest, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: unknown) {
    return this.handovers.withdraw(req.user, id, body ?? {});
  }
}
