import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { closeOnShutdown } from '@shekara/server';
import type { NatsConnection } from '@nats-io/transport-node';
import { DataSource } from 'typeorm';
import { AuthModule } from '@shekara/auth';
import { Clock } from '@shekara/common';
import type { BusNames } from '@shekara/contracts';
import { CAPITAL_REGION_CODE } from '@shekara/directory';
import type { Directory } from '@shekara/directory';
import type { SupervisorConfig } from './config';
import { AdminController } from './http/admin.controller';
import { LedgerController } from './http/ledger.controller';
import { LedgerConsumer } from './ledger/ledger.consumer';
import { LedgerStore } from './ledger/ledger.store';
import { HealthController } from './ops/health.controller';
import { MetricsController } from './ops/metrics.controller';
import { SupervisorMetrics } from './ops/metrics';
import { DueEscalationsQuery, MarkEscalatedCommand } from './queries/escalations';
import { HeatmapQuery } from './queries/heatmap.query';
import { JournalQuery } from './queries/journal.query';
import { OverdueQuery } from './queries/overdue.query';
import { DiscrepanciesQuery } from './queries/discrepancies.query';
import { PeriodVerdictsQuery } from './queries/period-verdicts.query';
import { RatesQuery } from './queries/rates.query';
import { SeriesQuery } from './queries/series.query';
import { TimelineQuery } from './queries/timeline.query';
import { UnitsQuery } from './queries/units.query';
import { BankContributionsQuery } from './queries/bank-contributions.query';
import { VerdictsQuery } from './queries/verdicts.query';
import { SupervisorRpcController } from './rpc/rpc.controller';
import { BUS_NAMES, CAPITAL_ZONE, DIRECTORY, NATS, POLICY_DIRECTORY, SUPERVISOR_CONFIG, UNIT_INFOS } from './tokens';
import { policyDirectory, unitInfos } from './verdicts/units';
import { VerdictService } from './verdicts/verdict.service';

/** What the supervisor is built from; all of it is created (and checked) before Nest starts. */
export interface SupervisorDeps {
  config: SupervisorConfig;
  clock: Clock;
  dataSource: DataSource;
  directory: Directory;
  nats: NatsConnection;
  names: BusNames;
}

/** The supervisor ledger: audit-event consumer, verdict queries over HTTP, request/reply for the scheduler. */
@Module({})
export class SupervisorModule {
  static forRoot(deps: SupervisorDeps): DynamicModule {
    return {
      module: SupervisorModule,
      imports: [
        AuthModule.forRoot({
          jwtSecret: deps.config.jwt.secret,
          ttlSeconds: deps.config.jwt.ttlSeconds,
          sessionTtlSeconds: deps.config.jwt.sessionTtlSeconds,
          issuer: 'supervisor',
          dataSource: deps.dataSource,
          clock: deps.clock,
          checkUnit: (unitId) => (deps.directory.findUnit(unitId) ? undefined : `${unitId} is not in the directory.`),
        }),
      ],
      controllers: [LedgerController, AdminController, HealthController, MetricsController, LedgerConsumer, SupervisorRpcController],
      providers: [
        { provide: SUPERVISOR_CONFIG, useValue: deps.config },
        { provide: Clock, useValue: deps.clock },
        { provide: DataSource, useValue: deps.dataSource },
        { provide: DIRECTORY, useValue: deps.directory },
        { provide: POLICY_DIRECTORY, useValue: policyDirectory(deps.directory) },
        { provide: UNIT_INFOS, useValue: unitInfos(deps.directory) },
        { provide: CAPITAL_ZONE, useValue: deps.directory.region(CAPITAL_REGION_CODE).zone },
        { provide: NATS, useValue: deps.nats },
        { provide: BUS_NAMES, useValue: deps.names },
        SupervisorMetrics,
        LedgerStore,
        VerdictService,
        VerdictsQuery,
        RatesQuery,
        SeriesQuery,
        OverdueQuery,
        DiscrepanciesQuery,
        HeatmapQuery,
        TimelineQuery,
        JournalQuery,
        UnitsQuery,
        BankContributionsQuery,
        PeriodVerdictsQuery,
        DueEscalationsQuery,
        MarkEscalatedCommand,
        closeOnShutdown(deps.nats, deps.dataSource),
      ],
    };
  }
}
