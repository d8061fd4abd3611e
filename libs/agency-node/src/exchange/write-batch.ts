import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@shekara/common';
import type { BusNames } from '@shekara/contracts';
import type { UnitSigner } from '@shekara/security';
import { AuditService } from '../audit';
import type { AuditEntry } from '../audit';
import type { AgencyNodeConfig } from '../core';
import type { OutboxInserted, OutboxItem, OutboxRow } from '../store';
import { BUS_NAMES, NODE_CONFIG, SIGNER } from '../core';
import { signRows } from './outbox.signing';

/** The key of an outbox row among those one statement writes. */
const rowKey = (natsMsgId: string, targetAgency: string) => `${natsMsgId} ${targetAgency}`;

/** What one statement of a batch writes, as its parameters: the store's statement takes them. */
export interface Sealed {
  /** The audit log rows (`auditLogInsert`'s JSON), or '[]'. */
  auditJson: string;
  /** The ledger event id of each audit entry (in their order; none for a local-only action). */
  eventIds: (string | undefined)[];
  /** The outbox rows (`outboxInsert`'s JSON). */
  outboxJson: string;
  /** The SignedEnvelope of each envelope or receipt signed for this statement, by publication id (its message id). */
  signed: Map<string, Buffer>;
}

/**
 * The writes of one use case that go out through the outbox (a unit of work): it is filled with
 * audit entries (`audit`: log rows, and the ledger's events as outbox items) and outbox items
 * (`send`), then `write` runs the use case's statement (from its store) with them as parameters and
 * keeps the outbox rows that statement inserted. After the commit the caller hands `written` to the
 * dispatch itself (`OutboxRelay.handOver`): a statement on its own commits at once; in a
 * transaction, the caller hands them over once the transaction committed.
 *
 * Envelopes and receipts are signed at `write`, before the statement that writes them: one Ed25519
 * signature per signing unit over the Merkle root of its envelopes in the statement, each envelope
 * with its inclusion proof (`signRows`). So the row holds exactly the bytes the relay publishes
 * (and re-sends), and the writer can store the proof of what it sent in the same statement.
 *
 * Rows are written due `OUTBOX_DISPATCH_GRACE_MS` later, so that the relay claims them only if this
 * process did not publish them by then (it crashed after the commit, or the publication failed).
 */
export class WriteBatch {
  private items: OutboxItem[] = [];
  private auditJson = '[]';
  private eventIds: (string | undefined)[] = [];
  private readonly rows: OutboxRow[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly names: BusNames,
    private readonly config: AgencyNodeConfig,
    private readonly signer: UnitSigner,
    private readonly auditor: AuditService,
  ) {}

  /** Adds audit entries (for the next `write`); returns the ledger event id of each (none for a local-only action). */
  audit(entries: AuditEntry[]): (string | undefined)[] {
    const p = this.auditor.prepare(entries);
    this.auditJson = p.logJson;
    this.eventIds = p.eventIds;
    this.items.push(...p.outbox);
    return p.eventIds;
  }

  /** Adds outbox items (for the next `write`). */
  send(items: OutboxItem[]): void {
    this.items.push(...items);
  }

  /**
   * Runs the statement writing what was added since the last `write` (its parameters: `Sealed`),
   * which returns, with its own result, the outbox rows it inserted; keeps those rows (`written`).
   */
  async write<R extends { outbox: OutboxInserted[] }>(statement: (p: Sealed) => Promise<R>): Promise<R> {
    const { sealed, rows } = this.seal();
    const result = await statement(sealed);
    for (const i of result.outbox) {
      const row = rows.get(rowKey(i.nats_msg_id, i.target_agency));
      if (row) this.rows.push({ ...row, id: String(i.id) });
    }
    return result;
  }

  /** The outbox rows written so far, for the dispatch once committed. */
  get written(): OutboxRow[] {
    return this.rows;
  }

  private seal(): { sealed: Sealed; rows: Map<string, Omit<OutboxRow, 'id'>> } {
    const items = this.items;
    const sealed = { auditJson: this.auditJson, eventIds: this.eventIds };
    this.items = [];
    this.auditJson = '[]';
    this.eventIds = [];
    const at = this.clock.now();
    const now = at.toISOString();
    const due = new Date(at.getTime() + this.config.outbox.dispatchGraceMs).toISOString();
    const rows = new Map<string, Omit<OutboxRow, 'id'>>();
    for (const it of items) {
      rows.set(rowKey(it.natsMsgId, it.targetAgency), {
        message_id: it.messageId,
        kind: it.kind,
        target_agency: it.targetAgency,
        subject: it.kind === 'AUDIT' ? this.names.auditSubject(it.targetAgency) : this.names.inboxFrom(it.targetAgency, this.config.agency),
        nats_msg_id: it.natsMsgId,
        payload: Buffer.from(it.payload.buffer, it.payload.byteOffset, it.payload.byteLength),
        attempts: 0,
        last_published_at: null,
        signing_unit: it.signingUnit ?? null,
        signed: null,
      });
    }
    const signed = new Map<string, Buffer>();
    for (const row of signRows(this.signer, [...rows.values()])) {
      signed.set(row.nats_msg_id, row.signed!);
      // Written signed: published as it is.
      row.payload = row.signed!;
      row.signing_unit = null;
      row.signed = null;
    }
    // The rows as outboxInsert reads them (it ignores the keys it does not name).
    const outboxJson = JSON.stringify([...rows.values()].map((r) => ({ ...r, payload: r.payload.toString('base64'), created_at: now, next_attempt_at: due })));
    return { sealed: { ...sealed, outboxJson, signed }, rows };
  }
}

/** Begins the write batches of use cases. */
@Injectable()
export class WriteBatches {
  constructor(
    private readonly clock: Clock,
    private readonly auditor: AuditService,
    @Inject(BUS_NAMES) private readonly names: BusNames,
    @Inject(NODE_CONFIG) private readonly config: AgencyNodeConfig,
    @Inject(SIGNER) private readonly signer: UnitSigner,
  ) {}

  begin(): WriteBatch {
    return new WriteBatch(this.clock, this.names, this.config, this.signer, this.auditor);
  }
}
