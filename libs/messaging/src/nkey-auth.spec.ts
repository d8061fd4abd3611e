import { nkeyAuthenticator } from '@nats-io/transport-node';
import { createUser, decode, fromPublic } from '@nats-io/nkeys';
import { nativeNkeyAuthenticator } from './nkey-auth';

describe('nativeNkeyAuthenticator', () => {
  const nonces = ['', 'ODdkNzQ3ZGUtMmY0Zi00ZGU2LWE3', 'nonce with spaces and ünïcode'];

  it("answers exactly as nats.js's nkeyAuthenticator (Ed25519 signatures are deterministic)", () => {
    for (let i = 0; i < 3; i++) {
      const seed = createUser().getSeed();
      const native = nativeNkeyAuthenticator(seed);
      const reference = nkeyAuthenticator(seed);
      for (const nonce of nonces) expect(native(nonce)).toEqual(reference(nonce));
      expect(native(undefined)).toEqual(reference(undefined));
    }
  });

  it("signs the nonce with the seed's key: the server's check (verify with the public nkey) passes, and fails for another nonce or key", () => {
    const user = createUser();
    const { nkey, sig } = nativeNkeyAuthenticator(user.getSeed())('the-server-nonce') as { nkey: string; sig: string };
    expect(nkey).toBe(user.getPublicKey());
    const enc = new TextEncoder();
    expect(fromPublic(nkey).verify(enc.encode('the-server-nonce'), decode(sig))).toBe(true);
    expect(fromPublic(nkey).verify(enc.encode('another-nonce'), decode(sig))).toBe(false);
    expect(fromPublic(createUser().getPublicKey()).verify(enc.encode('the-server-nonce'), decode(sig))).toBe(false);
  });

  it('refuses a seed that is not one, as nkeys does', () => {
    expect(() => nativeNkeyAuthenticator(new TextEncoder().encode('SUNOTASEED'))).toThrow();
  });
});
