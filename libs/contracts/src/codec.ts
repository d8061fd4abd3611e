/**
 * Binary encoding of the bus messages. Signing and verification happen elsewhere (the security
 * library): these helpers only turn messages into bytes and back.
 */
import { create, fromBinary, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import type { Envelope, SignedEnvelope } from './gen/shekara/v1/envelope_pb';
import { EnvelopeSchema, SignedEnvelopeBundleSchema, SignedEnvelopeSchema } from './gen/shekara/v1/envelope_pb';

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
  return repeatedField1(events);
}

/**
 * Bundles: several SignedEnvelopes to one recipient agency in one bus message, marked by the header
 * BUNDLE_HEADER (its value the number of envelopes). Without the header a bus message is one
 * SignedEnvelope. docs/protocol.md, "Bundles".
 */
export const BUNDLE_HEADER = 'Shekara-Bundle';
/** Envelopes in one bundle at most (a bundle of one is published as the envelope alone). */
export const BUNDLE_MAX_ENVELOPES = 256;

/** The bytes of a SignedEnvelopeBundle of signed envelopes already encoded (not decoded again). */
export function encodeBundle(signed: readonly Uint8Array[]): Uint8Array {
  return repeatedField1(signed);
}

/**
 * The signed envelopes of a bus message: the message itself, or, with the bundle header, each
 * element of the bundle. Throws (with the reason) on a malformed bundle, a count that differs from
 * the header's, or more than BUNDLE_MAX_ENVELOPES.
 */
export function envelopesOf(data: Uint8Array, bundleHeader: string | undefined): Uint8Array[] {
  if (bundleHeader === undefined) return [data];
  if (!/^\d{1,4}$/.test(bundleHeader)) throw new Error(`bundle header is not a count: ${bundleHeader.slice(0, 20)}`);
  const declared = Number(bundleHeader);
  if (declared < 2 || declared > BUNDLE_MAX_ENVELOPES) throw new Error(`a bundle holds 2 to ${BUNDLE_MAX_ENVELOPES} envelopes, the header says ${declared}`);
  let envelopes: Uint8Array[];
  try {
    envelopes = fromBinary(SignedEnvelopeBundleSchema, data).envelopes;
  } catch (err) {
    throw new Error(`not a SignedEnvelopeBundle: ${(err as Error).message}`);
  }
  if (envelopes.length !== declared) throw new Error(`the bundle holds ${envelopes.length} envelopes, its header says ${declared}`);
  return envelopes;
}

/** Each element's tag (field 1, length-delimited: 0x0a), its length as a varint and its bytes. */
function repeatedField1(events: readonly Uint8Array[]): Uint8Array {
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
