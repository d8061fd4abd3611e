import { Module } from '@nestjs/common';
import { ExchangeModule } from '../exchange';
import { StoreModule } from '../store';
import { HandoverController } from './handover.controller';
import { HandoverService } from './handover.service';

/** Handover acts of clause 9.6: propose, accept (whole or in part), dispute, withdraw; the chain of custody; the printable act. */
@Module({ imports: [StoreModule, ExchangeModule], controllers: [HandoverController], providers: [HandoverService] })
export class HandoverModule {}
