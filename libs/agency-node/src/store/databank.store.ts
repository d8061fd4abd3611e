import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { auditLogInsert } from './audit.store';
import { outboxAmong, outboxInsert } from './outbox.store';
import type { OutboxInserted } from './outbox.store';

/** A version to write (bank_versions; bank_records when it is the record's latest): see databank/bank-version.ts. */
export interface BankVersionInput {
  record_id: string;
  version: number;
  owner_agency: string;
  contributor_unit: string;
  action: string;
  created_at: string;
  /** SignedBankVersion, base64. */
  signed: string;
  content: unknown;
  source_message_id: string | null;
  kind: string;
  status: string;
  classification: string;
  review_on: string;
  title: string;
  topics: string[];
  language: string | null;
  doc_state: string | null;
  doc_key: string | null;
  text: string;
}

/** A record as search and the desk read it: its latest version. */
export interface BankRecordRow {
  record_id: string;
  owner_agency: string;
  version: number;
  kind: string;
  status: string;
  classification: string;
  contributor_unit: string;
  created_at: Date;
  updated_at: Date;
  review_on: string;
  title: string;
  topics: string[];
  language: string | null;
  content: Record<string, unknown>;
}

export interface BankVersionRow {
  record_id: string;
  version: number;
  owner_agency: string;
  contributor_unit: string;
  action: string;
  created_at: Date;
  stored_at: Date;
  content: Record<string, unknown>;
  source_message_id: string | null;
  signed: Buffer;
}

export interface BankSearchRow extends BankRecordRow {
  rank: number;
  snippet: string;
}

/** Filters of a list or a search (all optional); `classifications` is what the user may read. */
export interface BankFilter {
  classifications: string[];
  /** The day (YYYY-MM-DD, the user's local date) from which a record under review leaves search. */
  today: string;
  kind?: string;
  agency?: string;
  topic?: string;
  status?: string;
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

const RECORD_COLUMNS = `r.record_id, r.owner_agency, r.version, r.kind, r.status, r.classification, r.contributor_unit, r.created_at, r.updated_at,
  to_char(r.review_on, 'YYYY-MM-DD') AS review_on, r.title, r.topics, r.language, r.content`;

/** The text search configuration of each language of the bank (`kazakh`: the node's own, see the DataBank migration). */
export const BANK_TS_CONFIG: Record<string, string> = { ru: 'russian', kk: 'kazakh', en: 'english' };
const CONFIG_OF = (col: string) => `(CASE ${col} WHEN 'ru' THEN 'russian' WHEN 'kk' THEN 'kazakh' ELSE 'english' END)::regconfig`;

/**
 * A record's search vector from its columns (`p`: their prefix, e.g. "r."): title A, topics B,
 * text C, and, if `attachmentText` is given (an SQL expression), the text of its PDF attachments D.
 * NULL for a record without a language (travel documents).
 */
export function bankSearchVector(p: string, attachmentText?: string): string {
  const cfg = CONFIG_OF(`${p}language`);
  return `CASE WHEN ${p}language IS NULL THEN NULL ELSE
    setweight(to_tsvector(${cfg}, ${p}title), 'A')
    || setweight(to_tsvector(${cfg}, array_to_string(coalesce(${p}topics, '{}'), ' ')), 'B')
    || setweight(to_tsvector(${cfg}, coalesce(${p}text, '')), 'C')${attachmentText ? `
    || setweight(to_tsvector(${cfg}, coalesce(${attachmentText}, '')), 'D')` : ''} END`;
}

/**
 * The WHERE clause of the filters, parameters from `$first` on (in the order of `filterParams`). A
 * record is found only while ACTIVE (unless status asks otherwise), readable by the user's
 * clearance, and not yet at its review date.
 */
function filterSql(first: number): string {
  const p = (i: number) => `$${first + i}`;
  return `r.classification = ANY(${p(0)}::text[]) AND r.review_on > ${p(1)}::date
    AND (${p(2)}::text IS NULL OR r.kind = ${p(2)}) AND (${p(3)}::text IS NULL OR r.owner_agency = ${p(3)})
    AND (${p(4)}::text IS NULL OR ${p(4)} = ANY(r.topics)) AND r.status = coalesce(${p(5)}::text, 'ACTIVE')
    AND (${p(6)}::timestamptz IS NULL OR r.updated_at >= ${p(6)}) AND (${p(7)}::timestamptz IS NULL OR r.updated_at < ${p(7)})`;
}
const filterParams = (f: BankFilter) => [f.classifications, f.today, f.kind ?? null, f.agency ?? null, f.topic ?? null, f.status ?? null, f.from ?? null, f.to ?? null];

/**
 * The Unified Data Bank's replica at this node: versions (append-only, each as signed) and the
 * latest version of each record, with its document key and its text search vector.
 */
@Injectable()
export class DataBankStore {
  constructor(private readonly ds: DataSource) {}

  /**
   * Writes versions, their audit rows and outbox rows in one statement. A version already stored is
   * not stored again; a version of a record owned by another agency is never stored; the record row
   * follows the highest version stored (a late version older than the record's is kept, not applied).
   * `onlyIfStored`: the audit and outbox rows are written only if some version was stored (a local
   * change that lost a race to the same version number writes nothing). `m`: the caller's
   * transaction (a report's contributions are written with the report).
   */
  async writeVersions(
    rows: BankVersionInput[],
    at: Date,
    auditJson: string,
    outboxJson: string,
    onlyIfStored: boolean,
    m: EntityManager = this.ds.manager,
  ): Promise<{ stored: { record_id: string; version: number }[]; outbox: OutboxInserted[] }> {
    const gate = onlyIfStored ? `EXISTS (SELECT 1 FROM ver)` : 'true';
    const result: { record_id: string | null; version: number | null; outbox_id: string | null; nats_msg_id: string | null; target_agency: string | null }[] = await m.query(
      `WITH x AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(record_id uuid, version integer, owner_agency text, contributor_unit text, action text,
              created_at timestamptz, signed text, content jsonb, source_message_id uuid, kind text, status text, classification text, review_on date,
              title text, topics text[], language text, doc_state text, doc_key text, text text)),
       ok AS (SELECT x.* FROM x WHERE NOT EXISTS (SELECT 1 FROM bank_records r WHERE r.record_id = x.record_id AND r.owner_agency <> x.owner_agency)
                                  AND NOT EXISTS (SELECT 1 FROM bank_versions v WHERE v.record_id = x.record_id AND v.owner_agency <> x.owner_agency)),
       ver AS (INSERT INTO bank_versions (record_id, version, owner_agency, contributor_unit, action, created_at, stored_at, signed, content, source_message_id)
               SELECT record_id, version, owner_agency, contributor_unit, action, created_at, $2, decode(signed, 'base64'), content, source_message_id FROM ok
               ON CONFLICT DO NOTHING RETURNING record_id, version),
       latest AS (SELECT DISTINCT ON (ok.record_id) ok.* FROM ok JOIN ver USING (record_id, version) ORDER BY ok.record_id, ok.version DESC),
       rec AS (INSERT INTO bank_records AS r (record_id, owner_agency, version, kind, status, classification, contributor_unit, created_at, updated_at,
                 review_on, title, topics, language, doc_state, doc_key, text, search, content)
               SELECT record_id, owner_agency, version, kind, status, classification, contributor_unit, created_at, created_at, review_on, title,
                      coalesce(topics, '{}'), language, doc_state, doc_key, coalesce(text, ''),
                      ${bankSearchVector('')},
                      content
                 FROM latest
               ON CONFLICT (record_id) DO UPDATE SET version = EXCLUDED.version, kind = EXCLUDED.kind, status = EXCLUDED.status,
                 classification = EXCLUDED.classification, contributor_unit = EXCLUDED.contributor_unit, updated_at = EXCLUDED.updated_at,
                 review_on = EXCLUDED.review_on, title = EXCLUDED.title, topics = EXCLUDED.topics, language = EXCLUDED.language,
                 doc_state = EXCLUDED.doc_state, doc_key = EXCLUDED.doc_key, text = EXCLUDED.text, search = EXCLUDED.search, content = EXCLUDED.content,
                 attachment_text = ''
               WHERE r.version < EXCLUDED.version AND r.owner_agency = EXCLUDED.owner_agency
               RETURNING record_id),
       aud AS (${auditLogInsert('$3', gate)}),
       obx AS (${outboxInsert('$4', gate)})
       SELECT record_id::text, version, NULL AS outbox_id, NULL AS nats_msg_id, NULL AS target_agency FROM ver
       UNION ALL SELECT NULL, NULL, id::text, nats_msg_id, target_agency FROM obx`,
      [JSON.stringify(rows), at, auditJson, outboxJson],
    );
    return {
      stored: result.filter((r) => r.record_id !== null).map((r) => ({ record_id: r.record_id!, version: Number(r.version) })),
      outbox: outboxAmong(result),
    };
  }

  /**
   * Deletes the records whose review date is before `before` (a date, YYYY-MM-DD), with all their
   * versions, at most `limit` per statement; each deletion is one audit row (`auditRow`: the
   * audit log's JSON fields but message_id and details, which come from the record) in the same
   * statement. Returns the records deleted.
   */
  async expunge(before: string, limit: number, audit: { at: Date; actor: string; action: string }): Promise<{ record_id: string; owner_agency: string; review_on: string; versions: number }[]> {
    return this.ds.query(
      `WITH gone AS (DELETE FROM bank_records WHERE record_id IN (SELECT record_id FROM bank_records WHERE review_on < $1::date ORDER BY review_on LIMIT $2)
                      RETURNING record_id, owner_agency, review_on, version),
       vers AS (DELETE FROM bank_versions v USING gone WHERE v.record_id = gone.record_id RETURNING v.record_id),
       aud AS (INSERT INTO audit_log (at, actor, action, message_id, unit_id, details)
               SELECT $3, $4, $5, g.record_id::text, NULL,
                      jsonb_build_object('ownerAgency', g.owner_agency, 'reviewOn', to_char(g.review_on, 'YYYY-MM-DD'), 'versions', (SELECT count(*) FROM vers WHERE vers.record_id = g.record_id))
                 FROM gone g)
       SELECT g.record_id::text, g.owner_agency, to_char(g.review_on, 'YYYY-MM-DD') AS review_on, (SELECT count(*)::int FROM vers WHERE vers.record_id = g.record_id) AS versions FROM gone g`,
      [before, limit, audit.at, audit.actor, audit.action],
    );
  }

  /**
   * Resync, asking side: per owning agency, the creation instant of the newest version held here
   * (the requester asks each owner for what is newer).
   */
  async newestVersions(): Promise<Map<string, Date>> {
    const rows: { owner_agency: string; newest: Date }[] = await this.ds.query(`SELECT owner_agency, max(created_at) AS newest FROM bank_versions GROUP BY owner_agency`);
    return new Map(rows.map((r) => [r.owner_agency, r.newest]));
  }

  /** Resync, answering side: the versions of `owner`'s records created at or after `since` (all: null), oldest first, at most `limit`. */
  async versionsSince(owner: string, since: Date | null, limit: number): Promise<{ record_id: string; version: number; contributor_unit: string; signed: Buffer }[]> {
    return this.ds.query(
      `SELECT record_id::text, version, contributor_unit, signed FROM bank_versions
        WHERE owner_agency = $1 AND ($2::timestamptz IS NULL OR created_at >= $2) ORDER BY created_at, record_id, version LIMIT $3`,
      [owner, since, limit],
    );
  }

  /** Queues envelopes (outbox rows) with their audit rows, in one statement; returns the outbox rows inserted. */
  async queue(outboxJson: string, auditJson: string): Promise<{ outbox: OutboxInserted[] }> {
    const rows: { id: string; nats_msg_id: string; target_agency: string }[] = await this.ds.query(
      `WITH obx AS (${outboxInsert('$1')}), aud AS (${auditLogInsert('$2')}) SELECT id::text, nats_msg_id, target_agency FROM obx`,
      [outboxJson, auditJson],
    );
    return { outbox: rows };
  }

  /** Records created (version 1) between `from` and `to`, per owning agency, by kind, with the reports that carried them. */
  async contributions(from: Date, to: Date): Promise<{ owner_agency: string; records: number; materials: number; specimens: number; travel_documents: number; reports: string[] }[]> {
    return this.ds.query(
      `SELECT owner_agency, count(*)::int AS records,
              count(*) FILTER (WHERE content ? 'material')::int AS materials,
              count(*) FILTER (WHERE content ? 'specimen')::int AS specimens,
              count(*) FILTER (WHERE content ? 'travelDocument')::int AS travel_documents,
              coalesce(array_agg(DISTINCT source_message_id::text) FILTER (WHERE source_message_id IS NOT NULL), '{}') AS reports
         FROM bank_versions WHERE version = 1 AND created_at >= $1 AND created_at < $2 GROUP BY owner_agency`,
      [from, to],
    );
  }

  async record(recordId: string): Promise<BankRecordRow | undefined> {
    const rows: BankRecordRow[] = await this.ds.query(`SELECT ${RECORD_COLUMNS} FROM bank_records r WHERE r.record_id = $1`, [recordId]);
    return rows[0];
  }

  async versions(recordId: string): Promise<BankVersionRow[]> {
    return this.ds.query(
      `SELECT record_id, version, owner_agency, contributor_unit, action, created_at, stored_at, content, source_message_id, signed
         FROM bank_versions WHERE record_id = $1 ORDER BY version`,
      [recordId],
    );
  }

  /** Records by the filters, the latest change first. */
  async list(f: BankFilter): Promise<{ rows: BankRecordRow[]; total: number }> {
    const rows: (BankRecordRow & { total: string })[] = await this.ds.query(
      `SELECT ${RECORD_COLUMNS}, count(*) OVER () AS total FROM bank_records r WHERE ${filterSql(1)}
        ORDER BY r.updated_at DESC, r.record_id LIMIT $9 OFFSET $10`,
      [...filterParams(f), f.limit, f.offset],
    );
    return { rows: rows.map(({ total: _t, ...r }) => r), total: rows.length ? Number(rows[0].total) : 0 };
  }

  /** The travel documents with this document key (active or not, any classification: the caller redacts). */
  async documents(docKey: string, today: string): Promise<(BankRecordRow & { doc_state: string })[]> {
    return this.ds.query(
      `SELECT ${RECORD_COLUMNS}, r.doc_state FROM bank_records r
        WHERE r.doc_key = $1 AND r.status = 'ACTIVE' AND r.review_on > $2::date ORDER BY r.updated_at DESC LIMIT 20`,
      [docKey, today],
    );
  }

  /**
   * Full text search: `queries` is the tsquery text of the question in each language's
   * configuration (to_tsquery syntax, built by the caller from words only); a record matches the
   * query of its own language. Ranked (ts_rank_cd over title A, topics B, text C), with a snippet
   * whose hits are marked by \u0001 … \u0002.
   */
  /**
   * A question matching more records than this ranks the first this many found (and `total` says
   * this many): ranking every match of a very broad question cost 2 s at 100,000 materials.
   */
  static readonly MAX_RANKED = 2000;

  async search(queries: { ru: string; kk: string; en: string }, f: BankFilter): Promise<{ rows: BankSearchRow[]; total: number }> {
    const rows: (BankSearchRow & { total: string })[] = await this.ds.query(
      `WITH q AS (SELECT to_tsquery('russian', $11) AS ru, to_tsquery('kazakh', $12) AS kk, to_tsquery('english', $13) AS en),
       hit AS (
         SELECT r.*, CASE r.language WHEN 'ru' THEN q.ru WHEN 'kk' THEN q.kk ELSE q.en END AS tq
           FROM bank_records r, q
          WHERE (r.search @@ q.ru OR r.search @@ q.kk OR r.search @@ q.en) AND ${filterSql(1)}
          LIMIT ${DataBankStore.MAX_RANKED}),
       ranked AS (SELECT hit.*, ts_rank_cd(hit.search, hit.tq) AS rank, count(*) OVER () AS total FROM hit WHERE hit.search @@ hit.tq
                   ORDER BY rank DESC, hit.updated_at DESC LIMIT $9 OFFSET $10)
       SELECT ${RECORD_COLUMNS}, r.rank, r.total,
              ts_headline(${CONFIG_OF('r.language')}, r.title || E'\\n' || left(r.text || E'\\n' || r.attachment_text, 20000), r.tq,
                          'StartSel=' || chr(1) || ', StopSel=' || chr(2) || ', MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "') AS snippet
         FROM ranked r ORDER BY r.rank DESC, r.updated_at DESC`,
      [...filterParams(f), f.limit, f.offset, queries.ru, queries.kk, queries.en],
    );
    return { rows: rows.map(({ total: _t, ...r }) => ({ ...r, rank: Number(r.rank) })), total: rows.length ? Number(rows[0].total) : 0 };
  }
}
