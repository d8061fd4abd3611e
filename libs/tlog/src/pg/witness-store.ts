import type { Clock } from '@shekara/common';
import { parseCheckpoint } from '../core/checkpoint';
import type { CosignatureSigner } from '../core/cosignature';
import { parseNote } from '../core/note';
import { decideAddCheckpoint, parseAddCheckpointRequest, type CosignedRecord, type ForkEvidence, type WitnessDecision, type WitnessedLog } from '../core/witness';
import type { TlogDb } from './db';

/**
 * The witness side in PostgreSQL: per origin, every checkpoint it cosigned (the latest is the
 * largest) and the evidence of misbehaviour it received. Checking the old size and recording the
 * new checkpoint happen in one transaction under a per-origin lock, so two requests can never
 * roll a log back (the race tlog-witness warns about).
 */
export class PgWitnessStore {
  constructor(
    private readonly db: TlogDb,
    private readonly logs: readonly WitnessedLog[],
    private readonly cosigner: CosignatureSigner,
    private readonly clock: Clock,
  ) {}

  async latest(origin: string): Promise<CosignedRecord | undefined> {
    const [r] = await this.db.query<{ size: string; root: Buffer; checkpoint: string }>(
      'SELECT size, root, checkpoint FROM tlog_witness_checkpoint WHERE origin = $1 ORDER BY size DESC LIMIT 1',
      [origin],
    );
    return r && { origin, size: Number(r.size), root: r.root, checkpoint: r.checkpoint };
  }

  async evidence(origin: string): Promise<ForkEvidence[]> {
    const rows = await this.db.query<{ reason: ForkEvidence['reason']; known: string; presented: string; old_size: string; proof: string[] }>(
      'SELECT reason, known, presented, old_size, proof FROM tlog_witness_evidence WHERE origin = $1 ORDER BY id',
      [origin],
    );
    return rows.map((r) => ({ origin, reason: r.reason, known: r.known, presented: r.presented, oldSize: Number(r.old_size), proof: r.proof }));
  }

  /** Handles one add-checkpoint request body; the decision carries the HTTP status and body. */
  async addCheckpoint(body: string): Promise<WitnessDecision> {
    let origin: string;
    try {
      origin = parseCheckpoint(parseNote(parseAddCheckpointRequest(body).checkpoint).text).origin;
    } catch {
      return decideAddCheckpoint(this.logs, this.cosigner, undefined, body, 0);
    }
    if (!this.logs.some((l) => l.origin === origin)) return decideAddCheckpoint(this.logs, this.cosigner, undefined, body, 0);
    return this.db.transaction(async (q) => {
      await q('SELECT pg_advisory_xact_lock(hashtext($1))', [`tlog-witness:${origin}`]);
      const [r] = await q<{ size: string; root: Buffer; checkpoint: string }>(
        'SELECT size, root, checkpoint FROM tlog_witness_checkpoint WHERE origin = $1 ORDER BY size DESC LIMIT 1',
        [origin],
      );
      const current = r && { origin, size: Number(r.size), root: r.root, checkpoint: r.checkpoint };
      const now = this.clock.now();
      const d = decideAddCheckpoint(this.logs, this.cosigner, current, body, Math.floor(now.getTime() / 1000));
      if (d.kind === 'cosigned') {
        await q(
          `INSERT INTO tlog_witness_checkpoint (origin, size, root, checkpoint, cosignature, cosigned_at) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (origin, size) DO NOTHING`,
          [origin, d.record.size, Buffer.from(d.record.root), d.record.checkpoint, d.body, now],
        );
      }
      const evidence = d.kind === 'fork' ? d.evidence : d.kind === 'refused' ? d.evidence : undefined;
      if (evidence) {
        await q(
          'INSERT INTO tlog_witness_evidence (origin, reason, known, presented, old_size, proof, detected_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
          [origin, evidence.reason, evidence.known, evidence.presented, evidence.oldSize, evidence.proof, now],
        );
      }
      return d;
    });
  }
}
