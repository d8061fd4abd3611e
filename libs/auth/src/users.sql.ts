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

/** The password of every demo user (created only when an app runs with DEMO_USERS=true). */
export const DEMO_PASSWORD = 'shekara-demo';
