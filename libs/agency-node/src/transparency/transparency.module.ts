import { Module } from '@nestjs/common';
import { StoreModule } from '../store';
import { TransparencyController } from './transparency.controller';
import { TransparencyService } from './transparency.service';
import { WitnessService } from './witness.service';

/** The node's transparency log: checkpoints, witnessing (both ways), the integrity scrub, the admin's log API. */
@Module({ imports: [StoreModule], controllers: [TransparencyController], providers: [TransparencyService, WitnessService], exports: [TransparencyService, WitnessService] })
export class TransparencyModule {}
