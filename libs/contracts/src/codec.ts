/**
 * Binary encoding of the bus messages. Signing and verification happen elsewhere (the security
 * library): these helpers only turn messages into bytes and back.
 */
import { create, fromBinary, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import type { Envelope, SignedEnvelope } from './gen/shekara/v1/envelope_pb';
import { EnvelopeSchema, SignedEnvelopeSchema } from './gen/shekara/v1/envelope_pb';

/** The bytes of an envelope: what the sender signs and puts into `SignedEnvelope.envelope`. */
export function encodeEnvelope(env: Envelope): Uint8Array {
  return toBinary(EnvelopeSchema, env);
}

/** Parses envelope bytes (after the signature over them was verified). Throws on malformed bytes. */
export function decodeEnvelope(bytes: Uint8Array): Envelope {
  return fromBinary(EnvelopeSchema, bytes);
}

/** The bytes published on the bus for a signed envelope. */
export function encodeSigned(signed: SignedEnvelope | MessageInitShape<typeof SignedEnvelopeSchema>): Uint8Array {
  return toBinary(SignedEnvelopeSchema, create(SignedEnvelopeSchema, signed));
}

/** Parses the bytes received from the bus. Throws on malformed bytes. */
export function decodeSigned(bytes: Uint8Array): SignedEnvelope {
  return fromBinary(SignedEnvelopeSchema, bytes);
}

/**
 * The bytes of an AuditEventBatch of events already encoded (each the bytes of one AuditEvent): the
 * wire form of a repeated message field is each element's tag (field 1, length-delimited: 0x0a),
 * its length as a varint and its bytes, so the events are not decoded and encoded again.
 */
export function encodeAuditEventBatch(events: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const e of events) size += 1 + varintSize(e.length) + e.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const e of events) {
    out[at++] = 0x0a;
    for (let n = e.length; ; n >>>= 7) {
      if (n < 0x80) {
        out[at++] = n;
        break;
      }
      out[at++] = (n & 0x7f) | 0x80;
    }
    out.set(e, at);
    at += e.length;
  }
  return out;
}

function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n >>>= 7;
    size++;
  }
  return size;
}
