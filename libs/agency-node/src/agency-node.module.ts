import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { AuthModule } from '@shekara/auth';
import { recordClearanceSet, recordSignIn } from './audit';
import { CoreModule } from './core';
import type { AgencyNodeDeps } from './core';
import { DataBankModule } from './databank';
import { DeadLettersModule } from './dead-letters';
import { DeskModule } from './desk';
import { HandoverModule } from './handover';
import { StatisticsModule } from './statistics';
import { IncomingModule } from './incoming';
import { IntegrationModule } from './integration';
import { OpsModule } from './ops';
import { PersonsModule } from './persons';
import { ScheduleModule } from './schedule';
import { TransparencyModule } from './transparency';

export type { AgencyNodeDeps } from './core';

/**
 * An agency node, the same for every agency (one binary, three configurations): the core (what it
 * is built from), sign-in, and its features. The agency is a setting of its configuration.
 */
@Module({})
export class AgencyNodeModule {
  static forRoot(deps: AgencyNodeDeps): DynamicModule {
    return {
      module: AgencyNodeModule,
      imports: [
        CoreModule.forRoot(deps),
        AuthModule.forRoot({
          jwtSecret: deps.config.jwt.secret,
          ttlSeconds: deps.config.jwt.ttlSeconds,
          sessionTtlSeconds: deps.config.jwt.sessionTtlSeconds,
          issuer: deps.config.agency,
          dataSource: deps.dataSource,
          clock: deps.clock,
          checkUnit: (unitId) => (deps.directory.findUnit(unitId)?.agency === deps.config.agency ? undefined : `${unitId} is not a unit of ${deps.config.agency}.`),
          onSignIn: (a) => recordSignIn(deps.dataSource, deps.clock, a),
          onClearanceSet: (c) => recordClearanceSet(deps.dataSource, deps.clock, c),
        }),
        DeskModule,
        IncomingModule,
        DeadLettersModule,
        ScheduleModule,
        OpsModule,
        PersonsModule,
        HandoverModule,
        StatisticsModule,
        TransparencyModule,
        IntegrationModule,
        DataBankModule,
      ],
    };
  }
}
