import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { ed25519Signer, ed25519Verifier, formatCheckpoint, signNote } from '@shekara/tlog';
import { alertFingerprint, provesFork } from './fork-alerts';

describe('fork alerts', () => {
  const origin = 'kz.shekara.interior/log';
  const key = generateKeyPairSync('ed25519');
  const verifiers = [ed25519Verifier(origin, key.publicKey)];
  const cp = (size: number, root: Uint8Array, signer = key.privateKey, o = origin) => signNote(formatCheckpoint({ origin: o, size, root, extensions: [] }), [ed25519Signer(o, signer)]);
  const root = randomBytes(32);

  it('two checkpoints of one size with different roots, both signed by the log, prove a fork', () => {
    expect(provesFork(origin, verifiers, cp(5, root), cp(5, randomBytes(32)))).toBe(true);
  });

  it('nothing less proves one: the same root, another size, another signer, another origin, garbage', () => {
    expect(provesFork(origin, verifiers, cp(5, root), cp(5, root))).toBe(false);
    expect(provesFork(origin, verifiers, cp(5, root), cp(6, randomBytes(32)))).toBe(false);
    expect(provesFork(origin, verifiers, cp(5, root), cp(5, randomBytes(32), generateKeyPairSync('ed25519').privateKey))).toBe(false);
    expect(provesFork(origin, verifiers, cp(5, root), cp(5, randomBytes(32), key.privateKey, 'kz.shekara.border/log'))).toBe(false);
    expect(provesFork(origin, verifiers, cp(5, root), 'garbage')).toBe(false);
  });

  it('one fingerprint per witness and evidence', () => {
    const e = { origin, reason: 'same-size', known: cp(5, root), presented: cp(5, randomBytes(32)) };
    expect(alertFingerprint('kz.shekara.border/witness', e)).toBe(alertFingerprint('kz.shekara.border/witness', { ...e }));
    expect(alertFingerprint('kz.shekara.customs/witness', e)).not.toBe(alertFingerprint('kz.shekara.border/witness', e));
    expect(alertFingerprint('kz.shekara.border/witness', { ...e, presented: cp(5, randomBytes(32)) })).not.toBe(alertFingerprint('kz.shekara.border/witness', e));
  });
});
