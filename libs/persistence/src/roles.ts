import { Client, escapeIdentifier, escapeLiteral } from 'pg';
import { databaseName, withDatabase } from './database';

/*
 * Least privilege in PostgreSQL (docs/database-roles.md). Each app's database has two roles:
 * - the OWNER: owns the database, its schema and every table; migrations run as it (the app's
 *   DATABASE_MIGRATION_URL), and it grants the app what the app uses;
 * - the APP: the role the running app connects as (DATABASE_URL); it owns nothing, is no
 *   superuser, and gets only the privileges its app declares table by table (insert-only on the
 *   logs), so it can neither rewrite a log, disable a trigger, set session_replication_role, nor
 *   create or drop a table.
 * Provisioning (`shekara db provision`, the test harnesses, scripts/up.sh) creates both and the
 * database with an administrator's URL that the apps never see.
 */

/** A login role: its name and, where the server asks for one, its password. */
export interface RoleSpec {
  name: string;
  password?: string;
}

/** An app's database and its two roles. */
export interface DatabaseRoles {
  database: string;
  owner: RoleSpec;
  app: RoleSpec;
}

const NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function checkName(what: string, name: string): string {
  if (!NAME.test(name)) throw new Error(`${what} ${JSON.stringify(name)} must be a lower-case identifier (a-z, 0-9, _; at most 63)`);
  return name;
}

function roleOf(url: string, what: string): RoleSpec {
  const u = new URL(url);
  const name = decodeURIComponent(u.username);
  if (!name) throw new Error(`${what} names no user (postgres://user[:password]@host:port/database)`);
  return { name: checkName(`${what}'s user`, name), password: u.password ? decodeURIComponent(u.password) : undefined };
}

/**
 * The roles named by an app's two URLs: DATABASE_URL (the app) and DATABASE_MIGRATION_URL (the
 * owner). They must name the same server and database and two different users.
 */
export function rolesFromUrls(appUrl: string, migrationUrl: string): DatabaseRoles {
  const a = new URL(appUrl);
  const m = new URL(migrationUrl);
  const database = checkName('the database', databaseName(appUrl));
  if (databaseName(migrationUrl) !== database || a.host !== m.host) {
    throw new Error('DATABASE_URL and DATABASE_MIGRATION_URL must name the same server and database');
  }
  const roles = { database, app: roleOf(appUrl, 'DATABASE_URL'), owner: roleOf(migrationUrl, 'DATABASE_MIGRATION_URL') };
  if (roles.app.name === roles.owner.name) throw new Error('DATABASE_URL and DATABASE_MIGRATION_URL must connect as two different roles (the app is not the owner)');
  return roles;
}

/** The conventional roles of a database: `<database>_owner` and `<database>_app`. */
export function conventionalRoles(database: string, passwords: { owner?: string; app?: string } = {}): DatabaseRoles {
  checkName('the database', database);
  if (database.length > 57) throw new Error(`the database name ${database} is too long for its role names (at most 57)`);
  return { database, owner: { name: `${database}_owner`, password: passwords.owner }, app: { name: `${database}_app`, password: passwords.app } };
}

/** The URLs an app is given for roles provisioned on the server of `serverUrl` (its user ignored). */
export function roleUrls(serverUrl: string, roles: DatabaseRoles): { appUrl: string; migrationUrl: string } {
  const url = (r: RoleSpec) => {
    const u = new URL(withDatabase(serverUrl, roles.database));
    u.username = encodeURIComponent(r.name);
    u.password = r.password ? encodeURIComponent(r.password) : '';
    return u.toString();
  };
  return { appUrl: url(roles.app), migrationUrl: url(roles.owner) };
}

/** Role attributes both roles get, whether created now or found: no way around privileges. */
const ATTRIBUTES = 'LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT';

/** One lock for every provisioning on the server: role names are cluster-global. */
const PROVISION_LOCK = 0x5e4a7a01;

async function ensureRole(admin: Client, role: RoleSpec): Promise<void> {
  const password = role.password ? ` PASSWORD ${escapeLiteral(role.password)}` : '';
  const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role.name]);
  if (exists.rowCount === 0) await admin.query(`CREATE ROLE ${escapeIdentifier(role.name)} ${ATTRIBUTES}${password}`);
  else await admin.query(`ALTER ROLE ${escapeIdentifier(role.name)} ${ATTRIBUTES}${password}`);
}

/**
 * Creates (or brings back to this shape) the two roles and the database, idempotently, as the
 * administrator of `adminUrl` (any database of the server): the owner owns the database, its
 * public schema and every object in it (a database created by an older version, whose tables the
 * superuser owns, is handed over); the app may only connect (its privileges on the tables are
 * granted by the owner after the migrations, grantAppPrivileges); PUBLIC may do nothing there.
 */
export async function provisionDatabase(adminUrl: string, roles: DatabaseRoles): Promise<void> {
  checkName('the database', roles.database);
  checkName('the owner role', roles.owner.name);
  checkName('the app role', roles.app.name);
  if (roles.owner.name === roles.app.name) throw new Error('the owner and the app must be two different roles');
  const db = escapeIdentifier(roles.database);
  const owner = escapeIdentifier(roles.owner.name);
  const app = escapeIdentifier(roles.app.name);
  const admin = new Client({ connectionString: withDatabase(adminUrl, 'postgres') });
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock($1)', [PROVISION_LOCK]);
    await ensureRole(admin, roles.owner);
    await ensureRole(admin, roles.app);
    // Neither role may act as the other (a member could SET ROLE to the owner).
    for (const [member, of] of [
      [roles.app.name, roles.owner.name],
      [roles.owner.name, roles.app.name],
    ]) {
      const m = await admin.query('SELECT 1 FROM pg_auth_members am JOIN pg_roles r ON r.oid = am.roleid JOIN pg_roles u ON u.oid = am.member WHERE r.rolname = $1 AND u.rolname = $2', [of, member]);
      if (m.rowCount) await admin.query(`REVOKE ${escapeIdentifier(of)} FROM ${escapeIdentifier(member)}`);
    }
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [roles.database]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE ${db} OWNER ${owner}`);
    else await admin.query(`ALTER DATABASE ${db} OWNER TO ${owner}`);
    await admin.query(`REVOKE ALL ON DATABASE ${db} FROM PUBLIC`);
    await admin.query(`GRANT CONNECT ON DATABASE ${db} TO ${app}`);
    await admin.query(`REVOKE CREATE, TEMPORARY ON DATABASE ${db} FROM ${app}`);

    const inside = new Client({ connectionString: withDatabase(adminUrl, roles.database) });
    await inside.connect();
    try {
      await inside.query(`ALTER SCHEMA public OWNER TO ${owner}`);
      await inside.query('REVOKE ALL ON SCHEMA public FROM PUBLIC');
      await inside.query(`GRANT USAGE ON SCHEMA public TO ${app}`);
      // Objects of the schema someone else owns (a database migrated by the superuser before these
      // roles existed) go to the owner; sequences owned by a table follow it.
      const objects = await inside.query<{ kind: string; name: string }>(
        `SELECT CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END AS kind, c.relname AS name
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S') AND pg_get_userbyid(c.relowner) <> $1
            AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i', 'e'))`,
        [roles.owner.name],
      );
      for (const o of objects.rows) await inside.query(`ALTER ${o.kind} public.${escapeIdentifier(o.name)} OWNER TO ${owner}`);
      const functions = await inside.query<{ signature: string }>(
        `SELECT p.oid::regprocedure::text AS signature FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
          WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> $1
            AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e')`,
        [roles.owner.name],
      );
      for (const f of functions.rows) await inside.query(`ALTER FUNCTION ${f.signature} OWNER TO ${owner}`);
    } finally {
      await inside.end();
    }
  } finally {
    await admin.query('SELECT pg_advisory_unlock($1)', [PROVISION_LOCK]).catch(() => undefined);
    await admin.end();
  }
}

/** Drops the database and both roles (tests; never used by the apps). */
export async function dropProvisioned(adminUrl: string, roles: DatabaseRoles): Promise<void> {
  const admin = new Client({ connectionString: withDatabase(adminUrl, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${escapeIdentifier(checkName('the database', roles.database))} WITH (FORCE)`);
    for (const r of [roles.app, roles.owner]) await admin.query(`DROP ROLE IF EXISTS ${escapeIdentifier(checkName('a role', r.name))}`);
  } finally {
    await admin.end();
  }
}

/** Something that runs SQL: a pg Client, a TypeORM DataSource or EntityManager. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<any>;
}

/** The rows of a query, whether `q` answers with them (TypeORM) or with a result holding them (pg). */
async function rowsOf<T>(q: Queryable, sql: string, params?: unknown[]): Promise<T[]> {
  const r = await q.query(sql, params);
  return Array.isArray(r) ? (r as T[]) : ((r as { rows: T[] }).rows ?? []);
}

/**
 * What the app role may do with each table of its database, in GRANT's words: `SELECT, INSERT`
 * (a log: insert-only), `SELECT, INSERT, UPDATE (signed)` (columns), ``'' `` (nothing). Every table
 * of the schema must be named (a new table without a decision stops the migration step), except
 * the migrations' own table, which the app may only read (to check its schema is current).
 */
export type AppPrivileges = Readonly<Record<string, string>>;

const PRIVILEGES = /^(SELECT|INSERT|DELETE|UPDATE( \([a-z_][a-z0-9_]*(, [a-z_][a-z0-9_]*)*\))?)(, (SELECT|INSERT|DELETE|UPDATE( \([a-z_][a-z0-9_]*(, [a-z_][a-z0-9_]*)*\))?))*$|^$/;

/**
 * Run by the owner right after the migrations, inside one transaction (`q` a transaction's
 * EntityManager or a client in BEGIN): takes every privilege on the
 * schema's tables and sequences from `appRole` and grants it exactly `privileges` (and the use of
 * the sequences of the tables it may insert into). Throws, granting nothing, when a table of the
 * schema has no entry or an entry names no table.
 */
export async function grantAppPrivileges(q: Queryable, appRole: string, privileges: AppPrivileges, ignore: readonly string[] = ['typeorm_migrations']): Promise<void> {
  const app = escapeIdentifier(checkName('the app role', appRole));
  const rows = await rowsOf<{ name: string }>(q, `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm')`);
  const tables = new Set(rows.map((r) => r.name));
  const undecided = [...tables].filter((t) => !(t in privileges) && !ignore.includes(t)).sort();
  if (undecided.length) throw new Error(`no app privileges declared for the table(s) ${undecided.join(', ')}: add them to the app's AppPrivileges`);
  const unknown = Object.keys(privileges).filter((t) => !tables.has(t));
  if (unknown.length) throw new Error(`app privileges declared for table(s) that do not exist: ${unknown.join(', ')}`);
  for (const [t, p] of Object.entries(privileges)) if (!PRIVILEGES.test(p)) throw new Error(`bad privileges for ${t}: ${JSON.stringify(p)}`);

  await q.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${app}`);
  await q.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${app}`);
  await q.query(`GRANT USAGE ON SCHEMA public TO ${app}`);
  for (const [t, p] of Object.entries(privileges)) if (p) await q.query(`GRANT ${p} ON TABLE public.${escapeIdentifier(t)} TO ${app}`);
  // The app reads which migrations ran (it refuses to start behind its code: openAppDatabase), nothing more.
  if (tables.has('typeorm_migrations')) await q.query(`GRANT SELECT ON TABLE public.typeorm_migrations TO ${app}`);
  const inserts = Object.entries(privileges)
    .filter(([, p]) => /\bINSERT\b/.test(p))
    .map(([t]) => t);
  const sequences = await rowsOf<{ name: string }>(
    q,
    `SELECT s.relname AS name FROM pg_class s JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
       JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE s.relkind = 'S' AND n.nspname = 'public' AND t.relname = ANY($1::text[])`,
    [inserts],
  );
  for (const s of sequences) await q.query(`GRANT USAGE ON SEQUENCE public.${escapeIdentifier(s.name)} TO ${app}`);
}

/**
 * Refuses to run as anything but a restricted role: the app's connection must not be a superuser
 * (or able to bypass row security, create roles or databases), must not own the database or any
 * object in it, and must not be able to act as the owner. Returns the role's name.
 */
export async function assertRestrictedRole(q: Queryable): Promise<string> {
  const [r] = await rowsOf<{
    who: string;
    superuser: boolean;
    bypassrls: boolean;
    createrole: boolean;
    createdb: boolean;
    owner: string;
    as_owner: boolean;
    owns: number;
  }>(
    q,
    `SELECT current_user AS who, r.rolsuper AS superuser, r.rolbypassrls AS bypassrls, r.rolcreaterole AS createrole, r.rolcreatedb AS createdb,
            pg_get_userbyid(d.datdba) AS owner, pg_has_role(current_user, d.datdba, 'USAGE') OR pg_has_role(current_user, d.datdba, 'MEMBER') AS as_owner,
            (SELECT count(*)::int FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relowner = r.oid) AS owns
       FROM pg_roles r, pg_database d WHERE r.rolname = current_user AND d.datname = current_database()`,
  );
  const problems = [
    r.superuser && 'is a superuser',
    r.bypassrls && 'may bypass row security',
    r.createrole && 'may create roles',
    r.createdb && 'may create databases',
    r.as_owner && `owns the database or may act as its owner ${r.owner}`,
    r.owns > 0 && `owns ${r.owns} table(s) or sequence(s)`,
  ].filter(Boolean);
  if (problems.length) {
    throw new Error(`DATABASE_URL connects as ${r.who}, which ${problems.join(', ')}: the app must connect as its own restricted role (shekara db provision; docs/database-roles.md)`);
  }
  return r.who;
}
