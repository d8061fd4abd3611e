import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { closeOnShutdown } from '@shekara/server';
import type { NatsConnection } from '@nats-io/transport-node';
import { DataSource } from 'typeorm';
import { Clock } from '@shekara/common';
import type { BusNames } from '@shekara/contracts';
import type { Directory } from '@shekara/directory';
import type { UnitSigner } from '@shekara/security';
import { AuditAction, AuditService, appendAuditLog } from './audit/audit.service';
import { AuthModule } from '@shekara/auth';
import { BusController } from './bus/bus.controller';
import { InboxService } from './bus/inbox.service';
import type { AgencyNodeConfig } from './config';
import { DirectoryController } from './messages/directory.controller';
import { LiveEvents } from './messages/live-events';
import { MessagesController } from './messages/messages.controller';
import { SentMessages } from './messages/sent-messages';
import { MessagesService } from './messages/messages.service';
import { AdminController } from './ops/admin.controller';
import { HealthController } from './ops/health.controller';
import { MetricsController } from './ops/metrics.controller';
import { NodeMetrics } from './ops/metrics';
import { OutboxMaintenance } from './outbox/outbox.maintenance';
import { OutboxRelay } from './outbox/outbox.relay';
import { OutboxService } from './outbox/outbox.service';
import { DraftsService } from './schedule/drafts.service';
import { DueService } from './schedule/due.service';
import { NotificationsService } from './schedule/notifications.service';
import { ScheduleRpcController } from './schedule/rpc.controller';
import { ScheduleController } from './schedule/schedule.controller';
import { BUS_NAMES, DIRECTORY, NATS, NODE_CONFIG, SIGNER } from './tokens';

/** What the node is built from; all of it is created (and checked) before Nest starts. */
export interface AgencyNodeDeps {
  config: AgencyNodeConfig;
  clock: Clock;
  dataSource: DataSource;
  directory: Directory;
  signer: UnitSigner;
  nats: NatsConnection;
  names: BusNames;
}

/** The common machinery of every agency node; an app adds only what is specific to its agency. */
@Module({})
export class AgencyNodeModule {
  static forRoot(deps: AgencyNodeDeps): DynamicModule {
    return {
      module: AgencyNodeModule,
      imports: [
        AuthModule.forRoot({
          jwtSecret: deps.config.jwt.secret,
          ttlSeconds: deps.config.jwt.ttlSeconds,
          sessionTtlSeconds: deps.config.jwt.sessionTtlSeconds,
          issuer: deps.config.agency,
          dataSource: deps.dataSource,
          clock: deps.clock,
          checkUnit: (unitId) => (deps.directory.findUnit(unitId)?.agency === deps.config.agency ? undefined : `${unitId} is not a unit of ${deps.config.agency}.`),
          onSignIn: (a) => appendAuditLog(deps.dataSource.manager, deps.clock.now(), [{ actor: a.username, action: a.ok ? AuditAction.SignedIn : AuditAction.SignInFailed, units: a.unitId ? [a.unitId] : [] }]),
        }),
      ],
      controllers: [MessagesController, DirectoryController, AdminController, HealthController, MetricsController, BusController, ScheduleController, ScheduleRpcController],
      providers: [
        { provide: NODE_CONFIG, useValue: deps.config },
        { provide: Clock, useValue: deps.clock },
        { provide: DataSource, useValue: deps.dataSource },
        { provide: DIRECTORY, useValue: deps.directory },
        { provide: SIGNER, useValue: deps.signer },
        { provide: NATS, useValue: deps.nats },
        { provide: BUS_NAMES, useValue: deps.names },
        AuditService,
        InboxService,
        LiveEvents,
        MessagesService,
        NodeMetrics,
        OutboxMaintenance,
        OutboxRelay,
        OutboxService,
        SentMessages,
        closeOnShutdown(deps.nats, deps.dataSource),
        DraftsService,
        DueService,
        NotificationsService,
      ],
      exports: [MessagesService, NODE_CONFIG, DIRECTORY, Clock],
    };
  }
}
