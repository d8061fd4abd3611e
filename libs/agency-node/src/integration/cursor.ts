import type { FeedPosition } from '../store';

/** The start of the feed (before every event). */
export const FEED_START: FeedPosition = { tx: '0', seq: '0' };

/**
 * A feed cursor: opaque to clients (base64url), naming the account it was issued to and a position
 * in the feed (the event's transaction id and sequence number). A cursor is only ever compared with
 * the feed of its own account.
 */
export function encodeCursor(accountId: string, p: FeedPosition): string {
  return Buffer.from(`${accountId}.${p.tx}.${p.seq}`, 'utf8').toString('base64url');
}

/** The account and position of a cursor, or undefined when it is not one the feed issues. */
export function decodeCursor(cursor: string): { accountId: string; position: FeedPosition } | undefined {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) return undefined;
  const m = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(0|[1-9]\d{0,18})\.(0|[1-9]\d{0,17})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) return undefined;
  return { accountId: m[1], position: { tx: m[2], seq: m[3] } };
}
