import { DataSource } from 'typeorm';
import { AuthClearance1765900000000, AuthSessions1764200000000 } from '@shekara/auth';
import { AGENCY_NODE_ENTITIES } from './entities';
import { AgencyNodeInit1763700000000 } from './migrations/1763700000000-AgencyNodeInit';
import { AuditOutbox1763800000000 } from './migrations/1763800000000-AuditOutbox';
import { DraftsNotifications1763900000000 } from './migrations/1763900000000-DraftsNotifications';
import { BatchSigning1764000000000 } from './migrations/1764000000000-BatchSigning';
import { OutboxQueue1764100000000 } from './migrations/1764100000000-OutboxQueue';
import { PersonsIndexed1765050000000 } from './migrations/1765050000000-PersonsIndexed';
import { DeadLetterOrigin1765200000000 } from './migrations/1765200000000-DeadLetterOrigin';
import { IntegrationClients1766400000000 } from './migrations/1766400000000-IntegrationClients';
import { HandoverActs1766300000000 } from './migrations/1766300000000-HandoverActs';
import { MessageIntegrity1765100000000 } from './migrations/1765100000000-MessageIntegrity';
import { ReceivedReceipts1766110000000 } from './migrations/1766110000000-ReceivedReceipts';
import { HitDecisions1766600000000 } from './migrations/1766600000000-HitDecisions';
import { TlogForkAlerts1767000000000 } from './migrations/1767000000000-TlogForkAlerts';
import { FeedTriggersByKey1767200000000 } from './migrations/1767200000000-FeedTriggersByKey';
import { NotificationsStructured1766500000000 } from './migrations/1766500000000-NotificationsStructured';
import { MessageSearch1766510000000 } from './migrations/1766510000000-MessageSearch';
import { DataBank1766200000000 } from './migrations/1766200000000-DataBank';
import { BankAttachments1766800000000 } from './migrations/1766800000000-BankAttachments';
import { MatchingNameCounts1767300000000, MatchingPersonIndex1764900000000 } from '@shekara/matching';
import { TransparencyLog1765000000000, TransparencyLogAppend1767400000000 } from '@shekara/tlog';

/** Every agency node's database gets the same migrations, each applied in that node's own database. */
export const AGENCY_NODE_MIGRATIONS = [
  AgencyNodeInit1763700000000,
  AuditOutbox1763800000000,
  DraftsNotifications1763900000000,
  BatchSigning1764000000000,
  OutboxQueue1764100000000,
  AuthSessions1764200000000,
  MatchingPersonIndex1764900000000,
  TransparencyLog1765000000000,
  PersonsIndexed1765050000000,
  MessageIntegrity1765100000000,
  DeadLetterOrigin1765200000000,
  AuthClearance1765900000000,
  ReceivedReceipts1766110000000,
  IntegrationClients1766400000000,
  HandoverActs1766300000000,
  NotificationsStructured1766500000000,
  MessageSearch1766510000000,
  HitDecisions1766600000000,
  TlogForkAlerts1767000000000,
  FeedTriggersByKey1767200000000,
  DataBank1766200000000,
  BankAttachments1766800000000,
  MatchingNameCounts1767300000000,
  TransparencyLogAppend1767400000000,
];

export function agencyNodeDataSource(url: string): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: AGENCY_NODE_ENTITIES,
    migrations: AGENCY_NODE_MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    extra: { max: 10, connectionTimeoutMillis: 3000 },
  });
}
