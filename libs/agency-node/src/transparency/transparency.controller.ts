import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { Roles } from '@shekara/auth';
import { LogStore } from '../store';
import { TransparencyService } from './transparency.service';
import { WitnessService } from './witness.service';
import { ForkAlerts } from './fork-alerts';

export class ProofQuery {
  @IsUUID() messageId: string;
}

@ApiTags('admin')
@ApiBearerAuth()
@Controller('api/admin')
@Roles('admin')
export class TransparencyController {
  constructor(
    private readonly tlog: TransparencyService,
    private readonly store: LogStore,
    private readonly witness: WitnessService,
    private readonly alerts: ForkAlerts,
  ) {}

  @Get('log/checkpoint')
  @ApiOperation({ summary: "The latest signed checkpoint of the node's transparency log, with its cosignatures (C2SP signed note)" })
  checkpoint() {
    return this.tlog.checkpoint();
  }

  @Get('log/proof')
  @ApiOperation({ summary: 'C2SP tlog-proof bundles of the entries of a message or receipt (by its message id) in the latest checkpoint' })
  async proof(@Query() q: ProofQuery) {
    return { messageId: q.messageId, items: await this.tlog.proofs(q.messageId) };
  }

  @Post('log/export')
  @HttpCode(200)
  @ApiOperation({ summary: 'Writes the `shekara verify` export of this node under TLOG_EXPORT_DIR; returns its directory and manifest' })
  export() {
    return this.tlog.export();
  }

  @Get('log/witness')
  @ApiOperation({ summary: "This node as a witness: per other agency's log, the last checkpoint size it cosigned and the evidence of a fork it kept" })
  async witnessRecords() {
    return { items: await this.witness.records() };
  }

  @Get('log/alerts')
  @ApiOperation({ summary: 'Fork alerts of the transparency log: raised by this node as a witness (role witness) and received from a witness about this node’s log (role accused), newest first' })
  async forkAlerts() {
    return { items: await this.alerts.list() };
  }

  @Get('integrity')
  @ApiOperation({ summary: 'Messages whose stored row does not match their signed envelope (found on opening or by the scrub)' })
  async integrity() {
    return { items: await this.store.failures() };
  }
}
