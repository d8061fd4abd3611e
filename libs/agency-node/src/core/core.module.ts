import { Global, Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import type { KeyObject } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import { DataSource } from 'typeorm';
import { Clock } from '@shekara/common';
import type { BusNames } from '@shekara/contracts';
import type { Directory, DirectoryReloader } from '@shekara/directory';
import type { UnitSigner } from '@shekara/security';
import { closeOnShutdown } from '@shekara/server';
import type { AgencyNodeConfig } from './config';
import { BUS_NAMES, DIRECTORY, DIRECTORY_RELOADER, LOG_KEY, NATS, NODE_CONFIG, SIGNER } from './tokens';
import { DirectoryReloadTask } from './directory-reload';
import { LiveEvents } from './live-events';
import { NodeMetrics } from './metrics';

/** What the node is built from; all of it is created (and checked) before Nest starts. */
export interface AgencyNodeDeps {
  config: AgencyNodeConfig;
  clock: Clock;
  dataSource: DataSource;
  /** The directory in use: a live stand-in that follows the reloaded versions. */
  directory: Directory;
  /** Reloads a newer signed directory (and this agency's keys with it). */
  directoryReloader: DirectoryReloader;
  signer: UnitSigner;
  nats: NatsConnection;
  names: BusNames;
  /** The agency's log key (the private key of its log unit: `logUnit`). */
  logKey: KeyObject;
}

/**
 * What every feature of the node uses: the configuration, clock, data source, directory, signer,
 * NATS connection and bus names (given), the metrics and the live events to the duty desks.
 */
@Global()
@Module({})
export class CoreModule {
  static forRoot(deps: AgencyNodeDeps): DynamicModule {
    const providers = [
      { provide: NODE_CONFIG, useValue: deps.config },
      { provide: Clock, useValue: deps.clock },
      { provide: DataSource, useValue: deps.dataSource },
      { provide: DIRECTORY, useValue: deps.directory },
      { provide: DIRECTORY_RELOADER, useValue: deps.directoryReloader },
      DirectoryReloadTask,
      { provide: SIGNER, useValue: deps.signer },
      { provide: NATS, useValue: deps.nats },
      { provide: BUS_NAMES, useValue: deps.names },
      { provide: LOG_KEY, useValue: deps.logKey },
      LiveEvents,
      NodeMetrics,
    ];
    return {
      module: CoreModule,
      providers: [...providers, closeOnShutdown(deps.nats, deps.dataSource)],
      exports: [NODE_CONFIG, Clock, DataSource, DIRECTORY, DirectoryReloadTask, SIGNER, LOG_KEY, NATS, BUS_NAMES, LiveEvents, NodeMetrics],
    };
  }
}
