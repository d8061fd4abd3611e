import { Module } from '@nestjs/common';
import { ExchangeModule } from '../exchange';
import { ReceiptsService } from './receipts.service';

/** Receipts for the reports this node sent. */
@Module({ imports: [ExchangeModule], providers: [ReceiptsService], exports: [ReceiptsService] })
export class ReceiptsModule {}
