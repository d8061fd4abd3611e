import { Module } from '@nestjs/common';
import { DataBankModule } from '../databank';
import { ExchangeModule } from '../exchange';
import { ReceiptsModule } from '../receipts';
import { TransparencyModule } from '../transparency';
import { BusController } from './bus.controller';
import { InboxIntake } from './intake.service';
import { IncomingReports } from './reports.service';

/** The inbox on the bus: verification, then reports from other agencies and receipts for this node's reports. */
@Module({ imports: [ExchangeModule, ReceiptsModule, DataBankModule, TransparencyModule], controllers: [BusController], providers: [InboxIntake, IncomingReports] })
export class IncomingModule {}
