import type { MigrationInterface, QueryRunner } from 'typeorm';

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
