import { createHash } from 'node:crypto';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { jetstream } from '@nats-io/jetstream';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { KeyLookupTx } from '@shekara/persistence';
import { BUNDLE_HEADER, encodeAuditEventBatch } from '@shekara/contracts';
import type { AgencyCode, BusNames } from '@shekara/contracts';
import type { UnitSigner } from '@shekara/security';
import { Clock } from '@shekara/common';
import type { Directory } from '@shekara/directory';
import { BUS_NAMES, DIRECTORY, NATS, NODE_CONFIG, NodeMetrics, SIGNER } from '../core';
import type { AgencyNodeConfig } from '../core';
import { LogStore, OutboxStore } from '../store';
import type { DueKey, OutboxRow } from '../store';
import { auditSigningUnit, signAuditBatch, signRows } from './outbox.signing';
import { SentMessages } from './sent-messages';
import { bundlePublications } from './bundles';
import type { Publication } from './bundles';

type Row = OutboxRow;

function bundleHeaders(count: string) {
  const h = natsHeaders();
  h.set(BUNDLE_HEADER, count);
  return h;
}

/** A row handed over after its commit, with when (ms). */
interface Queued {
  row: Row;
  at: number;
}

/** How publishing a row went. */
interface RowOutcome {
  row: Row;
  /** The signed bytes made now (base64), if the row was signed now. */
  signed: string | null;
  outcome: 'sent' | 'done' | 'failed';
  error: string | null;
  at: Date;
}

/**
 * The Nats-Msg-Id of a publication. Until JetStream has acknowledged one, every try uses the same
 * id, so a publication that did land but whose ack was lost is dropped by the server as a
 * duplicate. After an ack, a re-send (no receipt came) is deliberate and must not be dropped by the
 * server's duplicate window (the stream may have lost the first copy): it gets a fresh id.
 */
export function publicationId(row: Pick<Row, 'nats_msg_id' | 'attempts' | 'last_published_at'>): string {
  return row.last_published_at ? `${row.nats_msg_id}.resend-${row.attempts}` : row.nats_msg_id;
}

/**
 * Publishes outbox rows to JetStream, from two sources:
 * - dispatch: the rows this process wrote (signed as they were written: `WriteBatch`), handed
 *   over by the writer right after their commit (`handOver`), are published at once and their outcome recorded after,
 *   one statement per batch on connections of the relay's own (no claim, no transaction: nobody
 *   waits for a pass);
 * - relay passes: rows due (written by another process, or whose dispatch did not happen or failed:
 *   they are written due `OUTBOX_DISPATCH_GRACE_MS` later), claimed in a transaction. Woken by
 *   NOTIFY shekara_outbox from writers in other processes, and by a poll as the safety net.
 *
 * A receipt row is done once JetStream acknowledged it. An envelope row is re-published with
 * backoff until every recipient's receipt arrived (JetStream 2.9 does not fsync each message and a
 * stream can be lost; the receipt, not the broker's ack, ends the sender's responsibility). The
 * recipient's idempotent inbox makes re-publishing harmless. Rows are claimed with
 * FOR UPDATE SKIP LOCKED, so several relays on one database never publish the same row at once.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('OutboxRelay');
  private js: JetStreamClient;
  private timer?: NodeJS.Timeout;
  /** Passes in progress: up to PARALLEL, on disjoint rows (FOR UPDATE SKIP LOCKED). */
  private readonly running = new Set<Promise<void>>();
  private again = false;
  private stopped = false;
  /** Reports and receipts handed over after their commit, waiting for a dispatch (with when). */
  private queue: Queued[] = [];
  /** Audit events handed over after their commit: they go together, every OUTBOX_AUDIT_DELAY_MS. */
  private audits: Queued[] = [];
  /** The audit events queued are due for a dispatch (their delay passed, or a batch is full). */
  private auditsDue = false;
  private readonly dispatching = new Set<Promise<void>>();
  private dispatchScheduled = false;
  private auditTimer?: NodeJS.Timeout;
  /** Outcomes of dispatches not yet recorded, and the statements recording them. */
  private unrecorded: RowOutcome[] = [];
  private recordTimer?: NodeJS.Timeout;
  private readonly recording = new Set<Promise<void>>();
  static readonly OUTCOME_DELAY_MS = 100;
  /** Rows waiting for a dispatch at most (four batches). */
  static readonly MAX_QUEUE = 4 * 256;
  static readonly BATCH = 256;
  /**
   * A second pass may claim what was committed while the first one waits for JetStream's acks, so a
   * report does not wait for a whole pass before its own starts.
   */
  static readonly PARALLEL = 2;
  /** The unit whose key signs this node's audit batches (the ledger accepts only signed ones). */
  private readonly auditSigner: string;

  constructor(
    private readonly store: OutboxStore,
    private readonly clock: Clock,
    private readonly metrics: NodeMetrics,
    private readonly sent: SentMessages,
    @Inject(NATS) nc: NatsConnection,
    @Inject(SIGNER) private readonly signer: UnitSigner,
    @Inject(BUS_NAMES) private readonly names: BusNames,
    @Inject(NODE_CONFIG) private readonly config: AgencyNodeConfig,
    @Inject(DIRECTORY) directory: Directory,
    private readonly tlog: LogStore,
  ) {
    this.js = jetstream(nc);
    this.auditSigner = auditSigningUnit(directory, config.agency, signer);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.timer = setInterval(() => this.kick(), this.config.outbox.pollMs);
    await this.store.listen(() => this.kick());
    this.kick();
  }

  /** Runs a relay pass now, or right after one in progress. */
  kick(): void {
    if (this.stopped) return;
    if (this.running.size >= OutboxRelay.PARALLEL) {
      this.again = true;
      return;
    }
    const pass = this.drain().finally(() => {
      this.running.delete(pass);
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
    this.running.add(pass);
  }

  /**
   * Passes until one claims less than a batch. Each pass reads the due index on from where the
   * previous one stopped: the entries of the rows a pass claimed stay in the index until the next
   * vacuum (their update moved them), and a drain reading them all again at every pass did work
   * growing with the square of the backlog. Every drain starts from the beginning, so a row passed
   * over (locked by another pass or by a receipt) is claimed by the next one.
   */
  private async drain(): Promise<void> {
    try {
      let after: DueKey | undefined;
      while (!this.stopped) {
        const { claimed, last } = await this.pass(after);
        if (claimed < OutboxRelay.BATCH) break;
        after = last;
      }
    } catch (err) {
      this.log.warn({ msg: 'outbox relay pass failed; will retry', error: (err as Error).message });
    }
  }

  /**
   * One batch: claim due rows (after `after` in the due index's order, if given), publish them
   * concurrently, record the outcome. Returns how many rows it claimed and the key of the last.
   *
   * Three round trips to PostgreSQL, the fewest that hold the claim until the outcome is recorded:
   * the transaction's settings and the claim in one multi-statement query (simple protocol, no
   * parameters: the instant is our own ISO string), the outcome, the COMMIT. A round trip costs the
   * node more than its statements here (a socket write and the wake-up of a backend per query).
   * The outcome statement reaches every table by key: a key-lookup transaction keeps its plan.
   */
  async pass(after?: DueKey): Promise<{ claimed: number; last?: DueKey }> {
    // What this transaction records (published, when to re-send, the proof kept) is derived state:
    // were it lost with a crash of the database server, the rows are published again, which the
    // Nats-Msg-Id, the recipient's idempotent inbox and the ledger's event ids make harmless. So
    // its commit does not wait for the WAL flush, and the row locks it holds are released sooner.
    return this.store.claim(this.clock.now(), OutboxRelay.BATCH, after, async (tx, rows) => {
      if (rows.length) await this.record(await this.publishRows(rows), tx);
      const last = rows.at(-1);
      return { claimed: rows.length, last: last && { due: last.due, id: String(last.id) } };
    });
  }

  /**
   * Rows written by this process, just committed: published in the next dispatch. Reports and
   * receipts go at once (what is handed over in one turn of the event loop together). Audit events
   * go on their own, all those queued together once the first of them waited OUTBOX_AUDIT_DELAY_MS
   * (or a batch is full): at a report every few milliseconds, a publication of its own for each
   * report's audit event doubled what JetStream and the supervisor handle per report, for events
   * nobody waits for.
   */
  handOver(rows: Row[]): void {
    if (!rows.length) return;
    this.logSent(rows);
    if (this.stopped) return;
    const at = this.clock.nowMs();
    for (const row of rows) (row.kind === 'AUDIT' ? this.audits : this.queue).push({ row, at });
    // While JetStream does not answer (dispatches wait for their acks' timeout), what is committed
    // meanwhile is not held in memory without bound: beyond MAX_QUEUE the oldest rows are left to the
    // relay's claim, which they are due for anyway (audit events first).
    let over = this.queue.length + this.audits.length - OutboxRelay.MAX_QUEUE;
    if (over > 0) over -= this.audits.splice(0, over).length;
    if (over > 0) this.queue.splice(0, over);
    if (this.audits.length >= OutboxRelay.BATCH) this.auditsDue = true;
    this.armAuditTimer();
    this.scheduleDispatch();
  }

  /**
   * The envelopes and receipts among rows just committed go to the transparency log (signed as
   * written: the payload is the SignedEnvelope; a message to two agencies is one leaf).
   */
  private logSent(rows: Row[]): void {
    const seen = new Set<string>();
    const signed = rows.filter((r) => r.kind !== 'AUDIT' && !r.signing_unit && !seen.has(r.nats_msg_id) && seen.add(r.nats_msg_id));
    if (signed.length) this.tlog.record(signed.map((r) => ({ bytes: r.payload, direction: 'sent' as const })));
  }

  /** Audit events queued and not yet due become due OUTBOX_AUDIT_DELAY_MS from now (or sooner). */
  private armAuditTimer(): void {
    if (!this.audits.length || this.auditsDue || this.auditTimer || this.stopped) return;
    this.auditTimer = setTimeout(() => {
      this.auditTimer = undefined;
      this.auditsDue = true;
      this.scheduleDispatch();
    }, this.config.outbox.auditDelayMs);
  }

  /**
   * The rows of the next dispatch: the audit events once due (they have waited already; reports
   * arriving without pause must not hold them back), else the reports and receipts.
   */
  private nextBatch(): Queued[] {
    if (!this.auditsDue || !this.audits.length) return this.queue.splice(0, OutboxRelay.BATCH);
    const batch = this.audits.splice(0, OutboxRelay.BATCH);
    this.auditsDue = this.audits.length >= OutboxRelay.BATCH;
    return batch;
  }

  private scheduleDispatch(): void {
    if (this.stopped || !(this.queue.length || (this.auditsDue && this.audits.length))) return;
    // At most PARALLEL at once; a finishing dispatch takes what is queued.
    if (this.dispatchScheduled || this.dispatching.size >= OutboxRelay.PARALLEL) return;
    this.dispatchScheduled = true;
    // What is handed over in this turn of the event loop goes in the same batch.
    setImmediate(() => {
      this.dispatchScheduled = false;
      if (this.stopped) return;
      const batch = this.nextBatch();
      // Audit events left over (not a full batch) wait for their delay again.
      this.armAuditTimer();
      // Rows queued for more than half their grace are left to the relay's claim (they are due soon),
      // so that a dispatch falling behind does not publish what a pass publishes too.
      const fresh = this.clock.nowMs() - this.config.outbox.dispatchGraceMs / 2;
      const taken = batch.filter((q) => q.at >= fresh).map((q) => q.row);
      if (taken.length) {
        const run: Promise<void> = this.publishRows(taken)
          .then((outcomes) => this.recordLater(outcomes))
          .catch((err) => this.log.warn({ msg: 'dispatch failed; the relay will publish its rows', rows: taken.length, error: (err as Error).message }))
          .finally(() => {
            this.dispatching.delete(run);
            this.scheduleDispatch();
          });
        this.dispatching.add(run);
      }
      this.scheduleDispatch();
    });
  }

  /**
   * Publishes rows concurrently (signing any written unsigned); returns each row's outcome: a
   * receipt or audit event is done once JetStream has it; an envelope waits for its receipts
   * (re-sent with backoff until then); a failure is retried.
   */
  /**
   * The row's subject; a row written before the per-agency bus (`<prefix>.inbox.<to>`, a subject no
   * identity may publish any more) goes to this node's sending subject `<prefix>.inbox.<to>.from.<me>`.
   */
  private sendingSubject(r: Row): string {
    const legacy = `${this.names.prefix}.inbox.${r.target_agency}`;
    return r.subject === legacy ? this.names.inboxFrom(r.target_agency as AgencyCode, this.config.agency) : r.subject;
  }

  private async publishRows(rows: Row[]): Promise<RowOutcome[]> {
    // Rows are signed when written (WriteBatch); rows written unsigned (by a version before
    // that, still in the outbox at an upgrade) are signed here, a batch at a time.
    const newlySigned = new Set(signRows(this.signer, rows));
    // Envelopes and receipts: those to the same agency in bundles (one bus message each otherwise);
    // audit events one SignedAuditBatch per subject.
    const envelopes = rows.filter((r) => r.kind !== 'AUDIT').map((r) => ({ row: r, subject: this.sendingSubject(r), data: r.signed ?? r.payload, msgID: publicationId(r) }));
    const publications: Publication<Row>[] = this.config.bus.bundles
      ? bundlePublications(envelopes)
      : envelopes.map((e) => ({ rows: [e.row], subject: e.subject, data: e.data, msgID: e.msgID }));
    if (publications.length < envelopes.length) this.metrics.bundled.inc(envelopes.length - publications.length);
    const audits = new Map<string, Row[]>();
    for (const r of rows) {
      if (r.kind !== 'AUDIT') continue;
      if (audits.has(r.target_agency)) audits.get(r.target_agency)!.push(r);
      else audits.set(r.target_agency, [r]);
    }
    for (const [agency, group] of audits) {
      const ids = group.map((r) => r.nats_msg_id);
      publications.push({
        rows: group,
        subject: this.names.auditSignedSubject(agency as AgencyCode),
        data: signAuditBatch(this.signer, this.auditSigner, encodeAuditEventBatch(group.map((r) => r.payload))),
        // The same events published again make the same id (the server drops the copy); the ledger
        // is idempotent on each event id whatever batch it comes in.
        msgID: `audit-${createHash('sha256').update(ids.join(' ')).digest('hex').slice(0, 32)}`,
      });
    }
    const settled = await Promise.allSettled(publications.map((p) => this.js.publish(p.subject, p.data, { msgID: p.msgID, ...(p.bundle ? { headers: bundleHeaders(p.bundle) } : {}) })));
    const byRow = new Map<Row, PromiseSettledResult<unknown>>();
    publications.forEach((p, i) => p.rows.forEach((r) => byRow.set(r, settled[i])));
    const results = rows.map((r) => byRow.get(r)!);
    const at = this.clock.now();
    const outcomes = results.map(
      (res, i): RowOutcome => ({
        row: rows[i],
        signed: newlySigned.has(rows[i]) ? rows[i].signed!.toString('base64') : null,
        outcome: res.status === 'rejected' ? 'failed' : rows[i].kind === 'ENVELOPE' ? 'sent' : 'done',
        error: res.status === 'rejected' ? String(res.reason?.message ?? res.reason).slice(0, 500) : null,
        at,
      }),
    );
    const sent = outcomes.filter((o) => o.outcome === 'sent');
    if (sent.length) this.metrics.published.inc(sent.length);
    for (const o of sent) this.sent.published(o.row.message_id, o.row.target_agency, o.at);
    const failed = outcomes.filter((o) => o.error !== null);
    if (failed.length) this.log.warn({ msg: 'publish failed; will retry', failed: failed.length, error: failed[0].error });
    return outcomes;
  }

  /** Records outcomes in one statement: in a pass's transaction `tx`, or on the store's own connections. */
  private async record(outcomes: RowOutcome[], tx?: KeyLookupTx): Promise<void> {
    const sent = outcomes.filter((o) => o.outcome === 'sent');
    // The sender keeps the signed envelope as the proof of what it sent (of a row written unsigned:
    // the others were stored with their message).
    const proofs = new Map(outcomes.filter((o) => o.signed !== null && o.row.kind === 'ENVELOPE').map((o) => [o.row.message_id, o.signed!]));
    await this.store.recordOutcomes(
      {
        ids: outcomes.map((o) => o.row.id),
        signed: outcomes.map((o) => o.signed),
        outcomes: outcomes.map((o) => o.outcome),
        errors: outcomes.map((o) => o.error),
        at: outcomes.map((o) => o.at),
        resendMaxMs: this.config.outbox.resendMaxMs,
        resendAfterMs: this.config.outbox.resendAfterMs,
        proofIds: [...proofs.keys()],
        proofs: [...proofs.values()],
        sentIds: sent.map((o) => o.row.message_id),
        sentAgencies: sent.map((o) => o.row.target_agency),
        sentAt: sent.map((o) => o.at),
      },
      tx,
    );
  }

  /**
   * Records the outcomes of dispatches a moment later (OUTCOME_DELAY_MS), several dispatches in one
   * statement: nobody waits for them (the rows are due for a pass only after their grace; a receipt
   * arriving first moves its status on anyway), and at low rates a statement per dispatch cost the
   * node and the server more than the dispatch itself. Lost with a crash, they are redone by the
   * pass that publishes those rows again.
   */
  private recordLater(outcomes: RowOutcome[]): void {
    this.unrecorded.push(...outcomes);
    if (this.unrecorded.length >= OutboxRelay.BATCH) void this.recordNow();
    else this.recordTimer ??= setTimeout(() => void this.recordNow(), OutboxRelay.OUTCOME_DELAY_MS);
  }

  private async recordNow(): Promise<void> {
    if (this.recordTimer) clearTimeout(this.recordTimer);
    this.recordTimer = undefined;
    while (this.unrecorded.length) {
      const batch = this.unrecorded.splice(0, OutboxRelay.BATCH);
      const run = this.record(batch).catch((err) =>
        this.log.warn({ msg: 'recording dispatched rows failed; the relay will publish them again', rows: batch.length, error: (err as Error).message }),
      );
      this.recording.add(run);
      void run.finally(() => this.recording.delete(run));
      await run;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.auditTimer) clearTimeout(this.auditTimer);
    // What is still queued is due for the relay of the next start (OUTBOX_DISPATCH_GRACE_MS).
    this.queue = [];
    this.audits = [];
    await Promise.all([...this.running, ...this.dispatching]);
    await this.recordNow();
    await Promise.all(this.recording);
    await this.store.close();
  }
}
