/**
 * The conformance cases of the bus protocol (docs/protocol.md): signed envelopes a node must accept
 * and the odd ones it must refuse, each with its expected outcome (a DeadLetterReason). The same
 * builders make the fixed test vectors (scripts/vectors.ts: fixed keys, a fixed clock) and the
 * messages `shekara conformance` sends to a running node (its peer's real keys, the real clock).
 */
import { sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  CURRENT_SCHEMA_VERSION,
  Classification,
  DeadLetterReason,
  EnvelopeSchema,
  MessageKind,
  encodeEnvelope,
  encodeSigned,
  type Envelope,
} from '@shekara/contracts';
import type { Directory } from '@shekara/directory';
import { auditBatchSigningInput, batchSigningInput, merkleTree } from '@shekara/security';

/** A key a case signs with. */
export interface CaseKey {
  keyId: string;
  privateKey: KeyObject;
}

/** Who and what the cases are made with. */
export interface CaseContext {
  /** The sending unit (of the peer agency) and its valid key. */
  sender: string;
  senderKey: CaseKey;
  /** Another unit of the sender's agency with its key (to sign as the wrong unit). */
  other: string;
  otherKey: CaseKey;
  /** A unit of the node's agency the sender may send to. */
  recipient: string;
  /** A unit of the node's agency that shares no interaction group with the sender. */
  stranger?: string;
  /** A unit of neither agency. */
  outsider: string;
  /** Keys of the sender the directory holds as expired and as revoked (the offline vectors only). */
  expiredKey?: CaseKey;
  revokedKey?: CaseKey;
  notYetValidKey?: CaseKey;
  /** The recipient's clock. */
  now: Date;
  /** A new UUIDv7 each call. */
  newId: () => string;
}

export type Expected = 'ok' | DeadLetterReason;

export interface EnvelopeCase {
  name: string;
  /** What the case is about, for the listing. */
  about: string;
  expect: Expected;
  /** Needs a key state a running node cannot be put in from outside (expired, revoked): vectors only. */
  offlineOnly?: boolean;
  /** Needs `stranger`. */
  needsStranger?: boolean;
  /** The SignedEnvelope bytes, and the message id when the envelope has one. */
  build: (ctx: CaseContext) => { bytes: Uint8Array; messageId?: string };
}

const SECOND = 1000;

/** A daily report from the sender to `recipients`, created a little before the recipient's clock. */
export function dailyReport(ctx: CaseContext, overrides: { recipients?: string[]; createdAt?: Date; summary?: string; period?: string } = {}): Envelope {
  const createdAt = overrides.createdAt ?? new Date(ctx.now.getTime() - 5 * SECOND);
  return create(EnvelopeSchema, {
    messageId: ctx.newId(),
    correlationId: '',
    kind: MessageKind.DAILY,
    senderUnit: ctx.sender,
    recipientUnits: overrides.recipients ?? [ctx.recipient],
    createdAt: timestampFromDate(createdAt),
    reportedAt: timestampFromDate(createdAt),
    schemaVersion: CURRENT_SCHEMA_VERSION,
    classification: Classification.UNCLASSIFIED,
    payload: { case: 'daily', value: { summary: overrides.summary ?? 'Conformance vector: no changes at the checkpoints.', changes: [], ...(overrides.period ? { period: overrides.period } : {}) } },
  } as never);
}

/** A SignedEnvelope with a single signature over the envelope bytes. */
export function signSingle(envelope: Uint8Array, key: CaseKey): Uint8Array {
  return encodeSigned({ envelope, keyId: key.keyId, signature: new Uint8Array(sign(null, envelope, key.privateKey)) });
}

/** One signature over the Merkle root of `envelopes`; the SignedEnvelope of each with its proof. */
export function signBatchOf(envelopes: readonly Uint8Array[], key: CaseKey): { root: Uint8Array; signedInput: Uint8Array; signature: Uint8Array; signed: Uint8Array[] } {
  const { root, proofs } = merkleTree(envelopes);
  const signedInput = batchSigningInput(root, envelopes.length);
  const signature = new Uint8Array(sign(null, signedInput, key.privateKey));
  const signed = envelopes.map((envelope, i) =>
    encodeSigned({ envelope, keyId: key.keyId, signature, batchProof: { siblings: proofs[i].path, index: proofs[i].index, leafCount: proofs[i].size } }),
  );
  return { root, signedInput, signature, signed };
}

/** A batch of `n` fresh reports signed at once; the case's message is the one at `index`, its proof changed by `tamper`. */
function batchCase(ctx: CaseContext, n: number, index: number, tamper?: (p: { siblings: Uint8Array[]; index: number; leafCount: number }) => void): { bytes: Uint8Array; messageId: string } {
  const envs = Array.from({ length: n }, () => dailyReport(ctx));
  const bytes = envs.map(encodeEnvelope);
  const { root, proofs } = merkleTree(bytes);
  const signature = new Uint8Array(sign(null, batchSigningInput(root, n), ctx.senderKey.privateKey));
  const proof = { siblings: [...proofs[index].path], index: proofs[index].index, leafCount: proofs[index].size };
  tamper?.(proof);
  return { bytes: encodeSigned({ envelope: bytes[index], keyId: ctx.senderKey.keyId, signature, batchProof: proof }), messageId: envs[index].messageId };
}

function single(ctx: CaseContext, env: Envelope, key = ctx.senderKey): { bytes: Uint8Array; messageId: string } {
  return { bytes: signSingle(encodeEnvelope(env), key), messageId: env.messageId };
}

export const ENVELOPE_CASES: readonly EnvelopeCase[] = [
  // Accepted.
  { name: 'single-signature', about: 'a daily report with a single signature', expect: 'ok', build: (c) => single(c, dailyReport(c)) },
  { name: 'batch-of-1', about: 'a batch of 1 (empty path, root = leaf)', expect: 'ok', build: (c) => batchCase(c, 1, 0) },
  { name: 'batch-of-3-last', about: 'the last report of a batch of 3', expect: 'ok', build: (c) => batchCase(c, 3, 2) },
  { name: 'batch-of-5-middle', about: 'the third report of a batch of 5', expect: 'ok', build: (c) => batchCase(c, 5, 2) },
  { name: 'created-a-day-ago', about: 'a report delayed by a cut link (created 1 day before it arrives)', expect: 'ok', build: (c) => single(c, dailyReport(c, { createdAt: new Date(c.now.getTime() - 86_400 * SECOND) })) },
  // Refused: origin.
  { name: 'not-protobuf', about: 'bytes that are not a SignedEnvelope', expect: DeadLetterReason.Malformed, build: () => ({ bytes: new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f]) }) },
  {
    name: 'envelope-not-protobuf',
    about: 'a correct signature over bytes that are not an Envelope',
    expect: DeadLetterReason.Malformed,
    build: (c) => ({ bytes: signSingle(new Uint8Array([0x0a, 0xff, 0x01]), c.senderKey) }),
  },
  { name: 'no-signature', about: 'a key id but no signature', expect: DeadLetterReason.Unsigned, build: (c) => ({ bytes: encodeSigned({ envelope: encodeEnvelope(dailyReport(c)), keyId: c.senderKey.keyId }) }) },
  {
    name: 'flipped-signature-bit',
    about: 'one bit of the signature flipped',
    expect: DeadLetterReason.BadSignature,
    build: (c) => {
      const env = dailyReport(c);
      const envelope = encodeEnvelope(env);
      const signature = new Uint8Array(sign(null, envelope, c.senderKey.privateKey));
      signature[10] ^= 0x01;
      return { bytes: encodeSigned({ envelope, keyId: c.senderKey.keyId, signature }), messageId: env.messageId };
    },
  },
  {
    name: 'envelope-changed-after-signing',
    about: 'the envelope bytes changed after signing (the summary)',
    expect: DeadLetterReason.BadSignature,
    build: (c) => {
      const env = dailyReport(c);
      const signature = new Uint8Array(sign(null, encodeEnvelope(env), c.senderKey.privateKey));
      if (env.payload.case === 'daily') env.payload.value.summary = 'Changed after signing.';
      const changed = encodeEnvelope(env);
      return { bytes: encodeSigned({ envelope: changed, keyId: c.senderKey.keyId, signature }), messageId: env.messageId };
    },
  },
  {
    name: 'short-signature',
    about: 'a 63-byte signature',
    expect: DeadLetterReason.BadSignature,
    build: (c) => {
      const envelope = encodeEnvelope(dailyReport(c));
      return { bytes: encodeSigned({ envelope, keyId: c.senderKey.keyId, signature: new Uint8Array(sign(null, envelope, c.senderKey.privateKey)).slice(0, 63) }) };
    },
  },
  { name: 'signed-by-another-unit', about: "signed with another unit's valid key, claiming the sender", expect: DeadLetterReason.BadSignature, build: (c) => single(c, dailyReport(c), c.otherKey) },
  {
    name: 'unknown-key-id',
    about: 'a key id the directory does not know',
    expect: DeadLetterReason.BadSignature,
    build: (c) => single(c, dailyReport(c), { keyId: `${c.sender}#AAAAAAAAAAAAAAAA`, privateKey: c.senderKey.privateKey }),
  },
  {
    name: 'audit-context-signature',
    about: 'the signature of an audit batch over the envelope bytes (other context)',
    expect: DeadLetterReason.BadSignature,
    build: (c) => {
      const envelope = encodeEnvelope(dailyReport(c));
      return { bytes: encodeSigned({ envelope, keyId: c.senderKey.keyId, signature: new Uint8Array(sign(null, auditBatchSigningInput(envelope), c.senderKey.privateKey)) }) };
    },
  },
  {
    name: 'batch-root-without-size',
    about: 'a batch signature over the bare root (no context, no size)',
    expect: DeadLetterReason.BadSignature,
    build: (c) => {
      const bytes = [encodeEnvelope(dailyReport(c)), encodeEnvelope(dailyReport(c))];
      const { root, proofs } = merkleTree(bytes);
      const signature = new Uint8Array(sign(null, root, c.senderKey.privateKey));
      return { bytes: encodeSigned({ envelope: bytes[0], keyId: c.senderKey.keyId, signature, batchProof: { siblings: proofs[0].path, index: 0, leafCount: 2 } }) };
    },
  },
  { name: 'batch-wrong-index', about: 'a batch proof with another leaf index', expect: DeadLetterReason.BadSignature, build: (c) => batchCase(c, 5, 1, (p) => (p.index = 0)) },
  { name: 'batch-size-changed', about: 'a batch proof claiming 6 leaves for a tree of 5', expect: DeadLetterReason.BadSignature, build: (c) => batchCase(c, 5, 4, (p) => (p.leafCount = 6)) },
  { name: 'batch-index-out-of-range', about: 'a batch proof whose index is the size', expect: DeadLetterReason.BadSignature, build: (c) => batchCase(c, 3, 2, (p) => (p.index = 3)) },
  { name: 'batch-path-too-short', about: 'a batch proof missing its last sibling', expect: DeadLetterReason.BadSignature, build: (c) => batchCase(c, 5, 0, (p) => p.siblings.pop()) },
  { name: 'batch-path-too-long', about: 'a batch proof with one sibling too many', expect: DeadLetterReason.BadSignature, build: (c) => batchCase(c, 3, 0, (p) => p.siblings.push(new Uint8Array(32))) },
  { name: 'key-not-yet-valid', about: 'signed with a key whose notBefore is after the creation', expect: DeadLetterReason.KeyNotYetValid, offlineOnly: true, build: (c) => single(c, dailyReport(c), c.notYetValidKey) },
  { name: 'expired-key', about: 'signed with a key whose notAfter is before the creation', expect: DeadLetterReason.ExpiredKey, offlineOnly: true, build: (c) => single(c, dailyReport(c), c.expiredKey) },
  { name: 'revoked-key', about: 'signed with a revoked key', expect: DeadLetterReason.RevokedKey, offlineOnly: true, build: (c) => single(c, dailyReport(c), c.revokedKey) },
  // Refused after the origin verified (answered with a REJECTED receipt).
  { name: 'empty-summary', about: 'a daily report without its required summary', expect: DeadLetterReason.Schema, build: (c) => single(c, dailyReport(c, { summary: '' })) },
  {
    name: 'created-in-the-future',
    about: "created 10 minutes after the recipient's clock (skew 2 min)",
    expect: DeadLetterReason.ClockSkew,
    build: (c) => single(c, dailyReport(c, { createdAt: new Date(c.now.getTime() + 600 * SECOND) })),
  },
  { name: 'period-long-past', about: 'a daily report for a day in 1999', expect: DeadLetterReason.ImplausibleTime, build: (c) => single(c, dailyReport(c, { period: '1999-01-01' })) },
  { name: 'not-addressed-here', about: "addressed only to a unit of another agency", expect: DeadLetterReason.NotAddressed, build: (c) => single(c, dailyReport(c, { recipients: [c.outsider] })) },
  {
    name: 'recipient-not-permitted',
    about: 'addressed to a unit that shares no interaction group with the sender',
    expect: DeadLetterReason.NotPermitted,
    needsStranger: true,
    build: (c) => single(c, dailyReport(c, { recipients: [c.stranger!] })),
  },
];

/**
 * The units the cases use, found in a directory: the first unit of `peer` (by id) with a counterpart
 * in `agency` and another unit of `peer`, the first such counterpart, a unit of `agency` it may not
 * send to, and a unit of the third agency. `hasKey` limits the peer's units to those one holds keys of.
 */
export function pickUnits(directory: Directory, agency: string, peer: string, hasKey: (unit: string) => boolean = () => true): { sender: string; other: string; recipient: string; stranger?: string; outsider: string } {
  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const peers = directory.units({ agency: peer as never }).filter((u) => hasKey(u.id)).sort(byId);
  const locals = directory.units({ agency: agency as never }).sort(byId);
  const sender = peers.find((u) => locals.some((l) => directory.canSend(u.id, l.id)));
  if (!sender) throw new Error(`no unit of ${peer} may send to a unit of ${agency}`);
  const other = peers.find((u) => u.id !== sender.id);
  if (!other) throw new Error(`${peer} has only one unit`);
  const recipient = locals.find((l) => directory.canSend(sender.id, l.id))!;
  const stranger = locals.find((l) => !directory.canSend(sender.id, l.id));
  const outsider = directory.units().filter((u) => u.agency !== agency && u.agency !== peer).sort(byId)[0];
  if (!outsider) throw new Error('no unit of a third agency');
  return { sender: sender.id, other: other.id, recipient: recipient.id, stranger: stranger?.id, outsider: outsider.id };
}
