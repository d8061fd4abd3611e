import { ValidateBy } from 'class-validator';
import type { DataSource } from 'typeorm';
import type { Clock } from '@shekara/common';
import type { ThrottleSettings } from './login-throttle';

export const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');

export interface AuthModuleOptions {
  jwtSecret: string;
  /** Lifetime of an access token (the browser renews it from its session). */
  ttlSeconds: number;
  /** Lifetime of a session: one sign-in lasts a shift (default 24 h). */
  sessionTtlSeconds?: number;
  /** Names this app in its tokens (iss and aud) and its session cookie: "border", "supervisor", … */
  issuer: string;
  /** The app's database; it must have the users and auth_sessions tables (USERS_TABLE_SQL, AUTH_SESSIONS_UP_SQL). */
  dataSource: DataSource;
  clock: Clock;
  /** An error text when the app does not serve that unit (users are refused for it). */
  checkUnit?: (unitId: string) => string | undefined;
  /** Called on every sign-in attempt (e.g. to write the app's audit log). */
  onSignIn?: (attempt: { username: string; unitId?: string; ok: boolean }) => Promise<void>;
  /** Called when an administrator changes a user's clearance (e.g. to write the app's audit log). */
  onClearanceSet?: (change: { admin: string; username: string; unitId: string; clearance: string }) => Promise<void>;
  throttle?: Partial<ThrottleSettings>;
  /** Password checks at once, and how many more may wait (default 2 and 8). */
  hashSlots?: { concurrency: number; queue: number };
}

/** Secrets that are public (they stood in this repository as defaults): an app refuses to start with one. */
const PUBLIC_SECRETS = [
  /^change-me/i,
  /^secret$/i,
  /^shekara(-demo)?$/i,
];

/** Why a JWT secret must not be used, or undefined. */
export function publicSecretProblem(secret: string): string | undefined {
  if (secret.length < 32) return 'the JWT secret must be at least 32 characters';
  if (PUBLIC_SECRETS.some((re) => re.test(secret))) return 'the JWT secret is a value published in the repository (a docker-compose or example default): generate one (e.g. openssl rand -base64 32)';
  return undefined;
}

/** Throws before anything connects when the secret must not be used (an app's start calls it first). */
export function assertPrivateSecret(secret: string): void {
  const problem = publicSecretProblem(secret);
  if (problem) throw new Error(`refusing to start: ${problem}`);
}

/** The environment's JWT_SECRET: long enough and not one published in the repository (exit 78 at boot). */
export function PrivateSecret(): PropertyDecorator {
  return ValidateBy({ name: 'privateSecret', validator: { validate: (v) => typeof v === 'string' && !publicSecretProblem(v), defaultMessage: (a) => publicSecretProblem(String(a?.value ?? '')) ?? 'invalid secret' } });
}
