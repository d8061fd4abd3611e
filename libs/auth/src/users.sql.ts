/** The users table, for the migrations of every app that signs users in (same shape everywhere). */
export const USERS_TABLE_SQL = `
  CREATE TABLE users (
    id            uuid PRIMARY KEY,
    username      text NOT NULL UNIQUE,
    display_name  text NOT NULL,
    password_hash text NOT NULL,
    unit_id       text NOT NULL,
    role          text NOT NULL CHECK (role IN ('duty-officer', 'supervisor', 'admin')),
    created_at    timestamptz NOT NULL
  )`;

/**
 * Sessions (a sign-in lasts a shift; the browser holds it in an httpOnly cookie) and disabling users:
 * the statements of the migration every app with users runs after USERS_TABLE_SQL.
 */
export const AUTH_SESSIONS_UP_SQL = [
  `ALTER TABLE users ADD COLUMN disabled_at timestamptz`,
  `CREATE TABLE auth_sessions (
     id          uuid PRIMARY KEY,
     user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
     secret_hash bytea NOT NULL,
     created_at  timestamptz NOT NULL,
     expires_at  timestamptz NOT NULL,
     revoked_at  timestamptz,
     address     text
   )`,
  `CREATE INDEX auth_sessions_user ON auth_sessions (user_id)`,
];
/** Users' clearance (what classification they may read): the migration after AUTH_SESSIONS_UP_SQL. */
export const AUTH_CLEARANCE_UP_SQL = [
  `ALTER TABLE users ADD COLUMN clearance text NOT NULL DEFAULT 'FOR_OFFICIAL_USE'
     CHECK (clearance IN ('UNCLASSIFIED', 'FOR_OFFICIAL_USE', 'CONFIDENTIAL'))`,
];
export const AUTH_CLEARANCE_DOWN_SQL = [`ALTER TABLE users DROP COLUMN clearance`];

export const AUTH_SESSIONS_DOWN_SQL = [`DROP TABLE auth_sessions`, `ALTER TABLE users DROP COLUMN disabled_at`];

/** The password of every demo user (created only when an app runs with DEMO_USERS=true). */
export const DEMO_PASSWORD = 'shekara-demo';

/** What an app's role may do with the users and sessions (GRANT's words; docs/database-roles.md). */
export const AUTH_APP_PRIVILEGES: Readonly<Record<string, string>> = {
  users: 'SELECT, INSERT, UPDATE',
  auth_sessions: 'SELECT, INSERT, UPDATE, DELETE',
};
