import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Unified Data Bank (docs/databank.md): every version of every record as signed by its
 * contributing unit (bank_versions, append-only), the latest version of each record as search reads
 * it (bank_records: a normalized document key for the document check, a tsvector for full text),
 * a Kazakh text search configuration (PostgreSQL has none), and the BANK outbox kind (a signed
 * version queued for each other agency's node, done once the bus accepted it).
 */
export class DataBank1766200000000 implements MigrationInterface {
  name = 'DataBank1766200000000';

  async up(q: QueryRunner): Promise<void> {
    // Kazakh: the `simple` dictionary (lower case, no stemming, no stop words), so ә ғ қ ң ө ұ ү һ і
    // survive as they are; word forms are matched by prefix at query time (databank/search.ts).
    await q.query(`CREATE TEXT SEARCH CONFIGURATION kazakh (COPY = simple)`);
    await q.query(`
      CREATE TABLE bank_versions (
        record_id         uuid NOT NULL,
        version           integer NOT NULL CHECK (version >= 1),
        owner_agency      text NOT NULL,
        contributor_unit  text NOT NULL,
        action            text NOT NULL CHECK (action IN ('CREATE', 'REVISE', 'WITHDRAW')),
        created_at        timestamptz NOT NULL,
        stored_at         timestamptz NOT NULL,
        signed            bytea NOT NULL,
        content           jsonb NOT NULL,
        source_message_id uuid,
        PRIMARY KEY (record_id, version)
      )`);
    await q.query(`CREATE INDEX bank_versions_source ON bank_versions (source_message_id) WHERE source_message_id IS NOT NULL`);
    await q.query(`
      CREATE TABLE bank_records (
        record_id        uuid PRIMARY KEY,
        owner_agency     text NOT NULL,
        version          integer NOT NULL,
        kind             text NOT NULL CHECK (kind IN ('MATERIAL', 'SPECIMEN', 'TRAVEL_DOCUMENT')),
        status           text NOT NULL CHECK (status IN ('ACTIVE', 'WITHDRAWN')),
        classification   text NOT NULL CHECK (classification IN ('UNCLASSIFIED', 'FOR_OFFICIAL_USE', 'CONFIDENTIAL')),
        contributor_unit text NOT NULL,
        created_at       timestamptz NOT NULL,
        updated_at       timestamptz NOT NULL,
        review_on        date NOT NULL,
        title            text NOT NULL,
        topics           text[] NOT NULL DEFAULT '{}',
        language         text CHECK (language IN ('ru', 'kk', 'en')),
        doc_state        text,
        doc_key          text,
        text             text NOT NULL DEFAULT '',
        search           tsvector,
        content          jsonb NOT NULL
      )`);
    await q.query(`CREATE INDEX bank_records_doc ON bank_records (doc_key) WHERE doc_key IS NOT NULL`);
    await q.query(`CREATE INDEX bank_records_search ON bank_records USING gin (search)`);
    await q.query(`CREATE INDEX bank_records_review ON bank_records (review_on)`);
    await q.query(`ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check`);
    await q.query(`ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check CHECK (kind IN ('ENVELOPE', 'RECEIPT', 'AUDIT', 'BANK'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM outbox WHERE kind = 'BANK'`);
    await q.query(`ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check`);
    await q.query(`ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check CHECK (kind IN ('ENVELOPE', 'RECEIPT', 'AUDIT'))`);
    await q.query(`DROP TABLE bank_records`);
    await q.query(`DROP TABLE bank_versions`);
    await q.query(`DROP TEXT SEARCH CONFIGURATION kazakh`);
  }
}
