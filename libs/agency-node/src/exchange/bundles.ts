import { createHash } from 'node:crypto';
import { BUNDLE_MAX_ENVELOPES, encodeBundle } from '@shekara/contracts';

/** A signed envelope to publish alone: the row it comes from, its subject, bytes and Nats-Msg-Id. */
export interface Single<R> {
  row: R;
  subject: string;
  data: Uint8Array;
  msgID: string;
}

/** One bus message: one envelope, or a bundle of several to one subject (`bundle`: its header value). */
export interface Publication<R> {
  rows: R[];
  subject: string;
  data: Uint8Array;
  msgID: string;
  bundle?: string;
}

export interface BundleLimits {
  /** Envelopes in a bundle at most. */
  maxEnvelopes: number;
  /** Bytes of a bundle's envelopes at most (the bus's max_payload is 1 MiB). */
  maxBytes: number;
  /** An envelope larger than this goes alone (a data bank attachment chunk). */
  aloneBytes: number;
}

export const BUNDLE_LIMITS: BundleLimits = { maxEnvelopes: BUNDLE_MAX_ENVELOPES, maxBytes: 512 * 1024, aloneBytes: 64 * 1024 };

/**
 * The bus messages for envelopes dispatched at the same moment: those to the same subject go in
 * bundles (docs/protocol.md, "Bundles"), in the order given, within the limits; an envelope with no
 * company goes alone, as before bundles, under its own Nats-Msg-Id. A bundle's Nats-Msg-Id is made
 * from its envelopes' ids: the same envelopes re-published together are dropped by the server's
 * duplicate window, others are harmless (the recipient's inbox stores a message once).
 */
export function bundlePublications<R>(items: readonly Single<R>[], limits: BundleLimits = BUNDLE_LIMITS): Publication<R>[] {
  const out: Publication<R>[] = [];
  const open = new Map<string, { items: Single<R>[]; bytes: number }>();
  const close = (subject: string) => {
    const group = open.get(subject);
    open.delete(subject);
    if (!group) return;
    if (group.items.length === 1) {
      const [one] = group.items;
      out.push({ rows: [one.row], subject, data: one.data, msgID: one.msgID });
      return;
    }
    out.push({
      rows: group.items.map((i) => i.row),
      subject,
      data: encodeBundle(group.items.map((i) => i.data)),
      msgID: `bundle-${createHash('sha256').update(group.items.map((i) => i.msgID).join(' ')).digest('hex').slice(0, 32)}`,
      bundle: String(group.items.length),
    });
  };
  for (const item of items) {
    if (item.data.length > limits.aloneBytes) {
      out.push({ rows: [item.row], subject: item.subject, data: item.data, msgID: item.msgID });
      continue;
    }
    let group = open.get(item.subject);
    if (group && (group.items.length >= limits.maxEnvelopes || group.bytes + item.data.length > limits.maxBytes)) {
      close(item.subject);
      group = undefined;
    }
    if (!group) open.set(item.subject, (group = { items: [], bytes: 0 }));
    group.items.push(item);
    group.bytes += item.data.length;
  }
  for (const subject of [...open.keys()]) close(subject);
  return out;
}
