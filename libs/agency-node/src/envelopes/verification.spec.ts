import { create, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Classification, EnvelopeSchema, MessageKind, SignedEnvelopeSchema } from '@shekara/contracts';
import { Directory, addKey, buildDirectory, generateKeys, newUnitKey, parseAgencyKeys, retireKey, revokeKey } from '@shekara/directory';
import { UnitSigner } from '@shekara/security';
import { EnvelopeOrigin } from './verification';

const BORDER = 'border.l4.CP-CN-A-01';
const INTERIOR = 'interior.l4.CP-CN-A-01';
const { directory: data, privateKeys } = generateKeys(buildDirectory(), { from: new Date('2026-01-01T00:00:00Z') });
const base = Directory.fromJSON(data);
const borderKeys = parseAgencyKeys({ format: 'shekara-keys/1', ...privateKeys.find((s) => s.agency === 'border')! }, 'border', base);
const signer = new UnitSigner([...borderKeys].map(([keyId, privateKey]) => ({ keyId, privateKey, unitId: base.keyOwner(keyId) })));
const oldKey = base.unit(BORDER).keys[0].keyId;
const NOW = new Date('2026-07-10T00:00:00Z');

function signed(createdAt: Date, opts: { sender?: string; asUnit?: string; tamper?: boolean } = {}): Uint8Array {
  const env = create(EnvelopeSchema, {
    messageId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
    correlationId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
    kind: MessageKind.DAILY,
    senderUnit: opts.sender ?? BORDER,
    recipientUnits: [INTERIOR],
    createdAt: timestampFromDate(createdAt),
    schemaVersion: 1,
    classification: Classification.FOR_OFFICIAL_USE,
    payload: { case: 'daily', value: { summary: 'x' } },
  } as never);
  const bytes = toBinary(EnvelopeSchema, env);
  const sig = signer.sign(opts.asUnit ?? BORDER, bytes);
  if (opts.tamper) sig.signature[0] ^= 1;
  return toBinary(SignedEnvelopeSchema, create(SignedEnvelopeSchema, { envelope: bytes, keyId: sig.keyId, signature: sig.signature }));
}

describe('EnvelopeOrigin', () => {
  it('accepts an envelope signed by its sender with a key valid at its creation', () => {
    const r = new EnvelopeOrigin(base, () => NOW).check(signed(NOW));
    expect(r).toMatchObject({ ok: true, signerUnit: BORDER });
  });

  it('refuses garbage, a tampered signature and a signer that is not the sender', () => {
    const origin = new EnvelopeOrigin(base, () => NOW);
    expect(origin.check(new TextEncoder().encode('junk'))).toMatchObject({ ok: false, kind: 'malformed' });
    expect(origin.check(signed(NOW, { tamper: true }))).toMatchObject({ ok: false, kind: 'bad signature' });
    const other = 'border.l4.CP-CN-A-02';
    const r = origin.check(signed(NOW, { sender: BORDER, asUnit: other }));
    expect(r).toMatchObject({ ok: false, kind: 'bad signature', reason: `bad signature: signed by ${other} but claims sender ${BORDER}` });
  });

  it('judges the key at the envelope creation: retired keys verify what was created before notAfter; revoked keys nothing', () => {
    const added = addKey(data, BORDER, newUnitKey(BORDER).entry.publicKey, new Date('2026-07-01T00:00:00Z')).data;
    const retired = Directory.fromJSON(retireKey(added, oldKey, new Date('2026-07-05T00:00:00Z')));
    const origin = new EnvelopeOrigin(retired, () => NOW);
    expect(origin.check(signed(new Date('2026-07-04T23:59:00Z'))).ok).toBe(true);
    const late = origin.check(signed(new Date('2026-07-05T00:00:00Z')));
    expect(late).toMatchObject({ ok: false, kind: 'expired key' });
    expect(!late.ok && late.reason).toMatch(/^expired key: key border\.l4\.CP-CN-A-01#\S+ expired at 2026-07-05T00:00:00.000Z/);
    expect(origin.check(signed(new Date('2025-12-31T00:00:00Z')))).toMatchObject({ ok: false, kind: 'key not yet valid' });

    const revoked = new EnvelopeOrigin(Directory.fromJSON(revokeKey(data, oldKey, NOW, 'stolen')), () => NOW);
    expect(revoked.check(signed(new Date('2026-02-01T00:00:00Z')))).toMatchObject({ ok: false, kind: 'revoked key' });
  });
});
