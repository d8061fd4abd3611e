import type { MigrationInterface, QueryRunner } from 'typeorm';
import { AUTH_CLEARANCE_DOWN_SQL, AUTH_CLEARANCE_UP_SQL, AUTH_SESSIONS_DOWN_SQL, AUTH_SESSIONS_UP_SQL } from './users.sql';

/** Sign-in sessions lasting a shift, and users that can be disabled: in the migrations of every app with users. */
export class AuthSessions1764200000000 implements MigrationInterface {
  name = 'AuthSessions1764200000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of AUTH_SESSIONS_UP_SQL) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const sql of AUTH_SESSIONS_DOWN_SQL) await q.query(sql);
  }
}

/** Users' clearance: in the migrations of every app with users, after AuthSessions. */
export class AuthClearance1765900000000 implements MigrationInterface {
  name = 'AuthClearance1765900000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of AUTH_CLEARANCE_UP_SQL) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const sql of AUTH_CLEARANCE_DOWN_SQL) await q.query(sql);
  }
}
