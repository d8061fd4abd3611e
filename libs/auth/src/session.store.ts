import type { DataSource } from 'typeorm';
import type { Clearance, Role } from './user.entity';

/** A user as sign-in and session checks read it. */
export interface UserRow {
  id: string;
  username: string;
  unit_id: string;
  role: Role;
  clearance: Clearance;
  password_hash: string;
  disabled_at: Date | null;
}

/** A session with its user, as the guard and refresh read it. */
export interface SessionRow {
  id: string;
  secret_hash: Buffer;
  expires_at: Date;
  revoked_at: Date | null;
  user_id: string;
  username: string;
  unit_id: string;
  role: string;
  clearance: Clearance;
  disabled_at: Date | null;
}

/** All SQL of sign-in and sessions (the users and auth_sessions tables of the app's database). */
export class SessionStore {
  constructor(private readonly ds: DataSource) {}

  async userByName(username: string): Promise<UserRow | undefined> {
    const rows: UserRow[] = await this.ds.query(`SELECT id, username, unit_id, role, clearance, password_hash, disabled_at FROM users WHERE username = $1`, [username]);
    return rows[0];
  }

  /** Opens a session, and forgets this user's sessions that ended more than a day ago. */
  async open(s: { id: string; userId: string; secretHash: Buffer; now: Date; expiresAt: Date; address: string }): Promise<void> {
    await this.ds.query(
      `WITH gone AS (DELETE FROM auth_sessions WHERE user_id = $2 AND expires_at < $4::timestamptz - interval '1 day')
       INSERT INTO auth_sessions (id, user_id, secret_hash, created_at, expires_at, address) VALUES ($1, $2, $3, $4, $5, $6)`,
      [s.id, s.userId, s.secretHash, s.now, s.expiresAt, s.address.slice(0, 100)],
    );
  }

  async find(id: string): Promise<SessionRow | undefined> {
    const rows: SessionRow[] = await this.ds.query(
      `SELECT s.id, s.secret_hash, s.expires_at, s.revoked_at, u.id AS user_id, u.username, u.unit_id, u.role, u.clearance, u.disabled_at
         FROM auth_sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1`,
      [id],
    );
    return rows[0];
  }

  async revoke(id: string, at: Date): Promise<void> {
    await this.ds.query(`UPDATE auth_sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`, [id, at]);
  }

  /** Disables a user (or enables again with null) and ends their sessions when disabling. */
  async setDisabled(username: string, at: Date | null): Promise<void> {
    await this.ds.query(
      `WITH u AS (UPDATE users SET disabled_at = $2 WHERE username = $1 RETURNING id)
       UPDATE auth_sessions SET revoked_at = $2 WHERE $2::timestamptz IS NOT NULL AND revoked_at IS NULL AND user_id IN (SELECT id FROM u)`,
      [username, at],
    );
  }

  /** Sets a user's clearance; the user's unit, or undefined when there is no such user. */
  async setClearance(username: string, clearance: Clearance): Promise<{ unit_id: string } | undefined> {
    const rows: { unit_id: string }[] = await this.ds.query(`WITH u AS (UPDATE users SET clearance = $2 WHERE username = $1 RETURNING unit_id) SELECT unit_id FROM u`, [username, clearance]);
    return rows[0];
  }

  async upsertUser(u: { id: string; username: string; displayName: string; passwordHash: string; unitId: string; role: Role; clearance: Clearance; createdAt: Date }): Promise<void> {
    await this.ds.query(
      `INSERT INTO users (id, username, display_name, password_hash, unit_id, role, clearance, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (username) DO UPDATE SET display_name = EXCLUDED.display_name, password_hash = EXCLUDED.password_hash,
         unit_id = EXCLUDED.unit_id, role = EXCLUDED.role, clearance = EXCLUDED.clearance`,
      [u.id, u.username, u.displayName, u.passwordHash, u.unitId, u.role, u.clearance, u.createdAt],
    );
  }
}
