import { Module } from '@nestjs/common';
import { ExchangeModule } from '../exchange';
import { StoreModule } from '../store';
import { ForkAlerts } from './fork-alerts';
import { TransparencyController } from './transparency.controller';
import { TransparencyService } from './transparency.service';
import { WitnessService } from './witness.service';

/** The node's transparency log: checkpoints, witnessing (both ways), the integrity scrub, fork alerts, the admin's log API. */
@Module({ imports: [StoreModule, ExchangeModule], controllers: [TransparencyController], providers: [TransparencyService, WitnessService, ForkAlerts], exports: [TransparencyService, WitnessService, ForkAlerts] })
export class TransparencyModule {}
