import type { MigrationInterface, QueryRunner } from 'typeorm';
import { LOG_LOCK } from './log-store';

/**
 * The transparency log's tables, all insert-only (updates, deletes and truncation are refused by
 * triggers): the leaves (each with its entry, the exact signed bytes, so receipts stay provable), the complete-subtree nodes above them, the signed checkpoints and the
 * cosignatures the log received; and, for the logs this node witnesses, the checkpoints it
 * cosigned and the evidence of misbehaviour it kept. The tree's size is the number of leaves, so
 * it advances only in the transaction that commits them.
 */
export const TLOG_SCHEMA_SQL: readonly string[] = [
  `CREATE TABLE tlog_leaf (
     idx         bigint PRIMARY KEY CHECK (idx >= 0),
     leaf_hash   bytea NOT NULL CHECK (octet_length(leaf_hash) = 32),
     message_id  text NOT NULL,
     kind        text NOT NULL CHECK (kind IN ('envelope', 'receipt')),
     direction   text NOT NULL CHECK (direction IN ('sent', 'received')),
     entry       bytea NOT NULL,
     appended_at timestamptz NOT NULL
   )`,
  `CREATE INDEX tlog_leaf_message ON tlog_leaf (message_id)`,
  `CREATE TABLE tlog_node (
     level smallint NOT NULL CHECK (level >= 1),
     idx   bigint NOT NULL CHECK (idx >= 0),
     hash  bytea NOT NULL CHECK (octet_length(hash) = 32),
     PRIMARY KEY (level, idx)
   )`,
  `CREATE TABLE tlog_checkpoint (
     size      bigint PRIMARY KEY CHECK (size >= 0),
     root      bytea NOT NULL CHECK (octet_length(root) = 32),
     note      text NOT NULL,
     signed_at timestamptz NOT NULL
   )`,
  `CREATE TABLE tlog_cosignature (
     checkpoint_size bigint NOT NULL REFERENCES tlog_checkpoint (size),
     witness         text NOT NULL,
     key_id          bigint NOT NULL,
     line            text NOT NULL,
     cosigned_at     timestamptz NOT NULL,
     received_at     timestamptz NOT NULL,
     PRIMARY KEY (checkpoint_size, witness, key_id)
   )`,
  `CREATE TABLE tlog_witness_checkpoint (
     origin      text NOT NULL,
     size        bigint NOT NULL CHECK (size >= 0),
     root        bytea NOT NULL CHECK (octet_length(root) = 32),
     checkpoint  text NOT NULL,
     cosignature text NOT NULL,
     cosigned_at timestamptz NOT NULL,
     PRIMARY KEY (origin, size)
   )`,
  `CREATE TABLE tlog_witness_evidence (
     id          bigserial PRIMARY KEY,
     origin      text NOT NULL,
     reason      text NOT NULL CHECK (reason IN ('same-size', 'unproven')),
     known       text NOT NULL,
     presented   text NOT NULL,
     old_size    bigint NOT NULL,
     proof       text[] NOT NULL,
     detected_at timestamptz NOT NULL
   )`,
  `CREATE FUNCTION tlog_insert_only() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     RAISE EXCEPTION '% is insert-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
   END $$`,
  ...['tlog_leaf', 'tlog_node', 'tlog_checkpoint', 'tlog_cosignature', 'tlog_witness_checkpoint', 'tlog_witness_evidence'].map(
    (t) => `CREATE TRIGGER ${t}_insert_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ${t} FOR EACH STATEMENT EXECUTE FUNCTION tlog_insert_only()`,
  ),
];

/**
 * What a node's app role may do with the log's tables (GRANT's words; the owner grants it after the
 * migrations, docs/database-roles.md): read and append, nothing else.
 */
export const TLOG_APP_PRIVILEGES: Readonly<Record<string, string>> = {
  tlog_leaf: 'SELECT, INSERT',
  tlog_node: 'SELECT, INSERT',
  tlog_checkpoint: 'SELECT, INSERT',
  tlog_cosignature: 'SELECT, INSERT',
  tlog_witness_checkpoint: 'SELECT, INSERT',
  tlog_witness_evidence: 'SELECT, INSERT',
};

export const TLOG_DROP_SQL: readonly string[] = [
  'DROP TABLE IF EXISTS tlog_witness_evidence, tlog_witness_checkpoint, tlog_cosignature, tlog_checkpoint, tlog_node, tlog_leaf',
  'DROP FUNCTION IF EXISTS tlog_insert_only()',
];

/**
 * An append in one statement (one round trip instead of seven): under the log's lock, appends the
 * leaves at `p_size` and the nodes they complete, both computed by the caller from the compact range
 * it holds, if the log is still at that size and holds none of the leaves. Otherwise it appends
 * nothing (appended = false, with the size found) and the caller takes the long way: it reloads the
 * range and checks for known entries (PgLogStore.append). Each statement of a plpgsql function
 * reads a snapshot taken after the lock was granted, so the size it finds is the committed one.
 */
export const TLOG_APPEND_SQL: readonly string[] = [
  `CREATE FUNCTION tlog_append(
     p_size bigint, p_hashes bytea[], p_ids text[], p_kinds text[], p_directions text[], p_entries bytea[], p_at timestamptz,
     p_levels smallint[], p_node_indexes bigint[], p_node_hashes bytea[],
     OUT appended boolean, OUT found_size bigint) LANGUAGE plpgsql AS $$
   BEGIN
     PERFORM pg_advisory_xact_lock(${LOG_LOCK});
     SELECT coalesce(max(idx) + 1, 0) INTO found_size FROM tlog_leaf;
     IF found_size <> p_size OR EXISTS (
          SELECT 1 FROM tlog_leaf l JOIN unnest(p_ids, p_hashes) AS x(m, h) ON l.message_id = x.m AND l.leaf_hash = x.h) THEN
       appended := false;
       RETURN;
     END IF;
     INSERT INTO tlog_leaf (idx, leaf_hash, message_id, kind, direction, entry, appended_at)
       SELECT p_size + o - 1, h, m, k, d, e, p_at FROM unnest(p_hashes, p_ids, p_kinds, p_directions, p_entries) WITH ORDINALITY AS x(h, m, k, d, e, o);
     INSERT INTO tlog_node (level, idx, hash) SELECT * FROM unnest(p_levels, p_node_indexes, p_node_hashes);
     appended := true;
   END $$`,
];

/** The migration a node includes in its data source. */
export class TransparencyLog1765000000000 implements MigrationInterface {
  name = 'TransparencyLog1765000000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of TLOG_SCHEMA_SQL) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const sql of TLOG_DROP_SQL) await q.query(sql);
  }
}

/** tlog_append (TLOG_APPEND_SQL), for logs created by the migration above. */
export class TransparencyLogAppend1767400000000 implements MigrationInterface {
  name = 'TransparencyLogAppend1767400000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of TLOG_APPEND_SQL) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION IF EXISTS tlog_append');
  }
}

/** The whole schema at once (a log's own database in tests and the benchmark): the tables, then tlog_append. */
export const TLOG_ALL_SQL: readonly string[] = [...TLOG_SCHEMA_SQL, ...TLOG_APPEND_SQL];
