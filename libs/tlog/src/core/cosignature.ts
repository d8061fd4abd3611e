import { sign, verify, type KeyObject } from 'node:crypto';
import { TlogError, TlogErrorCode } from './errors';
import {
  SIG_TYPE_COSIGNATURE_V1,
  SIG_TYPE_ED25519,
  ed25519PublicKeyFromRaw,
  ed25519RawPublicKey,
  ed25519Verifier,
  isValidKeyName,
  keyId,
  parseVerifierKey,
  type NoteSignature,
  type NoteVerifier,
} from './note';

/**
 * C2SP tlog-cosignature, Ed25519 cosignature/v1 (signature type 0x04): the signature is
 * timestamp (u64, big-endian, POSIX seconds) || Ed25519 signature over
 * "cosignature/v1\ntime <timestamp>\n" || the whole checkpoint note text.
 */
const MAX_TIMESTAMP = 2n ** 63n - 1n;

export function cosignedMessage(checkpointText: string, timestamp: number): Uint8Array {
  return Buffer.from(`cosignature/v1\ntime ${timestamp}\n${checkpointText}`, 'utf8');
}

export class CosignatureSigner {
  readonly keyId: number;

  constructor(
    readonly name: string,
    private readonly privateKey: KeyObject,
  ) {
    if (!isValidKeyName(name)) throw new TlogError(TlogErrorCode.MALFORMED_KEY, `bad key name ${JSON.stringify(name)}`);
    this.keyId = keyId(name, SIG_TYPE_COSIGNATURE_V1, ed25519RawPublicKey(privateKey));
  }

  get publicKey(): Uint8Array {
    return ed25519RawPublicKey(this.privateKey);
  }

  /** Cosigns a checkpoint's note text at the given POSIX time (seconds). */
  cosign(checkpointText: string, timestamp: number): NoteSignature {
    if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new RangeError('bad timestamp');
    const sig = sign(null, cosignedMessage(checkpointText, timestamp), this.privateKey);
    const out = Buffer.alloc(8 + 64);
    out.writeBigUInt64BE(BigInt(timestamp), 0);
    sig.copy(out, 8);
    return { name: this.name, keyId: this.keyId, signature: new Uint8Array(out) };
  }
}

/** The timestamp of a cosignature/v1 signature (the bytes after the key ID), or undefined. */
export function cosignatureTimestamp(signature: Uint8Array): number | undefined {
  if (signature.length !== 72) return undefined;
  const t = Buffer.from(signature).readBigUInt64BE(0);
  return t <= MAX_TIMESTAMP && t <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(t) : undefined;
}

export function cosignatureVerifier(name: string, publicKey: KeyObject): NoteVerifier {
  if (!isValidKeyName(name)) throw new TlogError(TlogErrorCode.MALFORMED_KEY, `bad key name ${JSON.stringify(name)}`);
  const id = keyId(name, SIG_TYPE_COSIGNATURE_V1, ed25519RawPublicKey(publicKey));
  return {
    name,
    keyId: id,
    verify(text, signature) {
      const t = cosignatureTimestamp(signature);
      if (t === undefined) return false;
      return verify(null, cosignedMessage(Buffer.from(text).toString('utf8'), t), publicKey, signature.subarray(8));
    },
  };
}

/** A note verifier from a vkey of type 0x01 (Ed25519 log key) or 0x04 (cosignature/v1 witness key). */
export function verifierFromKey(vkey: string): NoteVerifier {
  const k = parseVerifierKey(vkey);
  const pub = ed25519PublicKeyFromRaw(k.publicKey);
  if (k.type === SIG_TYPE_ED25519) return ed25519Verifier(k.name, pub);
  if (k.type === SIG_TYPE_COSIGNATURE_V1) return cosignatureVerifier(k.name, pub);
  throw new TlogError(TlogErrorCode.MALFORMED_KEY, `unsupported signature type ${k.type}`);
}
