import { Inject, Injectable, Logger } from '@nestjs/common';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { Clock, uuidv7, withLogContext } from '@shekara/common';
import { DeliveryOutcome } from '@shekara/contracts';
import type { Envelope } from '@shekara/contracts';
import type { Directory } from '@shekara/directory';
import { AuditAction } from '../audit';
import type { AgencyNodeConfig } from '../core';
import { DIRECTORY, LiveEvents, NODE_CONFIG, NodeMetrics } from '../core';
import { messageColumns, messageRow } from '../envelopes';
import { OutboxRelay, WriteBatches, deliveryReceipts } from '../exchange';
import { IncomingStore, LogStore, NotificationsStore } from '../store';
import { urgentNotifications } from './urgent-alerts';
import type { Verified } from './inbox-checks';

/** A verified message waiting for its group commit, with the exact bytes received. */
export interface Accepted extends Verified {
  bytes: Uint8Array;
}

/** Reports from other agencies' nodes: stored once, answered with a signed delivery receipt per local recipient. */
@Injectable()
export class IncomingReports {
  private readonly log = new Logger('Inbox');

  constructor(
    private readonly db: IncomingStore,
    private readonly writes: WriteBatches,
    private readonly dispatch: OutboxRelay,
    private readonly clock: Clock,
    private readonly metrics: NodeMetrics,
    private readonly live: LiveEvents,
    @Inject(DIRECTORY) private readonly directory: Directory,
    @Inject(NODE_CONFIG) private readonly config: AgencyNodeConfig,
    private readonly tlog: LogStore,
    private readonly notifications: NotificationsStore,
  ) {}

  /**
   * Stores reports once (by id) and (re-)sends a delivery receipt for each local recipient unit: the
   * messages, their local recipients, the audit entries and ledger events of those newly stored, and
   * the receipts, in ONE statement (`IncomingStore.insertReceived`). What is seen outside (metrics,
   * log, live events) is pushed to `after`, run once the whole batch is stored.
   */
  async store(items: Accepted[], after: (() => void)[]): Promise<void> {
    const now = this.clock.now();
    // The same message twice in one batch (a re-send racing the first copy) is stored once.
    const unique = [...new Map(items.map((i) => [i.env.messageId, i])).values()];
    const rows = unique.map((i) => ({ i, cols: messageColumns(i.env) }));
    const rIds: string[] = [];
    const rUnits: string[] = [];
    for (const { i } of rows) for (const u of i.localRecipients) (rIds.push(i.env.messageId), rUnits.push(u));
    // Audit entries for every message of the batch; only those of messages stored now are written.
    const batch = this.writes.begin();
    batch.audit(
      rows.map(({ i, cols }) => ({
        actor: i.env.senderUnit,
        action: AuditAction.Received,
        messageId: i.env.messageId,
        units: i.localRecipients,
        message: { kind: cols.kind, senderUnit: i.env.senderUnit, recipientUnits: i.env.recipientUnits, sentAt: timestampDate(i.env.createdAt!), reportedAt: cols.reportedAt, period: cols.period, eventAt: cols.eventAt, confirms: cols.confirms, summary: cols.summary, classification: cols.classification },
      })),
    );
    // Every copy is answered (a re-send means the sender may have missed the first receipt).
    batch.send(items.flatMap((i) => deliveryReceipts(this.clock, this.directory, i.env, i.localRecipients, DeliveryOutcome.DELIVERED)));
    const { stored } = await batch.write((p) =>
      this.db.insertReceived({
        at: now,
        messagesJson: JSON.stringify(
          rows.map(({ i, cols }) => ({
            ...messageRow(i.env, cols, timestampDate(i.env.createdAt!)),
            signed: Buffer.from(i.bytes.buffer, i.bytes.byteOffset, i.bytes.byteLength).toString('base64'),
          })),
        ),
        recipientIds: rIds,
        recipientUnits: rUnits,
        agency: this.config.agency,
        auditJson: p.auditJson,
        outboxJson: p.outboxJson,
      }),
    );
    // Committed (one statement): the receipts go to the dispatch at once.
    this.dispatch.handOver(batch.written);
    const fresh = new Set(stored);
    // The reports stored now go to the transparency log as received (a copy stored before is logged already).
    this.tlog.record(rows.filter(({ i }) => fresh.has(i.env.messageId)).map(({ i }) => ({ bytes: i.bytes, direction: 'received' as const })));
    // An urgent report alerts its recipients' desks (a notification each; a re-sent copy raises none).
    const alerts = rows
      .filter(({ cols }) => cols.kind === 'URGENT')
      .flatMap(({ i, cols }) =>
        urgentNotifications(
          {
            messageId: i.env.messageId,
            senderUnit: i.env.senderUnit,
            localRecipients: i.localRecipients,
            classification: cols.classification,
            reportedAt: cols.reportedAt,
            topic: (cols.payload.urgent as { topic?: string } | undefined)?.topic,
            summary: cols.summary,
          },
          now,
          () => uuidv7(this.clock),
        ),
      );
    const raised = new Set(await this.notifications.insertMany(alerts));
    after.push(() => {
      for (const { i, cols } of rows) {
        if (!fresh.has(i.env.messageId)) {
          this.metrics.duplicates.inc();
          continue;
        }
        this.metrics.received.inc({ kind: cols.kind });
        withLogContext({ messageId: i.env.messageId, correlationId: i.env.correlationId }, () => this.log.log({ msg: 'message stored', kind: cols.kind, sender: i.env.senderUnit, recipients: i.localRecipients }));
        this.metrics.inboxLatency.observe(Math.max(0, (now.getTime() - timestampDate(i.env.createdAt!).getTime()) / 1000));
        for (const u of i.localRecipients) this.live.emit(u, { type: 'message', id: i.env.messageId, box: 'inbox' });
      }
      for (const n of alerts) if (raised.has(n.id)) this.live.emit(n.unitId, { type: 'notification', id: n.id, box: 'notifications' });
    });
  }

}
