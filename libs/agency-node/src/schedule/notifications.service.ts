import { Inject, Injectable } from '@nestjs/common';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { DataSource } from 'typeorm';
import { Clock, uuidv7 } from '@shekara/common';
import { NotificationType, Obligation } from '@shekara/contracts';
import type { NotifyRequest } from '@shekara/contracts';
import type { Directory } from '@shekara/directory';
import type { AgencyNodeConfig } from '../config';
import { NodeError, NodeErrorCode } from '../errors';
import { LiveEvents } from '../messages/live-events';
import { DIRECTORY, NODE_CONFIG } from '../tokens';

export interface NotificationView {
  id: string;
  at: Date;
  type: string;
  obligation: string | null;
  period: string | null;
  messageId: string | null;
  counterparts: string[];
  text: string;
}

/** Notifications raised to a unit's duty desk and supervisors (window open, reminder, missing, escalation). */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly live: LiveEvents,
    @Inject(DIRECTORY) private readonly directory: Directory,
    @Inject(NODE_CONFIG) private readonly config: AgencyNodeConfig,
  ) {}

  /** Stores notifications; a key already stored is ignored (the scheduler may repeat itself). */
  async store(req: NotifyRequest): Promise<{ stored: number }> {
    let stored = 0;
    for (const n of req.notifications) {
      if (this.directory.findUnit(n.unitId)?.agency !== this.config.agency) throw new NodeError(NodeErrorCode.UnknownUnit, `${n.unitId} is not a unit of ${this.config.agency}.`);
      if (!n.key || !n.text || n.type === NotificationType.UNSPECIFIED) throw new NodeError(NodeErrorCode.InvalidBody, 'A notification needs a key, a type and a text.');
      const id = uuidv7(this.clock);
      const inserted: unknown[] = await this.ds.query(
        `INSERT INTO notifications (id, key, unit_id, type, obligation, period, message_id, counterparts, text, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (key) DO NOTHING RETURNING id`,
        [id, n.key, n.unitId, NotificationType[n.type], n.obligation ? Obligation[n.obligation] : null, n.period || null, n.messageId || null, n.counterparts, n.text, n.at ? timestampDate(n.at) : this.clock.now()],
      );
      if (inserted.length) {
        stored++;
        this.live.emit(n.unitId, { type: 'notification', id, box: 'notifications' });
      }
    }
    return { stored };
  }

  async list(unitId: string, page: number, pageSize: number): Promise<{ items: NotificationView[]; total: number; page: number; pageSize: number }> {
    const [{ n }] = await this.ds.query(`SELECT count(*)::int AS n FROM notifications WHERE unit_id = $1`, [unitId]);
    const rows = await this.ds.query(
      `SELECT id, at, type, obligation, period, message_id, counterparts, text FROM notifications WHERE unit_id = $1 ORDER BY at DESC, id DESC LIMIT $2 OFFSET $3`,
      [unitId, pageSize, (page - 1) * pageSize],
    );
    return {
      items: rows.map((r: Record<string, never>) => ({ id: r.id, at: r.at, type: r.type, obligation: r.obligation, period: r.period, messageId: r.message_id, counterparts: r.counterparts, text: r.text })),
      total: n,
      page,
      pageSize,
    };
  }
}
