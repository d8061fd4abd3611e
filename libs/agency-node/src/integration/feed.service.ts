import { Injectable } from '@nestjs/common';
import { mayRead } from '@shekara/auth';
import type { AuthUser } from '@shekara/auth';
import { NodeError, NodeErrorCode } from '../core';
import { IntegrationStore } from '../store';
import type { FeedEventRow, FeedPosition } from '../store';
import { FEED_START, decodeCursor, encodeCursor } from './cursor';
import type { AckResponse, FeedEvent, FeedPage } from './dto';

export const DEFAULT_FEED_LIMIT = 100;

/**
 * The durable feed of a service account (docs/integration.md): the events of its units after a
 * cursor, oldest first; nothing leaves it on reading. An acknowledgement moves the account's
 * position forward; a pull without a cursor starts there, so whatever a client fetched but did not
 * acknowledge (it crashed, the node restarted) is delivered again: at least once.
 */
@Injectable()
export class FeedService {
  constructor(private readonly store: IntegrationStore) {}

  async pull(client: AuthUser, after: string | undefined, limit = DEFAULT_FEED_LIMIT): Promise<FeedPage> {
    const account = await this.account(client);
    const acked = { tx: account.acked_tx, seq: account.acked_seq };
    const from = after === undefined ? acked : await this.position(client, after);
    const { events, next } = await this.page(client, from, limit);
    return { events, next, acked: encodeCursor(client.id, acked) };
  }

  /** Up to `limit` events after `from` (the pull feed and the webhook both read through it). */
  async page(client: AuthUser, from: FeedPosition, limit: number): Promise<{ events: FeedEvent[]; next: string; last?: FeedPosition }> {
    const rows = await this.store.feed(client.client!.units, from, limit);
    const events = rows.map((r) => eventOf(client, r));
    const last = rows.at(-1);
    return { events, next: events.at(-1)?.cursor ?? encodeCursor(client.id, from), last: last ? { tx: last.tx, seq: last.seq } : undefined };
  }

  /** Acknowledges a cursor: it and every event before it are done (an older cursor changes nothing). */
  async ack(client: AuthUser, cursor: string): Promise<AckResponse> {
    const p = await this.position(client, cursor);
    return { acked: encodeCursor(client.id, await this.store.ack(client.id, p)) };
  }

  /** The position of a cursor of this account that the feed has reached; refused otherwise (nothing changes). */
  private async position(client: AuthUser, cursor: string): Promise<FeedPosition> {
    const c = decodeCursor(cursor);
    if (!c) throw new NodeError(NodeErrorCode.FeedCursorInvalid);
    if (c.accountId !== client.id) throw new NodeError(NodeErrorCode.FeedCursorForeign);
    if (!(c.position.tx === FEED_START.tx && c.position.seq === FEED_START.seq) && !(await this.store.reached(c.position))) throw new NodeError(NodeErrorCode.FeedCursorFuture);
    return c.position;
  }

  private async account(client: AuthUser) {
    const row = await this.store.byId(client.id);
    if (!row) throw new NodeError(NodeErrorCode.ClientNotFound);
    return row;
  }
}

function eventOf(client: AuthUser, r: FeedEventRow): FeedEvent {
  const cleared = mayRead(client.clearance, r.classification);
  return {
    cursor: encodeCursor(client.id, { tx: r.tx, seq: r.seq }),
    type: r.type,
    unitId: r.unit_id,
    at: r.at,
    messageId: r.message_id,
    recipientUnit: r.recipient_unit,
    status: r.status,
    reason: r.reason,
    message: {
      kind: r.kind,
      senderUnit: r.sender_unit,
      recipientUnits: r.recipient_units,
      correlationId: r.correlation_id,
      classification: r.classification,
      createdAt: r.created_at,
      reportedAt: r.reported_at,
      period: r.period,
      eventAt: r.event_at,
      confirms: r.confirms,
      ...(cleared ? { summary: r.summary, payload: r.payload } : { withheld: true }),
    },
  };
}
