import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { create, toBinary } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Clock, uuidv7 } from '@shekara/common';
import { CURRENT_SCHEMA_VERSION, Classification, EnvelopeSchema, MessageKind, TlogForkAlertSchema } from '@shekara/contracts';
import type { AgencyCode, Envelope } from '@shekara/contracts';
import type { Directory } from '@shekara/directory';
import { PermanentMessageError } from '@shekara/messaging';
import { openCheckpoint, hashEqual } from '@shekara/tlog';
import type { ForkEvidence, NoteVerifier } from '@shekara/tlog';
import { AuditAction } from '../audit';
import type { AgencyNodeConfig } from '../core';
import { DIRECTORY, NODE_CONFIG, NodeMetrics, logOrigin, logUnit, logVerifiers, witnessName, witnessesOf } from '../core';
import { OutboxRelay, WriteBatches } from '../exchange';
import { TlogAlertsStore } from '../store';
import type { AlertNotification, TlogAlertRow } from '../store';

/** The code of the administrators' notification of a fork alert (the consoles render it). */
export const TLOG_FORK = 'TLOG_FORK';

/** One alert per evidence: SHA-256 over the witness, the origin, the reason and both checkpoints. */
export function alertFingerprint(witness: string, e: { origin: string; reason: string; known: string; presented: string }): string {
  return createHash('sha256').update([witness, e.origin, e.reason, e.known, e.presented].join('\n\0')).digest('hex');
}

/**
 * Whether two checkpoints prove a fork of `origin`: both signed by the log's key (`verifiers`),
 * one size, different roots. False for anything less (a malformed or unsigned note, another size).
 */
export function provesFork(origin: string, verifiers: readonly NoteVerifier[], known: string, presented: string): boolean {
  try {
    const a = openCheckpoint(known, origin, verifiers).checkpoint;
    const b = openCheckpoint(presented, origin, verifiers).checkpoint;
    return a.size === b.size && !hashEqual(a.root, b.root);
  } catch {
    return false;
  }
}

/** A verified incoming fork alert, for `ForkAlerts.store`. */
export interface IncomingAlert {
  env: Envelope;
  bytes: Uint8Array;
}

/**
 * Fork alerts (issue #17 item 2): when this node, as a witness, refuses a checkpoint of another
 * agency's log as a fork (same size, another root) or an unproven history (a consistency proof that
 * fails against the checkpoint it cosigned), it
 * - keeps the alert (`tlog_alerts`, role witness) and notifies its administrators;
 * - sends a signed TlogForkAlert envelope (its top unit to the log agency's top unit) through the
 *   outbox, so the forking node's administrators learn of it over the bus, signed;
 * - records it as SENT in its audit log, whose event goes to the supervisor ledger in a signed
 *   audit batch (the ledger keeps it as a fact of a log alert and shows it to its administrators).
 * The forking node verifies the alert (signed by a unit of the witness's agency, about its own log;
 * a same-size alert proven by its own key's signatures on both checkpoints), keeps it (role
 * accused) and notifies its administrators; its RECEIVED event goes to the ledger too.
 */
@Injectable()
export class ForkAlerts {
  private readonly logger = new Logger('ForkAlerts');

  constructor(
    private readonly db: TlogAlertsStore,
    private readonly writes: WriteBatches,
    private readonly dispatch: OutboxRelay,
    private readonly clock: Clock,
    private readonly metrics: NodeMetrics,
    @Inject(DIRECTORY) private readonly directory: Directory,
    @Inject(NODE_CONFIG) private readonly config: AgencyNodeConfig,
  ) {}

  private get agency(): AgencyCode {
    return this.config.agency as AgencyCode;
  }

  /** As a witness: raises the alert of this evidence (once per evidence). */
  async raise(e: ForkEvidence): Promise<void> {
    const accused = witnessesOf(this.agency).find((a) => logOrigin(a) === e.origin);
    if (!accused) return;
    const now = this.clock.now();
    const id = uuidv7(this.clock);
    const witness = witnessName(this.agency);
    const proven = e.reason === 'same-size' && provesFork(e.origin, logVerifiers(this.directory, accused), e.known, e.presented);
    const sender = logUnit(this.directory, this.agency).id;
    const recipient = logUnit(this.directory, accused).id;
    const alert = create(TlogForkAlertSchema, {
      origin: e.origin,
      witness,
      reason: e.reason,
      knownCheckpoint: e.known,
      presentedCheckpoint: e.presented,
      oldSize: e.oldSize,
      proof: e.proof,
      detectedAt: timestampFromDate(now),
    });
    const env = create(EnvelopeSchema, {
      messageId: id,
      correlationId: '',
      kind: MessageKind.TLOG_FORK_ALERT,
      senderUnit: sender,
      recipientUnits: [recipient],
      createdAt: timestampFromDate(now),
      reportedAt: timestampFromDate(now),
      schemaVersion: CURRENT_SCHEMA_VERSION,
      classification: Classification.FOR_OFFICIAL_USE,
      payload: { case: 'tlogForkAlert', value: alert },
    });
    const summary = alertSummary(e.origin, e.reason, e.known, proven);
    const batch = this.writes.begin();
    batch.send([{ kind: 'ALERT', messageId: id, targetAgency: accused, payload: toBinary(EnvelopeSchema, env), signingUnit: sender, natsMsgId: id }]);
    batch.audit([
      {
        actor: 'witness',
        action: AuditAction.Sent,
        messageId: id,
        units: [recipient],
        reason: e.reason,
        message: { kind: 'TLOG_FORK_ALERT', senderUnit: sender, recipientUnits: [recipient], sentAt: now, summary, classification: 'FOR_OFFICIAL_USE' },
        details: { origin: e.origin, proven },
      },
    ]);
    const row: TlogAlertRow = { id: uuidv7(this.clock), messageId: id, fingerprint: alertFingerprint(witness, e), role: 'witness', origin: e.origin, witness, reason: e.reason, proven, known: e.known, presented: e.presented, oldSize: e.oldSize, proof: e.proof, detectedAt: now };
    const result = await batch.write((p) => this.db.record(row, this.notification(row), now, p.auditJson, p.outboxJson));
    if (!result.stored) return;
    this.dispatch.handOver(batch.written);
    this.metrics.forkAlerts.inc({ role: 'witness', origin: e.origin });
    this.logger.error({ msg: 'ALERT raised: fork alert sent to the log’s agency and the ledger', origin: e.origin, reason: e.reason, proven, messageId: id });
  }

  /**
   * As the accused log: checks an incoming alert (after InboxChecks): it must be about this node's
   * log, from the witness of the agency that signed it. Throws PermanentMessageError otherwise.
   */
  check(env: Envelope, signerUnit: string): void {
    if (env.payload.case !== 'tlogForkAlert') throw new PermanentMessageError('tlog: not a fork alert');
    const a = env.payload.value;
    const from = this.directory.findUnit(signerUnit)?.agency as AgencyCode | undefined;
    if (a.origin !== logOrigin(this.agency)) throw new PermanentMessageError(`tlog: a fork alert about ${a.origin}, not this node's log`);
    if (!from || a.witness !== witnessName(from)) throw new PermanentMessageError(`tlog: a fork alert of witness ${a.witness} signed by ${signerUnit}`);
  }

  /** As the accused log: keeps alerts received (verified), notifies the administrators; RECEIVED goes to the ledger. */
  async store(items: IncomingAlert[]): Promise<void> {
    const now = this.clock.now();
    for (const { env, bytes } of items) {
      if (env.payload.case !== 'tlogForkAlert') continue;
      const a = env.payload.value;
      const proven = a.reason === 'same-size' && provesFork(a.origin, logVerifiers(this.directory, this.agency), a.knownCheckpoint, a.presentedCheckpoint);
      const row: TlogAlertRow = {
        id: uuidv7(this.clock),
        messageId: env.messageId,
        fingerprint: alertFingerprint(a.witness, { origin: a.origin, reason: a.reason, known: a.knownCheckpoint, presented: a.presentedCheckpoint }),
        role: 'accused',
        origin: a.origin,
        witness: a.witness,
        reason: a.reason,
        proven,
        known: a.knownCheckpoint,
        presented: a.presentedCheckpoint,
        oldSize: a.oldSize,
        proof: [...a.proof],
        detectedAt: a.detectedAt ? timestampDate(a.detectedAt) : now,
        signed: bytes,
      };
      const batch = this.writes.begin();
      const local = env.recipientUnits.filter((u) => this.directory.findUnit(u)?.agency === this.agency);
      batch.audit([
        {
          actor: 'bus',
          action: AuditAction.Received,
          messageId: env.messageId,
          units: local,
          reason: a.reason,
          message: { kind: 'TLOG_FORK_ALERT', senderUnit: env.senderUnit, recipientUnits: [...env.recipientUnits], sentAt: env.createdAt ? timestampDate(env.createdAt) : now, summary: alertSummary(a.origin, a.reason, a.knownCheckpoint, proven) },
          details: { origin: a.origin, witness: a.witness, proven },
        },
      ]);
      const result = await batch.write((p) => this.db.record(row, this.notification(row), now, p.auditJson, p.outboxJson));
      if (!result.stored) continue;
      this.dispatch.handOver(batch.written);
      this.metrics.forkAlerts.inc({ role: 'accused', origin: a.origin });
      this.logger.error({ msg: 'ALERT received: a witness saw a fork of this node’s log', witness: a.witness, reason: a.reason, proven, messageId: env.messageId });
    }
  }

  /** Every alert kept, newest first (admin API). */
  list() {
    return this.db.list();
  }

  private notification(r: TlogAlertRow): AlertNotification {
    const params: Record<string, string> = { origin: r.origin, witness: r.witness, reason: r.reason, role: r.role, proven: String(r.proven), detectedAt: r.detectedAt.toISOString() };
    const text =
      r.role === 'witness'
        ? `Журнал ${r.origin} представил свидетелю ${r.witness} историю, несовместимую с заверенной (${r.reason}).`
        : `Свидетель ${r.witness} сообщил о расхождении (форке) журнала этого узла ${r.origin} (${r.reason}).`;
    return { type: TLOG_FORK, params, text };
  }
}

/** The one-line description of an alert (the ledger's summary). */
function alertSummary(origin: string, reason: string, known: string, proven: boolean): string {
  const size = known.split('\n')[1] ?? '?';
  return `${reason === 'same-size' ? 'fork' : 'unproven history'} of ${origin} at size ${size}${proven ? ' (proven by two checkpoints signed by the log)' : ''}`.slice(0, 300);
}
