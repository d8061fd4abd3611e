import { Module } from '@nestjs/common';
import { AuditStore } from './audit.store';
import { BankAttachmentStore } from './bank-attachments.store';
import { DataBankStore } from './databank.store';
import { DatabaseProbe } from './db';
import { DeadLettersStore } from './dead-letters.store';
import { DraftsStore } from './drafts.store';
import { DueStore } from './due.store';
import { HandoverStore } from './handover.store';
import { IncomingStore } from './incoming.store';
import { IntegrationStore } from './integration.store';
import { LogStore } from './log.store';
import { MessagesStore } from './messages.store';
import { NotificationsStore } from './notifications.store';
import { OutboxStore } from './outbox.store';
import { PersonsStore } from './persons.store';
import { ReceiptsStore } from './receipts.store';
import { StatisticsStore } from './statistics.store';
import { TlogAlertsStore } from './tlog-alerts.store';

const STORES = [AuditStore, BankAttachmentStore, DataBankStore, DatabaseProbe, DeadLettersStore, DraftsStore, DueStore, HandoverStore, IncomingStore, IntegrationStore, LogStore, MessagesStore, NotificationsStore, OutboxStore, PersonsStore, ReceiptsStore, StatisticsStore, TlogAlertsStore];

/** The stores, one per concern: the only code of the node that reaches PostgreSQL. */
@Module({ providers: STORES, exports: STORES })
export class StoreModule {}
