import type { DataSource } from 'typeorm';
import type { Clock } from '@shekara/common';

export const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');

export interface AuthModuleOptions {
  jwtSecret: string;
  ttlSeconds: number;
  /** The app's database; it must have the users table (USERS_TABLE_SQL in a migration). */
  dataSource: DataSource;
  clock: Clock;
  /** An error text when the app does not serve that unit (users are refused for it). */
  checkUnit?: (unitId: string) => string | undefined;
  /** Called on every sign-in attempt (e.g. to write the app's audit log). */
  onSignIn?: (attempt: { username: string; unitId?: string; ok: boolean }) => Promise<void>;
}
