import { Module } from '@nestjs/common';
import { ExchangeModule } from '../exchange';
import { StoreModule } from '../store';
import { StatisticsController } from './statistics.controller';
import { StatisticsService } from './statistics.service';

/** Monthly statistics of clause 9.3 and their reconciliation with the counterparts' and the handover acts. */
@Module({ imports: [StoreModule, ExchangeModule], controllers: [StatisticsController], providers: [StatisticsService] })
export class StatisticsModule {}
