import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { auditLogInsert } from './audit.store';
import { outboxAmong, outboxInsert } from './outbox.store';
import type { OutboxInserted } from './outbox.store';

/** A fork alert of the transparency log as `tlog_alerts` keeps it. */
export interface TlogAlertRow {
  id: string;
  /** The alert envelope's message id. */
  messageId: string;
  /** One alert per evidence (`alertFingerprint`). */
  fingerprint: string;
  /** witness: raised by this node about another agency's log; accused: received about this node's log. */
  role: 'witness' | 'accused';
  origin: string;
  witness: string;
  reason: string;
  /** Both checkpoints verified with the log's key, one size, different roots. */
  proven: boolean;
  known: string;
  presented: string;
  oldSize: number;
  proof: string[];
  detectedAt: Date;
  /** The alert's SignedEnvelope as received (accused). */
  signed?: Uint8Array;
}

/** What the admin sees of an alert: the row but its fingerprint and signed bytes, and when it was kept. */
export type TlogAlertView = Omit<TlogAlertRow, 'fingerprint' | 'signed'> & { recordedAt: Date };

/** The notification each unit with an administrator gets of an alert (the desk's params). */
export interface AlertNotification {
  type: string;
  params: Record<string, string>;
  text: string;
}

/** Fork alerts of the transparency log (insert-only), with the notifications of the node's administrators. */
@Injectable()
export class TlogAlertsStore {
  constructor(private readonly ds: DataSource) {}

  /**
   * Records an alert (once per message id and per evidence), a notification for every unit that has an active
   * administrator, and (only if the alert is new) the audit rows and outbox rows given: one
   * statement. Returns whether it was new and the outbox rows inserted.
   */
  async record(a: TlogAlertRow, n: AlertNotification, at: Date, auditJson = '[]', outboxJson = '[]'): Promise<{ stored: boolean; outbox: OutboxInserted[] }> {
    const gate = 'EXISTS (SELECT 1 FROM ins)';
    const result: { alert_id: string | null; outbox_id: string | null; nats_msg_id: string | null; target_agency: string | null }[] = await this.ds.query(
      `WITH ins AS (
         INSERT INTO tlog_alerts (id, message_id, fingerprint, role, origin, witness, reason, proven, known, presented, old_size, proof, detected_at, recorded_at, signed)
         VALUES ($1, $2, $20, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT DO NOTHING RETURNING id),
       ntf AS (
         INSERT INTO notifications (id, key, unit_id, type, obligation, period, message_id, counterparts, params, text, at)
         SELECT gen_random_uuid(), 'tlog-alert:' || $2 || ':' || u.unit_id, u.unit_id, $15, NULL, NULL, $2, '{}', $16::jsonb, $17, $13
           FROM (SELECT DISTINCT unit_id FROM users WHERE role = 'admin' AND disabled_at IS NULL) u
          WHERE ${gate}
         ON CONFLICT (key) DO NOTHING),
       aud AS (${auditLogInsert('$18', gate)}),
       obx AS (${outboxInsert('$19', gate)})
       SELECT id::text AS alert_id, NULL AS outbox_id, NULL AS nats_msg_id, NULL AS target_agency FROM ins
       UNION ALL SELECT NULL, id::text, nats_msg_id, target_agency FROM obx`,
      [
        a.id,
        a.messageId,
        a.role,
        a.origin,
        a.witness,
        a.reason,
        a.proven,
        a.known,
        a.presented,
        a.oldSize,
        a.proof,
        a.detectedAt,
        at,
        a.signed ? Buffer.from(a.signed) : null,
        n.type,
        JSON.stringify(n.params),
        n.text,
        auditJson,
        outboxJson,
        a.fingerprint,
      ],
    );
    return { stored: result.some((r) => r.alert_id !== null), outbox: outboxAmong(result) };
  }

  /** Every alert, newest first. */
  async list(limit = 200): Promise<TlogAlertView[]> {
    const rows: Array<Record<string, unknown>> = await this.ds.query(
      `SELECT id, message_id, role, origin, witness, reason, proven, known, presented, old_size, proof, detected_at, recorded_at
         FROM tlog_alerts ORDER BY recorded_at DESC, id DESC LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({
      id: r.id as string,
      messageId: r.message_id as string,
      role: r.role as 'witness' | 'accused',
      origin: r.origin as string,
      witness: r.witness as string,
      reason: r.reason as string,
      proven: r.proven as boolean,
      known: r.known as string,
      presented: r.presented as string,
      oldSize: Number(r.old_size),
      proof: r.proof as string[],
      detectedAt: r.detected_at as Date,
      recordedAt: r.recorded_at as Date,
    }));
  }
}
