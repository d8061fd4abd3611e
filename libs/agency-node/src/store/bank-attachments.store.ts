import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { bankSearchVector } from './databank.store';
import { outboxAmong, outboxInsert } from './outbox.store';
import type { OutboxInserted } from './outbox.store';

/** An attachment as this node holds it (complete, or still arriving). */
export interface BankAttachmentRow {
  sha256: string;
  size: number;
  media_type: string;
  complete: boolean;
  source_agency: string | null;
}

/** An attachment this node lacks: whom to ask, and which chunks it has already. */
export interface WantedAttachment {
  sha256: string;
  size: number;
  media_type: string;
  source_agency: string;
  have: number[];
}

/**
 * The data bank's attachments at this node: content-addressed (SHA-256) rows and their bytea chunks
 * (the chunks that travel on the bus), and the PDF text that feeds the search vector of the records
 * that attach them.
 */
@Injectable()
export class BankAttachmentStore {
  constructor(private readonly ds: DataSource) {}

  /**
   * Stores an uploaded attachment, complete (its hash computed here from the bytes), with its
   * chunks, in one transaction. Content-addressed: the same bytes uploaded again change nothing; a
   * row still waiting for chunks from another node is completed by them.
   */
  async put(a: { sha256: string; size: number; mediaType: string; text: string | null }, chunks: Buffer[], at: Date): Promise<void> {
    await this.ds.transaction(async (m) => {
      const had: { complete: boolean }[] = await m.query(`SELECT complete FROM bank_attachments WHERE sha256 = $1 FOR UPDATE`, [a.sha256]);
      if (had[0]?.complete) return;
      // Chunks of a copy still arriving from another node are not verified yet: these bytes replace them.
      await m.query(`DELETE FROM bank_attachment_chunks WHERE sha256 = $1`, [a.sha256]);
      await m.query(
        `INSERT INTO bank_attachments (sha256, size, media_type, complete, text, created_at, completed_at) VALUES ($1, $2, $3, true, $4, $5, $5)
         ON CONFLICT (sha256) DO UPDATE SET complete = true, text = EXCLUDED.text, completed_at = EXCLUDED.completed_at, size = EXCLUDED.size, media_type = EXCLUDED.media_type`,
        [a.sha256, a.size, a.mediaType, a.text, at],
      );
      for (const [i, data] of chunks.entries()) await m.query(`INSERT INTO bank_attachment_chunks (sha256, idx, data) VALUES ($1, $2, $3)`, [a.sha256, i, data]);
    });
  }

  async get(sha256: string): Promise<BankAttachmentRow | undefined> {
    const rows: BankAttachmentRow[] = await this.ds.query(`SELECT sha256, size, media_type, complete, source_agency FROM bank_attachments WHERE sha256 = $1`, [sha256]);
    return rows[0];
  }

  /** One chunk's bytes, if this node holds it. */
  async chunk(sha256: string, idx: number): Promise<Buffer | undefined> {
    const rows: { data: Buffer }[] = await this.ds.query(`SELECT data FROM bank_attachment_chunks WHERE sha256 = $1 AND idx = $2`, [sha256, idx]);
    return rows[0]?.data;
  }

  /** Whether a version of the record names the attachment (any version: an old version's files stay readable). */
  async attachedTo(recordId: string, sha256: string): Promise<{ filename: string; media_type: string } | undefined> {
    const rows: { filename: string; media_type: string }[] = await this.ds.query(
      `SELECT e->>'filename' AS filename, e->>'mediaType' AS media_type
         FROM bank_versions v CROSS JOIN LATERAL jsonb_array_elements(v.content->'attachments') e
        WHERE v.record_id = $1 AND v.content ? 'attachments' AND e->>'sha256' = $2
        ORDER BY v.version DESC LIMIT 1`,
      [recordId, sha256],
    );
    return rows[0];
  }

  /** The highest classification of the records naming an attachment (its chunks travel marked so). */
  async classificationOf(sha256: string): Promise<number> {
    const rows: { c: number | null }[] = await this.ds.query(
      `SELECT max(CASE r.classification WHEN 'CONFIDENTIAL' THEN 3 WHEN 'FOR_OFFICIAL_USE' THEN 2 ELSE 1 END) AS c
         FROM bank_records r WHERE r.content ? 'attachments' AND r.content->'attachments' @> jsonb_build_array(jsonb_build_object('sha256', $1::text))`,
      [sha256],
    );
    return rows[0]?.c ?? 2;
  }

  /** Which of these attachments this node holds complete. */
  async completeAmong(hashes: string[]): Promise<Set<string>> {
    const rows: { sha256: string }[] = await this.ds.query(`SELECT sha256 FROM bank_attachments WHERE sha256 = ANY($1::text[]) AND complete`, [hashes]);
    return new Set(rows.map((r) => r.sha256));
  }

  /**
   * Attachments named by stored versions of other agencies' records that this node does not hold
   * complete: rows are made for the new ones (to be asked of the record's owner), then those due
   * again are returned with the chunks already here (at most `limit`). Due: never asked, or no
   * chunk came for `retryMs` doubled at each request unanswered (at most 64 times): a node that
   * asks while the owner is still sending does not pile up answers.
   */
  async wanted(agency: string, at: Date, retryMs: number, limit: number): Promise<WantedAttachment[]> {
    await this.ds.query(
      `INSERT INTO bank_attachments (sha256, size, media_type, complete, source_agency, created_at)
       SELECT DISTINCT ON (e->>'sha256') e->>'sha256', (e->>'size')::int, e->>'mediaType', false, v.owner_agency, $2
         FROM bank_versions v CROSS JOIN LATERAL jsonb_array_elements(v.content->'attachments') e
        WHERE v.content ? 'attachments' AND v.owner_agency <> $1
          AND NOT EXISTS (SELECT 1 FROM bank_attachments a WHERE a.sha256 = e->>'sha256')
       ON CONFLICT DO NOTHING`,
      [agency, at],
    );
    return this.ds.query(
      `SELECT a.sha256, a.size, a.media_type, a.source_agency,
              coalesce((SELECT array_agg(c.idx ORDER BY c.idx) FROM bank_attachment_chunks c WHERE c.sha256 = a.sha256), '{}') AS have
         FROM bank_attachments a
        WHERE NOT a.complete AND a.source_agency IS NOT NULL
          AND (a.requested_at IS NULL OR a.requested_at < $1::timestamptz - make_interval(secs => $2::float8 / 1000 * power(2, least(greatest(a.requests - 1, 0), 6))))
        ORDER BY a.created_at LIMIT $3`,
      [at, retryMs, limit],
    );
  }

  /** Writes the requests (outbox rows) and marks the attachments asked for, in one statement. */
  async asked(hashes: string[], at: Date, outboxJson: string): Promise<{ outbox: OutboxInserted[] }> {
    const result = await this.ds.query(
      `WITH upd AS (UPDATE bank_attachments SET requested_at = $2, requests = requests + 1 WHERE sha256 = ANY($1::text[]) RETURNING sha256),
       obx AS (${outboxInsert('$3')})
       SELECT NULL AS outbox_id, NULL AS nats_msg_id, NULL AS target_agency FROM upd WHERE false
       UNION ALL SELECT id::text, nats_msg_id, target_agency FROM obx`,
      [hashes, at, outboxJson],
    );
    return { outbox: outboxAmong(result) };
  }

  /** Writes outbox rows (the chunks answering a request) in one statement. */
  async queue(outboxJson: string): Promise<{ outbox: OutboxInserted[] }> {
    const result = await this.ds.query(`${outboxInsert('$1')}`, [outboxJson]);
    return { outbox: result.map((r: { id: string; nats_msg_id: string; target_agency: string }) => ({ id: String(r.id), nats_msg_id: r.nats_msg_id, target_agency: r.target_agency })) };
  }

  /**
   * Stores a chunk that arrived, if this node waits for that attachment (same size and type, not
   * complete), and notes the progress (the backoff of its requests starts again); returns whether it was wanted and how many chunks are now here.
   */
  async storeChunk(c: { sha256: string; size: number; mediaType: string; index: number; data: Buffer }, at: Date): Promise<{ wanted: boolean; have: number }> {
    // A chunk stored counts as progress: the file is asked for again only once none came for a while.
    const rows: { wanted: string; inserted: string; had: string }[] = await this.ds.query(
      `WITH a AS (SELECT sha256 FROM bank_attachments WHERE sha256 = $1 AND size = $2 AND media_type = $3 AND NOT complete),
       ins AS (INSERT INTO bank_attachment_chunks (sha256, idx, data) SELECT sha256, $4, $5 FROM a ON CONFLICT DO NOTHING RETURNING 1),
       upd AS (UPDATE bank_attachments SET requested_at = $6, requests = 0 WHERE sha256 = $1 AND EXISTS (SELECT 1 FROM ins) AND NOT complete)
       SELECT (SELECT count(*) FROM a) AS wanted, (SELECT count(*) FROM ins) AS inserted,
              (SELECT count(*) FROM bank_attachment_chunks WHERE sha256 = $1) AS had`,
      [c.sha256, c.size, c.mediaType, c.index, c.data, at],
    );
    const r = rows[0];
    return { wanted: Number(r.wanted) > 0, have: Number(r.had) + Number(r.inserted) };
  }

  /**
   * Completes an attachment whose chunks are all here if their concatenation hashes (SHA-256) to
   * its name and has its size; else deletes its chunks and leaves it to be asked for again.
   * Returns whether it is complete now.
   */
  async verify(sha256: string, count: number, at: Date): Promise<boolean> {
    // (An UPDATE's rows come back from TypeORM as [rows, count]: selected from the CTE they come back as rows.)
    const done: unknown[] = await this.ds.query(
      `WITH done AS (UPDATE bank_attachments a SET complete = true, completed_at = $2
                      WHERE a.sha256 = $1 AND NOT a.complete
                        AND (SELECT count(*) FROM bank_attachment_chunks c WHERE c.sha256 = $1) = $3
                        AND (SELECT encode(sha256(string_agg(c.data, ''::bytea ORDER BY c.idx)), 'hex') FROM bank_attachment_chunks c WHERE c.sha256 = $1) = a.sha256
                      RETURNING a.sha256)
       SELECT sha256 FROM done`,
      [sha256, at, count],
    );
    if (done.length) return true;
    await this.ds.query(
      `WITH gone AS (DELETE FROM bank_attachment_chunks WHERE sha256 = $1 AND EXISTS (SELECT 1 FROM bank_attachments WHERE sha256 = $1 AND NOT complete) RETURNING 1)
       UPDATE bank_attachments SET requested_at = NULL WHERE sha256 = $1 AND NOT complete AND EXISTS (SELECT 1 FROM gone)`,
      [sha256],
    );
    return false;
  }

  /** Keeps the text extracted from an attachment (a PDF's). */
  async setText(sha256: string, text: string): Promise<void> {
    await this.ds.query(`UPDATE bank_attachments SET text = $2 WHERE sha256 = $1`, [sha256, text]);
  }

  /**
   * Recomputes the search vector of records attaching files with extracted text: those given by
   * id, or those attaching `sha256`. The text of their complete attachments is weight D.
   */
  async index(by: { recordIds?: string[]; sha256?: string }): Promise<void> {
    await this.ds.query(
      `WITH t AS (SELECT r2.record_id, string_agg(coalesce(a.text, ''), E'\\n') AS text
                    FROM bank_records r2 CROSS JOIN LATERAL jsonb_array_elements(r2.content->'attachments') e
                    LEFT JOIN bank_attachments a ON a.sha256 = e->>'sha256' AND a.complete
                   WHERE r2.content ? 'attachments'
                     AND (r2.record_id = ANY($1::uuid[]) OR ($2::text IS NOT NULL AND r2.content->'attachments' @> jsonb_build_array(jsonb_build_object('sha256', $2::text))))
                   GROUP BY r2.record_id)
       UPDATE bank_records r SET attachment_text = left(t.text, 200000), search = ${bankSearchVector('r.', 'left(t.text, 200000)')}
         FROM t WHERE r.record_id = t.record_id`,
      [by.recordIds ?? [], by.sha256 ?? null],
    );
  }
}
