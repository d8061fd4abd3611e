import { Module } from '@nestjs/common';
import { ExchangeModule } from '../exchange';
import { BankAttachments } from './attachments.service';
import { DataBankController } from './databank.controller';
import { DataBankReplica } from './databank.replica';
import { DataBankRetention } from './databank.retention';
import { DataBankService } from './databank.service';

/** The Unified Data Bank (docs/databank.md): own records changed here, every agency's replicated here, search and the document check. */
@Module({ imports: [ExchangeModule], controllers: [DataBankController], providers: [DataBankService, DataBankReplica, DataBankRetention, BankAttachments], exports: [DataBankService, DataBankReplica, BankAttachments] })
export class DataBankModule {}
