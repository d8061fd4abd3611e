import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Search of messages at the duty desk: the whole payload's text in PostgreSQL full-text search (the
 * Russian and the English configuration, both in one tsvector), and the values a desk looks up
 * exactly (surnames, given names, document numbers, checkpoints, wherever the payload has them) as
 * jsonb arrays; all generated from the stored payload (never written by the code) and GIN-indexed.
 * The export of the transparency log leaves these columns out (they are derived, not stored facts).
 */
export class MessageSearch1766510000000 implements MigrationInterface {
  name = 'MessageSearch1766510000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE messages
        ADD COLUMN search tsvector GENERATED ALWAYS AS (
          jsonb_to_tsvector('russian'::regconfig, payload, '["string"]'::jsonb) || jsonb_to_tsvector('english'::regconfig, payload, '["string"]'::jsonb)) STORED,
        ADD COLUMN search_surnames jsonb GENERATED ALWAYS AS (jsonb_path_query_array(payload, 'strict $.**.surname')) STORED,
        ADD COLUMN search_given_names jsonb GENERATED ALWAYS AS (jsonb_path_query_array(payload, 'strict $.**.givenNames')) STORED,
        ADD COLUMN search_documents jsonb GENERATED ALWAYS AS (jsonb_path_query_array(payload, 'strict $.**.number')) STORED,
        ADD COLUMN search_checkpoints jsonb GENERATED ALWAYS AS (jsonb_path_query_array(payload, 'strict $.**.checkpointId')) STORED`);
    await q.query(`CREATE INDEX messages_search ON messages USING gin (search)`);
    for (const c of ['surnames', 'given_names', 'documents', 'checkpoints']) await q.query(`CREATE INDEX messages_search_${c} ON messages USING gin (search_${c} jsonb_path_ops)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE messages DROP COLUMN search, DROP COLUMN search_surnames, DROP COLUMN search_given_names, DROP COLUMN search_documents, DROP COLUMN search_checkpoints`);
  }
}
