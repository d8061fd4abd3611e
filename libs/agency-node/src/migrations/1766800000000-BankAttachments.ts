import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Attachments of the data bank (docs/databank.md, "Attachments"): content-addressed by SHA-256,
 * stored as bytea chunks of 512 KiB (the very chunks that travel on the bus), complete once every
 * chunk is there and the whole hashes to the name; the text extracted from a PDF feeds the search
 * vector of the records that attach it (bank_records.attachment_text, weight D).
 */
export class BankAttachments1766800000000 implements MigrationInterface {
  name = 'BankAttachments1766800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE bank_attachments (
        sha256        text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        size          integer NOT NULL CHECK (size BETWEEN 1 AND 26214400),
        media_type    text NOT NULL,
        complete      boolean NOT NULL DEFAULT false,
        source_agency text,
        text          text,
        created_at    timestamptz NOT NULL,
        completed_at  timestamptz,
        requested_at  timestamptz,
        requests      integer NOT NULL DEFAULT 0
      )`);
    await q.query(`CREATE INDEX bank_attachments_incomplete ON bank_attachments (requested_at) WHERE NOT complete`);
    await q.query(`
      CREATE TABLE bank_attachment_chunks (
        sha256 text NOT NULL REFERENCES bank_attachments (sha256) ON DELETE CASCADE,
        idx    integer NOT NULL CHECK (idx >= 0 AND idx < 50),
        data   bytea NOT NULL,
        PRIMARY KEY (sha256, idx)
      )`);
    // PDFs, JPEG, PNG and office documents are compressed already: no second try at it.
    await q.query(`ALTER TABLE bank_attachment_chunks ALTER COLUMN data SET STORAGE EXTERNAL`);
    await q.query(`ALTER TABLE bank_records ADD COLUMN attachment_text text NOT NULL DEFAULT ''`);
    await q.query(`CREATE INDEX bank_versions_attachments ON bank_versions (record_id) WHERE content ? 'attachments'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX bank_versions_attachments`);
    await q.query(`ALTER TABLE bank_records DROP COLUMN attachment_text`);
    await q.query(`DROP TABLE bank_attachment_chunks`);
    await q.query(`DROP TABLE bank_attachments`);
  }
}
