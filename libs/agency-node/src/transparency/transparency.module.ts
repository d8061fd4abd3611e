import { Module } from '@nestjs/common';
import { StoreModule } from '../store';
import { TransparencyController } from './transparency.controller';
import { TransparencyService } from './transparency.service';

/** The node's transparency log: checkpoints, the integrity scrub, the admin's log API. */
@Module({ imports: [StoreModule], controllers: [TransparencyController], providers: [TransparencyService], exports: [TransparencyService] })
export class TransparencyModule {}
