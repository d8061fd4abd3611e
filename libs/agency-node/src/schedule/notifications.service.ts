import { Inject, Injectable } from '@nestjs/common';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { Clock, uuidv7 } from '@shekara/common';
import { NotificationType, Obligation } from '@shekara/contracts';
import type { NotifyRequest } from '@shekara/contracts';
import type { AuthUser } from '@shekara/auth';
import type { Directory } from '@shekara/directory';
import type { AgencyNodeConfig } from '../core';
import { DIRECTORY, LiveEvents, NODE_CONFIG, NodeError, NodeErrorCode } from '../core';
import { NotificationsStore } from '../store';
import { redactNotification } from './notification-redaction';
import { bi } from '@shekara/server';

export interface NotificationView {
  id: string;
  at: Date;
  /** The code the consoles render (with `params`, `obligation`, `period`, `counterparts`) in the user's language. */
  code: string;
  /** The same as `code` (kept for older consoles). */
  type: string;
  obligation: string | null;
  period: string | null;
  messageId: string | null;
  counterparts: string[];
  params: Record<string, string>;
  /** The Russian text, for readers without the params. */
  text: string;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  /** It names a message classified above the user's clearance: its text of the message is withheld. */
  restricted?: true;
}

/** Bounds of a notification's params (the scheduler's are a few short values). */
const MAX_PARAMS = 20;
const MAX_PARAM_LENGTH = 2000;

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
      if (this.directory.findUnit(n.unitId)?.agency !== this.config.agency) throw new NodeError(NodeErrorCode.UnknownUnit, bi(`${n.unitId} is not a unit of ${this.config.agency}.`, `${n.unitId} не подразделение ведомства ${this.config.agency}.`));
      if (!n.key || !n.text || n.type === NotificationType.UNSPECIFIED) throw new NodeError(NodeErrorCode.InvalidBody, bi('A notification needs a key, a type and a text.', 'У уведомления должны быть ключ, тип и текст.'));
      const params = Object.entries(n.params);
      if (params.length > MAX_PARAMS || params.some(([k, v]) => k.length > 64 || v.length > MAX_PARAM_LENGTH))
        throw new NodeError(NodeErrorCode.InvalidBody, bi(`A notification has at most ${MAX_PARAMS} params of at most ${MAX_PARAM_LENGTH} characters.`, `У уведомления не более ${MAX_PARAMS} параметров длиной не более ${MAX_PARAM_LENGTH} символов.`));
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
        params: Object.fromEntries(params),
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

  /**
   * A page of the user's unit's notifications, newest first (`open`: not acknowledged only), and how
   * many are not acknowledged; each as the user may read it (redactNotification, decided now).
   */
  async list(user: Pick<AuthUser, 'unitId' | 'clearance'>, page: number, pageSize: number, open = false): Promise<{ items: NotificationView[]; total: number; unacknowledged: number; page: number; pageSize: number }> {
    const { rows, total, unacknowledged } = await this.db.page(user.unitId, page, pageSize, open);
    return {
      items: rows.map((r) => {
        const shown = redactNotification({ type: r.type, counterparts: r.counterparts, params: r.params, text: r.text, messageClassification: r.message_classification }, user);
        return {
          id: r.id,
          at: r.at,
          code: r.type,
          type: r.type,
          obligation: r.obligation,
          period: r.period,
          messageId: r.message_id,
          counterparts: r.counterparts,
          params: shown.params,
          text: shown.text,
          acknowledgedAt: r.acknowledged_at,
          acknowledgedBy: r.acknowledged_by,
          ...(shown.restricted ? { restricted: true as const } : {}),
        };
      }),
      total,
      unacknowledged,
      page,
      pageSize,
    };
  }

  /**
   * A duty officer acknowledges notifications of their unit (`ids`, or every open one): each open
   * tab of the unit hears of it live. Ids of another unit's notifications change nothing.
   */
  async acknowledge(user: AuthUser, ids: string[] | undefined): Promise<{ acknowledged: number }> {
    if (user.role !== 'duty-officer') throw new NodeError(NodeErrorCode.ForbiddenRole, bi('Only duty officers acknowledge notifications.', 'Уведомления подтверждают только дежурные.'));
    const done = await this.db.acknowledge(user.unitId, ids, user.username, this.clock.now());
    for (const id of done) this.live.emit(user.unitId, { type: 'notification', id, box: 'notifications' });
    return { acknowledged: done.length };
  }
}
