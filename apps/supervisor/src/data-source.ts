import { DataSource } from 'typeorm';
import { AUTH_APP_PRIVILEGES, AuthClearance1765900000000, AuthSessions1764200000000, UserEntity } from '@shekara/auth';
import type { AppPrivileges } from '@shekara/persistence';
import { SupervisorInit1763900000000 } from './migrations/1763900000000-SupervisorInit';
import { LedgerInsertOnly1766100000000 } from './migrations/1766100000000-LedgerInsertOnly';
import { LedgerHandovers1766300000000 } from './migrations/1766300000000-LedgerHandovers';
import { LedgerReconciliation1766400000000 } from './migrations/1766400000000-LedgerReconciliation';
import { LedgerBankVersions1766500000000 } from './migrations/1766500000000-LedgerBankVersions';
import { LedgerLogAlerts1766600000000 } from './migrations/1766600000000-LedgerLogAlerts';

export const SUPERVISOR_MIGRATIONS = [SupervisorInit1763900000000, AuthSessions1764200000000, AuthClearance1765900000000, LedgerInsertOnly1766100000000, LedgerHandovers1766300000000, LedgerReconciliation1766400000000, LedgerBankVersions1766500000000, LedgerLogAlerts1766600000000];

/**
 * What the supervisor's app role may do with each table (GRANT's words; docs/database-roles.md):
 * the ledger's facts are insert-only, its version counter only goes up (ledger.store.ts).
 */
export const SUPERVISOR_APP_PRIVILEGES: AppPrivileges = {
  ...AUTH_APP_PRIVILEGES,
  ledger_messages: 'SELECT, INSERT',
  ledger_events: 'SELECT, INSERT',
  ledger_rejects: 'SELECT, INSERT',
  escalations: 'SELECT, INSERT',
  ledger_bank_versions: 'SELECT, INSERT',
  ledger_log_alerts: 'SELECT, INSERT',
  ledger_state: 'SELECT, UPDATE (version)',
};

/** The ledger's own database (never an agency node's). Migrations only, never synchronize. */
export function supervisorDataSource(url: string): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: [UserEntity],
    migrations: SUPERVISOR_MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    extra: { max: 10, connectionTimeoutMillis: 3000 },
  });
}
