import { timestampDate } from '@bufbuild/protobuf/wkt';
import { DeadLetterReason, decodeEnvelope, decodeSigned, deadLetterText } from '@shekara/contracts';
import type { Envelope } from '@shekara/contracts';
import type { Directory, KeyRefusal } from '@shekara/directory';
import { SignatureVerifier } from '@shekara/security';

/** Why an envelope's origin could not be established; each a dead-letter reason's first words. */
export type UnverifiedKind = DeadLetterReason.Malformed | DeadLetterReason.Unsigned | DeadLetterReason.BadSignature | KeyRefusal;

export type OriginCheck =
  | { ok: true; env: Envelope; signerUnit: string }
  | { ok: false; kind: UnverifiedKind; reason: string; env?: Envelope };

/**
 * Establishes who sent a SignedEnvelope: the bytes parse, the signature verifies with the
 * directory's public key of its key id, the signing unit is the envelope's sender, and the key was
 * valid when the envelope says it was created (a revoked key: never). Only an envelope that passes
 * may be answered with a signed receipt; schema and addressing are checked by the caller after.
 */
export class EnvelopeOrigin {
  private readonly verifier: SignatureVerifier;

  constructor(
    private readonly directory: Directory,
    private readonly now: () => Date,
  ) {
    this.verifier = new SignatureVerifier((keyId) => {
      const publicKey = this.directory.publicKey(keyId);
      return publicKey ? { publicKey, unitId: this.directory.keyOwner(keyId) } : undefined;
    });
  }

  check(bytes: Uint8Array): OriginCheck {
    let signed;
    try {
      signed = decodeSigned(bytes);
    } catch (e) {
      return { ok: false, kind: DeadLetterReason.Malformed, reason: deadLetterText(DeadLetterReason.Malformed, `not a SignedEnvelope (${(e as Error).message})`) };
    }
    if (!signed.keyId || !signed.signature.length) return { ok: false, kind: DeadLetterReason.Unsigned, reason: deadLetterText(DeadLetterReason.Unsigned, 'no key id or signature') };
    const p = signed.batchProof;
    const sig = this.verifier.verify(signed.keyId, signed.envelope, signed.signature, p ? { index: p.index, size: p.leafCount, path: p.siblings } : undefined);
    if (!sig.ok) return { ok: false, kind: DeadLetterReason.BadSignature, reason: deadLetterText(DeadLetterReason.BadSignature, sig.reason) };
    let env: Envelope;
    try {
      env = decodeEnvelope(signed.envelope);
    } catch (e) {
      return { ok: false, kind: DeadLetterReason.Malformed, reason: deadLetterText(DeadLetterReason.Malformed, `envelope does not parse (${(e as Error).message})`) };
    }
    if (env.senderUnit !== sig.unitId) return { ok: false, kind: DeadLetterReason.BadSignature, reason: deadLetterText(DeadLetterReason.BadSignature, `signed by ${sig.unitId} but claims sender ${env.senderUnit.slice(0, 200)}`), env };
    // The creation instant is inside the signed bytes; without one, the key must be valid now.
    const createdAt = env.createdAt ? timestampDate(env.createdAt) : this.now();
    if (Number.isNaN(createdAt.getTime())) return { ok: false, kind: DeadLetterReason.Malformed, reason: deadLetterText(DeadLetterReason.Malformed, 'createdAt is not an instant'), env };
    const key = this.directory.keyValidAt(signed.keyId, createdAt);
    if (!key.ok) return { ok: false, kind: key.refusal, reason: deadLetterText(key.refusal as unknown as DeadLetterReason, key.reason), env };
    return { ok: true, env, signerUnit: sig.unitId };
  }
}
