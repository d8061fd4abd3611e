import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createPublicKey, verify } from 'node:crypto';
import { join, relative } from 'node:path';
import { DEAD_LETTER_REASONS, decodeSigned, deadLetterReasonOf } from '@shekara/contracts';
import { InboxChecks } from '@shekara/agency-node';
import { SignatureVerifier, batchSigningInput, leafHash, merkleTree, rootFromProof } from '@shekara/security';
import { PermanentMessageError } from '@shekara/messaging';
import { ENVELOPE_CASES } from './cases';
import { VECTOR_AGENCY, VECTOR_NOW, makeVectors } from './vectors';

const DIR = join(__dirname, '../../../../test/fixtures/vectors');
const unhex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));

function committed(): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else files.set(relative(DIR, p), readFileSync(p));
    }
  };
  walk(DIR);
  return files;
}

const vectors = makeVectors();
const files = committed();

/** The outcome of the real bus-side checks of an agency node at the vectors' clock. */
function outcome(bytes: Uint8Array): string {
  try {
    new InboxChecks(vectors.directory, VECTOR_AGENCY, () => VECTOR_NOW).verify(bytes);
    return 'ok';
  } catch (e) {
    if (!(e instanceof PermanentMessageError)) throw e;
    return deadLetterReasonOf(e.reason) ?? `no code: ${e.reason}`;
  }
}

describe('test vectors (test/fixtures/vectors)', () => {
  it('are exactly what the generator makes (npm run build && npm run vectors)', () => {
    expect([...files.keys()].sort()).toEqual([...vectors.files.keys()].sort());
    const differ = [...vectors.files].filter(([path, content]) => !files.get(path)?.equals(content)).map(([p]) => p);
    expect(differ).toEqual([]);
  });

  const signing = JSON.parse(files.get('signing.json')!.toString('utf8'));
  const senderKey = signing.keys.find((k: { role: string }) => k.role === 'sender');
  const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(senderKey.publicKey, 'hex').toString('base64url') }, format: 'jwk' });

  it.each([1, 3, 5])('batch of %i: leaves, root, signed bytes and signature agree with the real code', (size) => {
    const batch = signing.batches.find((b: { size: number }) => b.size === size);
    const envelopes = batch.envelopes.map((e: { envelope: string }) => unhex(e.envelope));
    batch.envelopes.forEach((e: { envelope: string; leaf: string }) => expect(Buffer.from(leafHash(unhex(e.envelope))).toString('hex')).toBe(e.leaf));
    const { root } = merkleTree(envelopes);
    expect(Buffer.from(root).toString('hex')).toBe(batch.root);
    expect(Buffer.from(batchSigningInput(root, size)).toString('hex')).toBe(batch.signedBytes);
    expect(unhex(batch.signedBytes)).toHaveLength(59);
    expect(verify(null, unhex(batch.signedBytes), publicKey, unhex(batch.signature))).toBe(true);
    const verifier = new SignatureVerifier((keyId) => (keyId === senderKey.keyId ? { unitId: senderKey.unit, publicKey } : undefined));
    batch.envelopes.forEach((e: { envelope: string; signedEnvelope: string }, i: number) => {
      const signed = decodeSigned(unhex(e.signedEnvelope));
      expect(Buffer.from(signed.envelope).toString('hex')).toBe(e.envelope);
      const proof = { index: signed.batchProof!.index, size: signed.batchProof!.leafCount, path: signed.batchProof!.siblings };
      expect(proof.index).toBe(i);
      expect(Buffer.from(rootFromProof(signed.envelope, proof)!).toString('hex')).toBe(batch.root);
      expect(verifier.verify(signed.keyId, signed.envelope, signed.signature, proof)).toEqual({ ok: true, unitId: senderKey.unit });
    });
  });

  it('a signature of one batch does not verify a leaf moved to another position or batch size', () => {
    const batch = signing.batches.find((b: { size: number }) => b.size === 5);
    const signed = decodeSigned(unhex(batch.envelopes[1].signedEnvelope));
    const verifier = new SignatureVerifier((keyId) => (keyId === senderKey.keyId ? { unitId: senderKey.unit, publicKey } : undefined));
    const p = signed.batchProof!;
    expect(verifier.verify(signed.keyId, signed.envelope, signed.signature, { index: 0, size: 5, path: p.siblings }).ok).toBe(false);
    expect(verifier.verify(signed.keyId, signed.envelope, signed.signature, { index: 1, size: 4, path: p.siblings }).ok).toBe(false);
    expect(verifier.verify(signed.keyId, signed.envelope, signed.signature).ok).toBe(false);
  });

  const cases = [...files.keys()].filter((p) => p.startsWith('envelopes/') && p.endsWith('.bin')).sort();

  it('cover every reason code a sender can cause, and every case is in its folder', () => {
    const expects = new Set(cases.map((p) => JSON.parse(files.get(p.replace(/\.bin$/, '.json'))!.toString('utf8')).expect));
    // 'wrong sender' depends on the subject the bus delivered the bytes on, not on the bytes: tested below.
    const causable = DEAD_LETTER_REASONS.filter((r) => !['unknown key', 'receipt mismatch', 'deliveries exhausted', 'wrong sender'].includes(r));
    expect([...expects].filter((e) => e !== 'ok').sort()).toEqual([...causable].sort());
    expect(cases.length).toBe(ENVELOPE_CASES.length);
  });

  it.each(cases)('%s: the node outcome is the one its .json expects', (path) => {
    const meta = JSON.parse(files.get(path.replace(/\.bin$/, '.json'))!.toString('utf8'));
    expect(path.startsWith(meta.expect === 'ok' ? 'envelopes/ok/' : 'envelopes/not-ok/')).toBe(true);
    expect(outcome(new Uint8Array(files.get(path)!))).toBe(meta.expect);
  });

  it('refuse as "wrong sender" bytes a valid sender signed but another agency published (the subject\'s from.<agency>)', () => {
    const bytes = new Uint8Array(files.get('envelopes/ok/batch-of-1.bin')!);
    const sender = vectors.directory.findUnit(JSON.parse(files.get('signing.json')!.toString('utf8')).keys.find((k: { role: string }) => k.role === 'sender').unit)!.agency;
    const checks = new InboxChecks(vectors.directory, VECTOR_AGENCY, () => VECTOR_NOW);
    expect(checks.verify(bytes, sender).env.senderUnit).toBeTruthy();
    const other = (['interior', 'border', 'customs'] as const).find((a) => a !== sender && a !== VECTOR_AGENCY)!;
    expect(() => checks.verify(bytes, other)).toThrow(/^wrong sender: /);
  });
});
