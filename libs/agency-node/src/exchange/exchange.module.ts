import { Module } from '@nestjs/common';
import { AuditModule } from '../audit';
import { StoreModule } from '../store';
import { OutboxMaintenance } from './outbox.maintenance';
import { OutboxRelay } from './outbox.relay';
import { SentMessages } from './sent-messages';
import { SingleMessages } from './single-message';
import { WriteBatches } from './write-batch';

/**
 * The exchange through the outbox: use cases write with a `WriteBatch` and hand the rows written to
 * `OutboxRelay` (dispatch, relay passes, signing of rows written unsigned); maintenance prunes and
 * vacuums the outbox.
 */
@Module({
  imports: [AuditModule, StoreModule],
  providers: [WriteBatches, OutboxRelay, OutboxMaintenance, SentMessages, SingleMessages],
  exports: [WriteBatches, OutboxRelay, SentMessages, SingleMessages, AuditModule, StoreModule],
})
export class ExchangeModule {}
