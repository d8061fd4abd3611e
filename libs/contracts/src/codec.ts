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
