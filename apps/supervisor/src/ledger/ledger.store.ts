import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { Clock } from '@shekara/common';
import { GroupCommitter } from '@shekara/persistence';
import type { AuditMessage } from '@shekara/policy';
import type { MessageSelection } from '../verdicts/ranges';
import type { LedgerAction, LedgerBankVersion, LedgerEvent, LedgerLogAlert, LedgerMessage, LedgerStatistics } from './audit-event';

/** A ledger message as the engine sees it, plus what listings show. */
export interface StoredMessage extends AuditMessage {
  summary: string;
  node: string;
}

export type TimelineEvent = Omit<LedgerEvent, 'messageId'>;

/** A data bank version as the contributions listing reads it. */
export interface BankVersionRow {
  record_id: string;
  agency: string;
  contributor: string;
  at: Date;
  kind: string;
  action: string;
  source: string | null;
  summary: string;
}

export interface RejectedEvent {
  stream: string;
  seq: number;
  subject: string;
  eventId?: string;
  reason: string;
  raw: Uint8Array;
}

export interface UnconfirmedUrgent {
  /** Absent: URGENT_CONFIRMATION; HANDOVER_ACCEPTANCE: an act unanswered (id, the act; sender, its receiving unit). */
  obligation?: 'HANDOVER_ACCEPTANCE';
  id: string;
  sender: string;
  recipients: string[];
  reportedAt: Date;
  due: Date;
  summary: string;
}

type MessageRow = {
  id: string;
  kind: AuditMessage['kind'];
  sender: string;
  recipients: string[];
  sent_at: Date;
  reported_at: Date | null;
  period: string | null;
  event_at: Date | null;
  confirms: string | null;
  items: string[] | null;
  summary: string;
  node: string;
};

const MESSAGE_COLUMNS = 'id, kind, sender, recipients, sent_at, reported_at, period, event_at, confirms, items, summary, node';

/** The messages a range's verdicts rest on (see ranges.ts), ordered by sent_at, id: $1..$6 from selectionParams. */
const SELECTION_SQL = `WITH base AS (
     SELECT ${MESSAGE_COLUMNS} FROM ledger_messages
     WHERE (kind = 'DAILY' AND ((period >= $1 AND period <= $2) OR (period IS NULL AND sent_at >= $3 AND sent_at < $4)))
        OR (kind = 'MONTHLY' AND period = ANY($5))
        OR (kind = 'SEMIANNUAL' AND period = ANY($6))
        OR (kind = 'URGENT' AND reported_at >= $3 AND reported_at < $4)
        OR (kind = 'ADVANCE' AND sent_at >= $3 AND sent_at < $4)
        OR (kind = 'HANDOVER_PROPOSAL' AND event_at >= $3 AND event_at < $4))
   SELECT * FROM base
   UNION ALL
   SELECT ${MESSAGE_COLUMNS} FROM ledger_messages
   WHERE kind = 'URGENT_CONFIRMATION' AND confirms IN (SELECT id FROM base WHERE kind = 'URGENT')
   UNION ALL
   SELECT ${MESSAGE_COLUMNS} FROM ledger_messages
   WHERE kind IN ('HANDOVER_ACCEPTANCE', 'HANDOVER_DISPUTE', 'HANDOVER_WITHDRAWAL') AND confirms IN (SELECT id FROM base WHERE kind = 'HANDOVER_PROPOSAL')
   ORDER BY sent_at, id`;

function selectionParams(s: MessageSelection): unknown[] {
  return [s.dailyFrom, s.dailyTo, s.lo, s.hi, s.months, s.halves];
}

function toMessage(r: MessageRow): StoredMessage {
  const m: StoredMessage = { id: r.id, kind: r.kind, from: r.sender, to: r.recipients, sentAt: r.sent_at, summary: r.summary, node: r.node };
  if (r.reported_at) m.reportedAt = r.reported_at;
  if (r.confirms !== null) m.confirms = r.confirms;
  if (r.period !== null) m.period = r.period;
  if (r.event_at) m.eventAt = r.event_at;
  if (r.items !== null) m.items = r.items;
  return m;
}

export interface StatisticsRow {
  id: string;
  sender: string;
  period: string;
  sent_at: Date;
  statistics: LedgerStatistics | null;
}
export interface ActRow {
  id: string;
  sender: string;
  recipients: string[];
  event_at: Date;
}
export interface ActStepRow {
  id: string;
  kind: 'HANDOVER_ACCEPTANCE' | 'HANDOVER_DISPUTE' | 'HANDOVER_WITHDRAWAL';
  sender: string;
  sent_at: Date;
  confirms: string;
  persons_accepted: number | null;
}

/** An event waiting for its group commit; `outcome` is set by the commit. */
interface PendingEvent {
  event: LedgerEvent;
  message?: LedgerMessage;
  bank?: LedgerBankVersion;
  alert?: LedgerLogAlert;
  outcome?: 'recorded' | 'duplicate';
}

/** The ledger's database: recording audit events idempotently, and reading what the queries need. */
@Injectable()
export class LedgerStore {
  /**
   * Events arriving at about the same time are recorded in one transaction (group commit): one
   * insert of events, one of messages and one bump of the ledger version per batch, instead of a
   * transaction per event all queueing on the version row.
   */
  private readonly committer = new GroupCommitter<PendingEvent>((items) => this.recordBatch(items), { maxBatch: 256, parallel: 2 });

  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * Records one event and, for SENT, its message, each at most once (by event id and message id):
   * events may arrive in any order and more than once. Resolves after the commit with whether the
   * event was new.
   */
  async record(event: LedgerEvent, message?: LedgerMessage, bank?: LedgerBankVersion, alert?: LedgerLogAlert): Promise<'recorded' | 'duplicate'> {
    const pending: PendingEvent = { event, message, bank, alert };
    await this.committer.submit(pending);
    return pending.outcome!;
  }

  private async recordBatch(items: PendingEvent[]): Promise<void> {
    const now = this.clock.now();
    await this.ds.transaction(async (m) => {
      const inserted: Array<{ event_id: string }> = await m.query(
        `INSERT INTO ledger_events (event_id, message_id, action, node, at, actor, units, reason, recorded_at)
         SELECT x.event_id, x.message_id, x.action, x.node, x.at, x.actor, x.units, x.reason, $2
           FROM jsonb_to_recordset($1::jsonb) AS x(event_id text, message_id text, action text, node text, at timestamptz, actor text, units text[], reason text)
         ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
        [
          JSON.stringify(
            items.map(({ event: e }) => ({ event_id: e.eventId, message_id: e.messageId ?? null, action: e.action, node: e.node, at: e.at.toISOString(), actor: e.actor, units: e.units, reason: e.reason ?? null })),
          ),
          now,
        ],
      );
      // The same event twice in one batch: the first copy is the recorded one.
      const fresh = new Set(inserted.map((r) => r.event_id));
      for (const item of items) item.outcome = fresh.delete(item.event.eventId) ? 'recorded' : 'duplicate';
      await this.recordMessages(m, items.flatMap((i) => (i.message ? [i.message] : [])), now);
      await this.recordBankVersions(m, items.flatMap((i) => (i.bank ? [i.bank] : [])), now);
      await this.recordAlerts(m, items.flatMap((i) => (i.alert ? [i.alert] : [])), now);
    });
  }

  /** Fork alerts of the agencies' transparency logs (from SENT and RECEIVED events of TLOG_FORK_ALERT messages). */
  private async recordAlerts(m: EntityManager, alerts: LedgerLogAlert[], now: Date): Promise<void> {
    if (!alerts.length) return;
    await m.query(
      `INSERT INTO ledger_log_alerts (event_id, message_id, action, node, sender, recipients, reason, summary, at, recorded_at)
       SELECT x.event_id, x.message_id, x.action, x.node, x.sender, x.recipients, x.reason, x.summary, x.at, $2
         FROM jsonb_to_recordset($1::jsonb) AS x(event_id text, message_id text, action text, node text, sender text, recipients text[], reason text, summary text, at timestamptz)
       ON CONFLICT (event_id) DO NOTHING`,
      [
        JSON.stringify(
          alerts.map((a) => ({ event_id: a.eventId, message_id: a.messageId, action: a.action, node: a.node, sender: a.sender, recipients: a.recipients, reason: a.reason, summary: a.summary, at: a.at.toISOString() })),
        ),
        now,
      ],
    );
  }

  /** Data bank versions (once each, by event id). */
  private async recordBankVersions(m: EntityManager, versions: LedgerBankVersion[], now: Date): Promise<void> {
    if (!versions.length) return;
    await m.query(
      `INSERT INTO ledger_bank_versions (event_id, record_id, agency, contributor, at, period, kind, action, source, summary, recorded_at)
       SELECT x.event_id, x.record_id, x.agency, x.contributor, x.at, x.period, x.kind, x.action, x.source, x.summary, $2
         FROM jsonb_to_recordset($1::jsonb) AS x(event_id text, record_id text, agency text, contributor text, at timestamptz, period text, kind text, action text, source text, summary text)
       ON CONFLICT (event_id) DO NOTHING`,
      [
        JSON.stringify(
          versions.map((v) => ({ event_id: v.eventId, record_id: v.recordId, agency: v.agency, contributor: v.contributor, at: v.at.toISOString(), period: v.period, kind: v.kind, action: v.action, source: v.source ?? null, summary: v.summary })),
        ),
        now,
      ],
    );
  }

  /** The fork alerts of the agencies' logs, newest first: per alert message, who reported it (the witness SENT, the accused RECEIVED). */
  async logAlerts(limit = 200): Promise<Array<{ eventId: string; messageId: string; action: string; node: string; sender: string; recipients: string[]; reason: string; summary: string; at: Date; recordedAt: Date }>> {
    const rows: Array<Record<string, unknown>> = await this.ds.query(
      `SELECT event_id, message_id, action, node, sender, recipients, reason, summary, at, recorded_at FROM ledger_log_alerts ORDER BY recorded_at DESC, event_id DESC LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({
      eventId: r.event_id as string,
      messageId: r.message_id as string,
      action: r.action as string,
      node: r.node as string,
      sender: r.sender as string,
      recipients: r.recipients as string[],
      reason: r.reason as string,
      summary: r.summary as string,
      at: r.at as Date,
      recordedAt: r.recorded_at as Date,
    }));
  }

  /** How many records each of these reports added to the data bank (whenever they were made). */
  async bankRecordsCarried(reports: readonly string[]): Promise<Map<string, number>> {
    if (!reports.length) return new Map();
    const rows: Array<{ source: string; n: number }> = await this.ds.query(
      `SELECT source, count(*)::int AS n FROM ledger_bank_versions WHERE source = ANY($1::text[]) AND action = 'CREATE' GROUP BY source`,
      [reports],
    );
    return new Map(rows.map((r) => [r.source, r.n]));
  }

  /** The data bank versions of a half-year (YYYY-H1/H2) of these agencies (all: undefined), in the order they were made. */
  async bankVersions(period: string, agencies?: readonly string[]): Promise<BankVersionRow[]> {
    return this.ds.query(
      `SELECT record_id, agency, contributor, at, kind, action, source, summary FROM ledger_bank_versions
        WHERE period = $1 AND ($2::text[] IS NULL OR agency = ANY($2::text[])) ORDER BY at, event_id LIMIT 10000`,
      [period, agencies ?? null],
    );
  }

  private async recordMessages(m: EntityManager, messages: LedgerMessage[], now: Date): Promise<void> {
    if (!messages.length) return;
    // The version keys the verdict cache: bumped (once a batch) only when a message is really added.
    await m.query(
      `WITH ins AS (
         INSERT INTO ledger_messages (id, kind, sender, recipients, sent_at, reported_at, period, event_at, confirms, items, statistics, persons_accepted, summary, node, event_id, recorded_at)
         SELECT x.id, x.kind, x.sender, x.recipients, x.sent_at, x.reported_at, x.period, x.event_at, x.confirms, x.items, x.statistics, x.persons_accepted, x.summary, x.node, x.event_id, $2
           FROM jsonb_to_recordset($1::jsonb) AS x(id text, kind text, sender text, recipients text[], sent_at timestamptz, reported_at timestamptz,
                period text, event_at timestamptz, confirms text, items text[], statistics jsonb, persons_accepted integer, summary text, node text, event_id text)
         ON CONFLICT (id) DO NOTHING RETURNING 1)
       UPDATE ledger_state SET version = version + 1 WHERE id = 1 AND EXISTS (SELECT 1 FROM ins)`,
      [
        JSON.stringify(
          messages.map((msg) => ({
            id: msg.id,
            kind: msg.kind,
            sender: msg.sender,
            recipients: msg.recipients,
            sent_at: msg.sentAt.toISOString(),
            reported_at: msg.reportedAt?.toISOString() ?? null,
            period: msg.period ?? null,
            event_at: msg.eventAt?.toISOString() ?? null,
            confirms: msg.confirms ?? null,
            items: msg.items ?? null,
            statistics: msg.statistics ?? null,
            persons_accepted: msg.personsAccepted ?? null,
            summary: msg.summary,
            node: msg.node,
            event_id: msg.eventId,
          })),
        ),
        now,
      ],
    );
  }

  /** Keeps an audit event the ledger cannot accept, with the reason (once per stream sequence). */
  async reject(r: RejectedEvent): Promise<void> {
    await this.ds.query(
      `INSERT INTO ledger_rejects (stream, stream_seq, subject, event_id, reason, raw, rejected_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (stream, stream_seq) DO NOTHING`,
      [r.stream, r.seq, r.subject, r.eventId ?? null, r.reason, Buffer.from(r.raw), this.clock.now()],
    );
  }

  async rejects(limit = 100): Promise<Array<{ stream: string; seq: number; subject: string; eventId?: string; reason: string; rejectedAt: Date }>> {
    const rows: Array<{ stream: string; stream_seq: string; subject: string; event_id: string | null; reason: string; rejected_at: Date }> = await this.ds.query(
      `SELECT stream, stream_seq, subject, event_id, reason, rejected_at FROM ledger_rejects ORDER BY id DESC LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({ stream: r.stream, seq: Number(r.stream_seq), subject: r.subject, ...(r.event_id ? { eventId: r.event_id } : {}), reason: r.reason, rejectedAt: r.rejected_at }));
  }

  /** Changes whenever a message is added to the ledger. */
  async version(): Promise<string> {
    const rows: Array<{ version: string }> = await this.ds.query(`SELECT version FROM ledger_state WHERE id = 1`);
    return String(rows[0]?.version ?? '0');
  }

  /** The messages a range's verdicts rest on (see ranges.ts), ordered by sent_at, id. */
  async messagesFor(s: MessageSelection): Promise<StoredMessage[]> {
    const rows: MessageRow[] = await this.ds.query(SELECTION_SQL, selectionParams(s));
    return rows.map(toMessage);
  }

  /**
   * The same messages as messagesFor, read through a server-side cursor `batch` rows at a time (the
   * heap holds one batch, whatever the range's size), in one read-only snapshot. Stopping early
   * (the consumer breaks, or `signal` aborts: a client gone) closes the cursor and its transaction
   * and cancels a fetch still running on the server (pg_cancel_backend), then frees the connection.
   */
  async *streamMessagesFor(s: MessageSelection, signal: AbortSignal, batch = 1000): AsyncGenerator<StoredMessage[]> {
    const runner = this.ds.createQueryRunner();
    await runner.connect();
    let pid: number | undefined;
    let fetching = false;
    const cancel = () => {
      // A fetch under way (the first one sorts the whole selection) is cancelled from another connection.
      if (fetching && pid !== undefined) void this.ds.query(`SELECT pg_cancel_backend($1)`, [pid]).catch(() => undefined);
    };
    signal.addEventListener('abort', cancel);
    let open = false;
    try {
      [{ pid }] = await runner.query(`SELECT pg_backend_pid() AS pid`);
      await runner.query(`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`);
      open = true;
      await runner.query(`DECLARE ledger_export NO SCROLL CURSOR FOR ${SELECTION_SQL}`, selectionParams(s));
      while (!signal.aborted) {
        fetching = true;
        const rows: MessageRow[] = await runner.query(`FETCH ${Math.max(1, Math.floor(batch))} FROM ledger_export`);
        fetching = false;
        if (!rows.length) break;
        yield rows.map(toMessage);
      }
    } catch (e) {
      if (!signal.aborted) throw e;
    } finally {
      signal.removeEventListener('abort', cancel);
      fetching = false;
      try {
        // Closing the transaction closes the cursor; a cancelled one is rolled back the same way.
        if (open) await runner.query(`ROLLBACK`);
      } finally {
        await runner.release();
      }
    }
  }

  async message(id: string): Promise<StoredMessage | undefined> {
    const rows: MessageRow[] = await this.ds.query(`SELECT ${MESSAGE_COLUMNS} FROM ledger_messages WHERE id = $1`, [id]);
    return rows[0] ? toMessage(rows[0]) : undefined;
  }

  async messagesById(ids: readonly string[]): Promise<Map<string, StoredMessage>> {
    if (!ids.length) return new Map();
    const rows: MessageRow[] = await this.ds.query(`SELECT ${MESSAGE_COLUMNS} FROM ledger_messages WHERE id = ANY($1)`, [ids]);
    return new Map(rows.map((r) => [r.id, toMessage(r)]));
  }

  /** Every event about a message, in the order they happened (ties by event id: UUIDv7 is time-ordered). */
  async events(messageId: string): Promise<TimelineEvent[]> {
    const rows: Array<{ event_id: string; action: LedgerAction; node: string; at: Date; actor: string; units: string[]; reason: string | null }> = await this.ds.query(
      `SELECT event_id, action, node, at, actor, units, reason FROM ledger_events WHERE message_id = $1 ORDER BY at, event_id`,
      [messageId],
    );
    return rows.map((r) => ({ eventId: r.event_id, action: r.action, node: r.node, at: r.at, actor: r.actor, units: r.units, ...(r.reason ? { reason: r.reason } : {}) }));
  }

  /** The written confirmations of an urgent report, earliest first. */
  async confirmationsOf(urgentId: string): Promise<StoredMessage[]> {
    const rows: MessageRow[] = await this.ds.query(
      `SELECT ${MESSAGE_COLUMNS} FROM ledger_messages WHERE kind = 'URGENT_CONFIRMATION' AND confirms = $1 ORDER BY sent_at, id`,
      [urgentId],
    );
    return rows.map(toMessage);
  }

  /** When each of these urgent reports was escalated (absent: not escalated). */
  async escalations(urgentIds: readonly string[]): Promise<Map<string, Date>> {
    if (!urgentIds.length) return new Map();
    const rows: Array<{ urgent_id: string; escalated_at: Date }> = await this.ds.query(`SELECT urgent_id, escalated_at FROM escalations WHERE urgent_id = ANY($1)`, [urgentIds]);
    return new Map(rows.map((r) => [r.urgent_id, r.escalated_at]));
  }

  /** Records an escalation once; true when it had been recorded before. */
  async markEscalated(urgentId: string, at: Date): Promise<boolean> {
    const rows: unknown[] = await this.ds.query(
      `INSERT INTO escalations (urgent_id, escalated_at, recorded_at) VALUES ($1, $2, $3) ON CONFLICT (urgent_id) DO NOTHING RETURNING urgent_id`,
      [urgentId, at, this.clock.now()],
    );
    return rows.length === 0;
  }

  /**
   * Urgent reports without a written confirmation (from their own sender, sent by asOf) whose
   * deadline (reported_at + withinMs) is before `until`, not escalated; earliest deadline first.
   */
  async unconfirmedUrgents(asOf: Date, until: Date, withinMs: number, limit: number): Promise<UnconfirmedUrgent[]> {
    const rows: Array<{ id: string; sender: string; recipients: string[]; reported_at: Date; summary: string }> = await this.ds.query(
      `SELECT u.id, u.sender, u.recipients, u.reported_at, u.summary FROM ledger_messages u
       WHERE u.kind = 'URGENT' AND u.reported_at IS NOT NULL AND u.sent_at <= $1
         AND u.reported_at < $2::timestamptz - make_interval(secs => $3::double precision / 1000)
         AND NOT EXISTS (SELECT 1 FROM ledger_messages c WHERE c.kind = 'URGENT_CONFIRMATION' AND c.confirms = u.id AND c.sender = u.sender AND c.sent_at <= $1)
         AND NOT EXISTS (SELECT 1 FROM escalations e WHERE e.urgent_id = u.id)
       ORDER BY u.reported_at, u.id
       LIMIT $4`,
      [asOf, until, withinMs, limit],
    );
    return rows.map((r) => ({ id: r.id, sender: r.sender, recipients: r.recipients, reportedAt: r.reported_at, due: new Date(r.reported_at.getTime() + withinMs), summary: r.summary }));
  }

  /**
   * Handover acts with no answer (acceptance or dispute by the receiving unit, sent by asOf) and no
   * withdrawal, whose deadline (event_at + the shortest acceptance time of their item kinds) is
   * before `until`, not escalated; earliest deadline first. `within`: item kind → milliseconds.
   */
  async unansweredActs(asOf: Date, until: Date, within: Record<string, number>, limit: number): Promise<UnconfirmedUrgent[]> {
    const kinds = Object.keys(within);
    const rows: Array<{ id: string; sender: string; recipients: string[]; event_at: Date; summary: string; due: Date }> = await this.ds.query(
      `SELECT * FROM (
         SELECT a.id, a.sender, a.recipients, a.event_at, a.summary,
                a.event_at + make_interval(secs => (SELECT min(w.ms) FROM unnest($3::text[], $4::float8[]) AS w(k, ms) WHERE w.k = ANY(a.items)) / 1000) AS due
           FROM ledger_messages a
          WHERE a.kind = 'HANDOVER_PROPOSAL' AND a.event_at IS NOT NULL AND a.sent_at <= $1
            AND NOT EXISTS (SELECT 1 FROM ledger_messages s WHERE s.confirms = a.id AND s.sent_at <= $1 AND (
                  (s.kind IN ('HANDOVER_ACCEPTANCE', 'HANDOVER_DISPUTE') AND s.sender = a.recipients[1])
               OR (s.kind = 'HANDOVER_WITHDRAWAL' AND s.sender = a.sender)))
            AND NOT EXISTS (SELECT 1 FROM escalations e WHERE e.urgent_id = a.id)) x
        WHERE x.due < $2
        ORDER BY x.due, x.id
        LIMIT $5`,
      [asOf, until, kinds, kinds.map((k) => within[k]), limit],
    );
    return rows.map((r) => ({ obligation: 'HANDOVER_ACCEPTANCE' as const, id: r.id, sender: r.recipients[0], recipients: [r.sender], reportedAt: r.event_at, due: r.due, summary: r.summary }));
  }

  /**
   * What the reconciliation of months `from`..`to` (YYYY-MM) rests on: the STATISTICS reports for
   * those months (every version, ordered by sent_at, id: the latest of a unit corrects the earlier),
   * and the handover acts handed over between lo and hi with their answers and withdrawals.
   */
  async reconciliationFacts(from: string, to: string, lo: Date, hi: Date): Promise<{ reports: StatisticsRow[]; acts: ActRow[]; steps: ActStepRow[] }> {
    const reports: StatisticsRow[] = await this.ds.query(
      `SELECT id, sender, period, sent_at, statistics FROM ledger_messages WHERE kind = 'STATISTICS' AND period >= $1 AND period <= $2 ORDER BY sent_at, id`,
      [from, to],
    );
    const acts: ActRow[] = await this.ds.query(
      `SELECT id, sender, recipients, event_at FROM ledger_messages WHERE kind = 'HANDOVER_PROPOSAL' AND event_at >= $1 AND event_at < $2 ORDER BY event_at, id`,
      [lo, hi],
    );
    const steps: ActStepRow[] = acts.length
      ? await this.ds.query(
          `SELECT id, kind, sender, sent_at, confirms, persons_accepted FROM ledger_messages
            WHERE kind IN ('HANDOVER_ACCEPTANCE', 'HANDOVER_DISPUTE', 'HANDOVER_WITHDRAWAL') AND confirms = ANY($1) ORDER BY sent_at, id`,
          [acts.map((a) => a.id)],
        )
      : [];
    return { reports, acts, steps };
  }

  /** Counts for operations: messages, events, rejects. */
  async counts(): Promise<{ messages: number; events: number; rejects: number }> {
    const rows: Array<{ messages: string; events: string; rejects: string }> = await this.ds.query(
      `SELECT (SELECT count(*) FROM ledger_messages) AS messages, (SELECT count(*) FROM ledger_events) AS events, (SELECT count(*) FROM ledger_rejects) AS rejects`,
    );
    return { messages: Number(rows[0].messages), events: Number(rows[0].events), rejects: Number(rows[0].rejects) };
  }
}
