import { fromBinary, toJson, type DescField, type DescMessage } from '@bufbuild/protobuf';
import type { Timestamp } from '@bufbuild/protobuf/wkt';
import { DeliveryReceiptSchema, EnvelopeSchema, ReadReceiptSchema, SignedEnvelopeSchema, decodeEnvelope, decodeSigned, type DeliveryReceipt, type ReadReceipt } from '@shekara/contracts';

/**
 * What the verifier reads of a signed envelope: the envelope's header fields and its payload (kept
 * as bytes, converted to JSON only when a row is compared). A plain envelope is read with a direct
 * scan of the protobuf wire format, guided by the generated descriptors; anything unusual (unknown
 * or repeated fields, other wire types) is decoded by protobuf-es instead, so both read the same.
 */
export interface EnvelopeView {
  messageId: string;
  correlationId: string;
  kind: number;
  senderUnit: string;
  recipientUnits: string[];
  createdAt?: Timestamp;
  reportedAt?: Timestamp;
  classification: number;
  /** The oneof case (localName) of the payload, if any. */
  payloadCase?: string;
  payloadJson(): unknown;
  deliveryReceipt(): DeliveryReceipt | undefined;
  readReceipt(): ReadReceipt | undefined;
}

const JSON_OPTIONS = { alwaysEmitImplicit: false } as const;
const envelopeFields = new Map<number, DescField>(EnvelopeSchema.fields.map((f) => [f.number, f]));
const ENVELOPE_BYTES = SignedEnvelopeSchema.fields.find((f) => f.localName === 'envelope')!.number;

class WireError extends Error {}

class Reader {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}
  get done(): boolean {
    return this.pos >= this.buf.length;
  }
  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.buf.length) throw new WireError('truncated varint');
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return result;
    }
    throw new WireError('varint too long');
  }
  small(): number {
    // Lengths and tags: at most 5 bytes in practice.
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (this.pos >= this.buf.length) throw new WireError('truncated varint');
      const b = this.buf[this.pos++];
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return result;
    }
    throw new WireError('varint too long');
  }
  bytes(): Uint8Array {
    const n = this.small();
    if (this.pos + n > this.buf.length) throw new WireError('truncated field');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

const utf8 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');

function scanTimestamp(b: Uint8Array): Timestamp {
  const r = new Reader(b);
  let seconds = 0;
  let nanos = 0;
  let seen = 0;
  while (!r.done) {
    const tag = r.small();
    // Seconds and nanos of any real instant are small non-negative varints (others: protobuf-es).
    if ((tag !== 8 && tag !== 16) || seen & tag) throw new WireError('unusual timestamp');
    seen |= tag;
    const v = r.small();
    if (tag === 8) seconds = v;
    else nanos = v;
  }
  if (seconds > 2 ** 34 || nanos > 999_999_999) throw new WireError('unusual timestamp');
  return { seconds: BigInt(seconds), nanos } as Timestamp;
}

function payloadOf(field: DescField | undefined, bytes: Uint8Array | undefined) {
  let cached: unknown;
  const message = (schema: DescMessage) => (cached ??= fromBinary(schema, bytes!));
  return {
    json: () => (field?.message && bytes ? toJson(field.message, message(field.message) as never, JSON_OPTIONS) : undefined),
    delivery: () => (field?.message === DeliveryReceiptSchema && bytes ? (message(DeliveryReceiptSchema) as DeliveryReceipt) : undefined),
    read: () => (field?.message === ReadReceiptSchema && bytes ? (message(ReadReceiptSchema) as ReadReceipt) : undefined),
  };
}

const F_MESSAGE_ID = 1;
const F_CORRELATION_ID = 2;
const F_KIND = 3;
const F_SENDER = 4;
const F_RECIPIENTS = 5;
const F_CREATED = 6;
const F_REPORTED = 7;
const F_SCHEMA_VERSION = 8;
const F_CLASSIFICATION = 9;
// The header fields' numbers, checked against the generated descriptors once.
for (const [n, name] of [
  [F_MESSAGE_ID, 'messageId'],
  [F_CORRELATION_ID, 'correlationId'],
  [F_KIND, 'kind'],
  [F_SENDER, 'senderUnit'],
  [F_RECIPIENTS, 'recipientUnits'],
  [F_CREATED, 'createdAt'],
  [F_REPORTED, 'reportedAt'],
  [F_SCHEMA_VERSION, 'schemaVersion'],
  [F_CLASSIFICATION, 'classification'],
] as const)
  if (envelopeFields.get(n)?.localName !== name) throw new Error(`Envelope field ${n} is not ${name}: update envelope-view.ts`);

function scan(signed: Uint8Array): EnvelopeView {
  const outer = new Reader(signed);
  let env: Uint8Array | undefined;
  while (!outer.done) {
    const tag = outer.small();
    const wire = tag & 7;
    if (wire === 2) {
      const b = outer.bytes();
      if (tag >>> 3 === ENVELOPE_BYTES) {
        if (env) throw new WireError('envelope twice');
        env = b;
      }
    } else if (wire === 0) outer.varint();
    else throw new WireError('unusual signed envelope');
  }
  if (!env) throw new WireError('no envelope');
  const r = new Reader(env);
  let seen = 0;
  let messageId = '';
  let correlationId = '';
  let senderUnit = '';
  const recipientUnits: string[] = [];
  let kind = 0;
  let classification = 0;
  let createdAt: Timestamp | undefined;
  let reportedAt: Timestamp | undefined;
  let payloadField: DescField | undefined;
  let payloadBytes: Uint8Array | undefined;
  while (!r.done) {
    const tag = r.small();
    const number = tag >>> 3;
    const wire = tag & 7;
    if (number !== F_RECIPIENTS) {
      if (number > 30 || seen & (1 << number)) throw new WireError('field twice or unknown');
      seen |= 1 << number;
    }
    if (number === F_KIND || number === F_CLASSIFICATION || number === F_SCHEMA_VERSION) {
      if (wire !== 0) throw new WireError('bad wire type');
      const x = r.small(); // enums and the version are small non-negative numbers (others: protobuf-es)
      if (x > 0x7fffffff) throw new WireError('unusual number');
      if (number === F_KIND) kind = x;
      else if (number === F_CLASSIFICATION) classification = x;
      continue;
    }
    if (wire !== 2) throw new WireError('bad wire type');
    const b = r.bytes();
    switch (number) {
      case F_MESSAGE_ID:
        messageId = utf8(b);
        break;
      case F_CORRELATION_ID:
        correlationId = utf8(b);
        break;
      case F_SENDER:
        senderUnit = utf8(b);
        break;
      case F_RECIPIENTS:
        recipientUnits.push(utf8(b));
        break;
      case F_CREATED:
        createdAt = scanTimestamp(b);
        break;
      case F_REPORTED:
        reportedAt = scanTimestamp(b);
        break;
      default: {
        const f = envelopeFields.get(number);
        if (!f?.oneof || payloadField) throw new WireError('unknown field or second payload');
        payloadField = f;
        payloadBytes = b;
      }
    }
  }
  const p = payloadOf(payloadField, payloadBytes);
  return {
    messageId,
    correlationId,
    kind,
    senderUnit,
    recipientUnits,
    createdAt,
    reportedAt,
    classification,
    payloadCase: payloadField?.localName,
    payloadJson: p.json,
    deliveryReceipt: p.delivery,
    readReceipt: p.read,
  };
}

function decoded(signed: Uint8Array): EnvelopeView {
  const env = decodeEnvelope(decodeSigned(signed).envelope);
  const key = env.payload.case;
  return {
    messageId: env.messageId,
    correlationId: env.correlationId,
    kind: env.kind,
    senderUnit: env.senderUnit,
    recipientUnits: env.recipientUnits,
    createdAt: env.createdAt,
    reportedAt: env.reportedAt,
    classification: env.classification,
    payloadCase: key,
    payloadJson: () => (key ? (toJson(EnvelopeSchema, env, JSON_OPTIONS) as Record<string, unknown>)[key] ?? {} : undefined),
    deliveryReceipt: () => (env.payload.case === 'deliveryReceipt' ? env.payload.value : undefined),
    readReceipt: () => (env.payload.case === 'readReceipt' ? env.payload.value : undefined),
  };
}

/** Reads a signed envelope's bytes; throws if they are not one. */
export function envelopeView(signed: Uint8Array): EnvelopeView {
  try {
    return scan(signed);
  } catch (e) {
    if (!(e instanceof WireError)) throw e;
    return decoded(signed);
  }
}

/** The full protobuf-es decoding (for tests comparing it with the scan). */
export const decodedEnvelopeView = decoded;
