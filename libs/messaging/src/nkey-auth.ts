import { sign, type KeyObject } from 'node:crypto';
import { encode, fromSeed } from '@nats-io/nkeys';
import type { Authenticator } from '@nats-io/transport-node';
import { ed25519PrivateKeyFromSeed } from '@shekara/security';

interface NativeNkey {
  /** The public nkey the server knows the identity by ("U…"). */
  nkey: string;
  key: KeyObject;
}

/** Per seed, what signing with it needs: derived once per process (a service reconnects with the same seed). */
const derived = new Map<string, NativeNkey>();

function native(seed: Uint8Array): NativeNkey {
  const text = new TextDecoder().decode(seed);
  let k = derived.get(text);
  if (!k) {
    const kp = fromSeed(seed);
    // The 32-byte Ed25519 seed: nkeys' key pair has it (getRawSeed), though its KeyPair type does not say so.
    const raw = (kp as unknown as { getRawSeed?: () => Uint8Array }).getRawSeed?.();
    if (!raw || raw.length !== 32) throw new Error('this version of @nats-io/nkeys does not give the raw seed');
    k = { nkey: kp.getPublicKey(), key: ed25519PrivateKeyFromSeed(raw) };
    derived.set(text, k);
  }
  return k;
}

/**
 * nats.js's `nkeyAuthenticator` with the nonce signed by Node's native Ed25519 instead of
 * tweetnacl in JavaScript: the same NKeyAuth answer (public nkey, base64url signature of the
 * nonce's UTF-8 bytes). tweetnacl derived the key pair twice and signed in JavaScript at every
 * connection: tens of milliseconds of CPU each on this machine, a second of every test system's start.
 */
export function nativeNkeyAuthenticator(seed: Uint8Array): Authenticator {
  const k = native(seed);
  return (nonce?: string) => ({ nkey: k.nkey, sig: nonce ? encode(sign(null, Buffer.from(nonce, 'utf8'), k.key)) : '' });
}
