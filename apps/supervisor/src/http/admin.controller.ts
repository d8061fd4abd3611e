import { Controller, Get, Inject, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@shekara/auth';
import type { AuthedRequest } from '@shekara/auth';
import { LedgerStore } from '../ledger/ledger.store';
import { UNIT_INFOS } from '../tokens';
import type { UnitInfo } from '../verdicts/units';

@ApiTags('ledger')
@ApiBearerAuth()
@Roles('supervisor', 'admin')
@Controller('api')
export class AdminController {
  constructor(
    private readonly store: LedgerStore,
    @Inject(UNIT_INFOS) private readonly units: ReadonlyMap<string, UnitInfo>,
  ) {}

  @Get('me')
  @ApiOperation({ summary: 'The signed-in supervisor and their unit' })
  me(@Req() req: AuthedRequest) {
    const unit = this.units.get(req.user.unitId);
    return { user: req.user, unit: unit ? { ...unit, region: unit.region ?? null } : null };
  }

  @Get('ledger/status')
  @ApiOperation({ summary: 'Ledger size (messages, events, rejected events)' })
  async status() {
    return { ...(await this.store.counts()), version: await this.store.version() };
  }

  @Get('admin/log-alerts')
  @Roles('admin')
  @ApiOperation({ summary: "Fork alerts of the agencies' transparency logs, from the signed audit events of the witness (SENT) and of the forked log's node (RECEIVED), newest first (administrators)" })
  logAlerts() {
    return this.store.logAlerts(200).then((items) => ({ items: items.map((a) => ({ ...a, at: a.at.toISOString(), recordedAt: a.recordedAt.toISOString() })) }));
  }

  @Get('admin/rejects')
  @Roles('admin')
  @ApiOperation({ summary: 'Audit events the ledger could not accept, newest first, with the reason (administrators)' })
  rejects() {
    return this.store.rejects(200).then((items) => ({ items: items.map((r) => ({ ...r, rejectedAt: r.rejectedAt.toISOString() })) }));
  }
}
