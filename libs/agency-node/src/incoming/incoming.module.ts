import { Module } from '@nestjs/common';
import { DataBankModule } from '../databank';
import { ExchangeModule } from '../exchange';
import { ReceiptsModule } from '../receipts';
import { BusController } from './bus.controller';
import { InboxIntake } from './intake.service';
import { IncomingReports } from './reports.service';

/** The inbox on the bus: verification, then reports from other agencies and receipts for this node's reports. */
@Module({ imports: [ExchangeModule, ReceiptsModule, DataBankModule], controllers: [BusController], providers: [InboxIntake, IncomingReports] })
export class IncomingModule {}
