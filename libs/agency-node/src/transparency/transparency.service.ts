import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '@shekara/common';
import { DeliveryOutcome, decodeEnvelope, decodeSigned } from '@shekara/contracts';
import type { Directory } from '@shekara/directory';
import { SignatureVerifier } from '@shekara/security';
import { Checkpointer, DEFAULT_CHECKPOINT_INTERVAL_MS, ed25519Signer, formatTlogProof, writeLogExport } from '@shekara/tlog';
import type { ExportManifest, StoredCheckpoint } from '@shekara/tlog';
import type { AgencyNodeConfig } from '../core';
import { DIRECTORY, LOG_KEY, NODE_CONFIG, NodeError, NodeErrorCode, NodeMetrics, logOrigin, logVerifierKeys, witnessesOf } from '../core';
import { integrityMismatches } from '../envelopes';
import { LogStore } from '../store';

/** A message found tampered with by a scrub: its id and the columns that differ. */
export interface ScrubFinding {
  messageId: string;
  fields: string[];
}

/**
 * The node's transparency log in its lifecycle: at start, what was committed but never logged is
 * appended; then a checkpoint is signed (with the agency's log key) at most every
 * TLOG_CHECKPOINT_MS while the log grows, and every message row is checked against its signed
 * envelope and its leaf every TLOG_SCRUB_MS (the scrub). Serves checkpoints, proofs and exports.
 */
@Injectable()
export class TransparencyService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('TransparencyLog');
  readonly origin: string;
  private readonly checkpointer: Checkpointer;
  private scrubTimer?: NodeJS.Timeout;
  private scrubbing: Promise<unknown> = Promise.resolve();
  private readonly verifier: SignatureVerifier;

  constructor(
    private readonly store: LogStore,
    private readonly clock: Clock,
    private readonly metrics: NodeMetrics,
    @Inject(NODE_CONFIG) private readonly config: AgencyNodeConfig,
    @Inject(DIRECTORY) private readonly directory: Directory,
    @Inject(LOG_KEY) logKey: KeyObject,
  ) {
    this.origin = logOrigin(config.agency);
    this.checkpointer = new Checkpointer(store.log, {
      origin: this.origin,
      signer: ed25519Signer(this.origin, logKey),
      intervalMs: config.tlog?.checkpointMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS,
      onCheckpoint: (cp) => this.metrics.logSize.set(cp.size),
      onError: (e) => this.logger.error({ msg: 'checkpoint failed', error: (e as Error).message }),
    });
    this.verifier = new SignatureVerifier((keyId) => {
      const publicKey = this.directory.publicKey(keyId);
      return publicKey ? { publicKey, unitId: this.directory.keyOwner(keyId) } : undefined;
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.store.enabled) {
      this.logger.warn({ msg: 'TLOG_ENABLED=false: this node keeps no transparency log (no evidence of its exchange); for the benchmark only' });
      return;
    }
    const appended = await this.store.appendUnlogged();
    if (appended) this.logger.warn({ msg: 'appended entries committed but not logged before', count: appended });
    this.checkpointer.start();
    const scrubMs = this.config.tlog?.scrubMs ?? 10 * 60_000;
    if (scrubMs > 0) {
      this.scrubTimer = setInterval(() => {
        this.scrubbing = this.scrubbing.then(() => this.scrub().catch((e: unknown) => this.logger.error({ msg: 'scrub failed', error: (e as Error).message })));
      }, scrubMs);
      this.scrubTimer.unref?.();
    }
    this.metrics.integrityFailures.set((await this.store.failures()).length);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.scrubTimer) clearInterval(this.scrubTimer);
    await this.scrubbing;
    await this.checkpointer.stop();
  }

  /** Signs a checkpoint now if the log grew (after the appends recorded so far). */
  async checkpointNow(): Promise<StoredCheckpoint | undefined> {
    await this.store.flush();
    return this.checkpointer.tick();
  }

  /**
   * Checks every message row against its signed envelope (signature, columns) and against the log
   * (the leaf of its envelope must hold the row's signed bytes); flags each mismatch.
   */
  async scrub(): Promise<ScrubFinding[]> {
    const findings: ScrubFinding[] = [];
    let after: string | null = null;
    for (;;) {
      const rows = await this.store.scrubPage(after, 1000);
      if (!rows.length) break;
      for (const row of rows) {
        const fields = integrityMismatches(row, this.verifier);
        if (row.logged === false && !fields.includes('signed')) fields.unshift('signed');
        if (fields.length) findings.push({ messageId: row.id, fields });
      }
      after = rows[rows.length - 1].id;
    }
    findings.push(...(await this.scrubReceipts()));
    for (const f of findings) await this.store.flag(f.messageId, f.fields, 'scrub');
    this.metrics.integrityFailures.set((await this.store.failures()).length);
    if (findings.length) this.logger.warn({ msg: 'integrity failures found by the scrub', count: findings.length });
    return findings;
  }

  /**
   * Every signed receipt this node received and logged must still show in its recipient row (a
   * delivery as DELIVERED or READ, a read as READ, a rejection as DEAD_LETTERED): a row deleted or
   * set back is a finding on the message, field `recipient <unit>`.
   */
  private async scrubReceipts(): Promise<ScrubFinding[]> {
    const byMessage = new Map<string, Set<string>>();
    const reflects = { delivered: ['DELIVERED', 'READ'], read: ['READ'], rejected: ['DEAD_LETTERED'] } as const;
    for (let from = 0; ; ) {
      const page = await this.store.receivedReceipts(from, 2000);
      if (!page.entries.length) break;
      from = page.next;
      const receipts = page.entries.flatMap((bytes): { messageId: string; unit: string; what: keyof typeof reflects }[] => {
        try {
          const p = decodeEnvelope(decodeSigned(bytes).envelope).payload;
          if (p.case === 'readReceipt') return [{ messageId: p.value.messageId, unit: p.value.recipientUnit, what: 'read' }];
          if (p.case === 'deliveryReceipt')
            return [{ messageId: p.value.messageId, unit: p.value.recipientUnit, what: p.value.outcome === DeliveryOutcome.REJECTED ? 'rejected' : 'delivered' }];
        } catch {
          /* a leaf that is not a receipt: the export's verification reports it */
        }
        return [];
      });
      const statuses = await this.store.recipientStatuses(receipts.map((r) => r.messageId), receipts.map((r) => r.unit));
      for (const r of receipts) {
        const status = statuses.get(`${r.messageId} ${r.unit}`);
        if (status && (reflects[r.what] as readonly string[]).includes(status)) continue;
        const fields = byMessage.get(r.messageId) ?? new Set<string>();
        fields.add(`recipient ${r.unit}`);
        byMessage.set(r.messageId, fields);
      }
    }
    return [...byMessage].map(([messageId, fields]) => ({ messageId, fields: [...fields] }));
  }

  /** The latest checkpoint with every cosignature received. */
  async checkpoint(): Promise<{ size: number; signedAt: Date; note: string }> {
    const cp = await this.store.log.latestCheckpoint();
    if (!cp) throw new NodeError(NodeErrorCode.LogEmpty);
    return { size: cp.size, signedAt: cp.signedAt, note: (await this.store.log.cosignedCheckpoint(cp.size)) ?? cp.note };
  }

  /** tlog-proof bundles of the message's (or receipt's) leaves covered by the latest checkpoint. */
  async proofs(messageId: string): Promise<{ index: number; kind: string; direction: string; proof: string }[]> {
    const cp = await this.store.log.latestCheckpoint();
    const leaves = cp ? (await this.store.log.leavesOf(messageId)).filter((l) => l.index < cp.size) : [];
    if (!cp || !leaves.length) throw new NodeError(NodeErrorCode.NotInLog);
    const checkpoint = (await this.store.log.cosignedCheckpoint(cp.size)) ?? cp.note;
    return Promise.all(
      leaves.map(async (l) => ({
        index: l.index,
        kind: l.kind,
        direction: l.direction,
        proof: formatTlogProof({ extra: Buffer.from(messageId, 'utf8'), index: l.index, proof: await this.store.log.inclusionProof(l.index, cp.size), checkpoint }),
      })),
    );
  }

  /** Writes the `shekara verify` export under TLOG_EXPORT_DIR, in a directory of its own. */
  async export(): Promise<{ dir: string; manifest: ExportManifest }> {
    const keys = logVerifierKeys(this.directory, this.config.agency);
    const dir = join(this.config.tlog?.exportDir ?? 'var/tlog-export', `${this.config.agency}-${this.clock.now().toISOString().replace(/[:.]/g, '-')}`);
    const manifest = await writeLogExport(this.store.log, dir, {
      origin: this.origin,
      logKey: keys.log,
      witnesses: keys.witnesses,
      quorum: witnessesOf(this.config.agency).length,
      clock: this.clock,
      messages: this.store.exportMessages(),
      receipts: this.store.exportReceipts(),
    });
    return { dir, manifest };
  }
}
