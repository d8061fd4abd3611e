import { Inject, Injectable } from '@nestjs/common';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { Clock, uuidv7 } from '@shekara/common';
import { NotificationType, Obligation } from '@shekara/contracts';
import type { NotifyRequest } from '@shekara/contracts';
import type { Directory } from '@shekara/directory';
import type { AgencyNodeConfig } from '../core';
import { DIRECTORY, LiveEvents, NODE_CONFIG, NodeError, NodeErrorCode } from '../core';
import { NotificationsStore } from '../store';

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
    private readonly db: NotificationsStore,
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
      const inserted = await this.db.insert({
        id,
        key: n.key,
        unitId: n.unitId,
        type: NotificationType[n.type],
        obligation: n.obligation ? Obligation[n.obligation] : null,
        period: n.period || null,
        messageId: n.messageId || null,
        counterparts: n.counterparts,
        text: n.text,
        at: n.at ? timestampDate(n.at) : this.clock.now(),
      });
      if (inserted) {
        stored++;
        this.live.emit(n.unitId, { type: 'notification', id, box: 'notifications' });
      }
    }
    return { stored };
  }

  async list(unitId: string, page: number, pageSize: number): Promise<{ items: NotificationView[]; total: number; page: number; pageSize: number }> {
    const { rows, total: n } = await this.db.page(unitId, page, pageSize);
    return {
      items: rows.map((r) => ({ id: r.id, at: r.at, type: r.type, obligation: r.obligation, period: r.period, messageId: r.message_id, counterparts: r.counterparts, text: r.text })),
      total: n,
      page,
      pageSize,
    };
  }
}
