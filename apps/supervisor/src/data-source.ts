import { DataSource } from 'typeorm';
import { AuthClearance1765900000000, AuthSessions1764200000000, UserEntity } from '@shekara/auth';
import { SupervisorInit1763900000000 } from './migrations/1763900000000-SupervisorInit';
import { LedgerHandovers1766300000000 } from './migrations/1766300000000-LedgerHandovers';

export const SUPERVISOR_MIGRATIONS = [SupervisorInit1763900000000, AuthSessions1764200000000, AuthClearance1765900000000, LedgerHandovers1766300000000];

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
