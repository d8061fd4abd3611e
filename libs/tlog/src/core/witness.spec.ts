import { generateKeyPairSync } from 'node:crypto';
import { parseCheckpoint, signCheckpoint } from './checkpoint';
import { CosignatureSigner, cosignatureVerifier } from './cosignature';
import { TlogErrorCode } from './errors';
import { hashLeaf } from './hash';
import { ed25519Signer, ed25519Verifier, parseNote, signatureLine } from './note';
import { verifyCheckpoint } from './policy';
import { formatTlogProof, parseTlogProof, verifyTlogProof } from './proof-bundle';
import { MemoryHashSource, consistencyProof, inclusionProof, treeRoot } from './tree';
import { WitnessState, formatAddCheckpointRequest, parseCosignatureResponse } from './witness';

const ORIGIN = 'kz.shekara.interior/log';
const logKey = generateKeyPairSync('ed25519').privateKey;
const log = ed25519Signer(ORIGIN, logKey);
const logV = ed25519Verifier(ORIGIN, logKey);
const wKey = generateKeyPairSync('ed25519').privateKey;
const cosigner = new CosignatureSigner('kz.shekara.border/witness', wKey);
const wV = cosignatureVerifier(cosigner.name, wKey);

const leaves = Array.from({ length: 40 }, (_, i) => hashLeaf(Buffer.from(`entry ${i}`)));
const src = new MemoryHashSource(leaves);
const checkpointAt = (size: number, s = src) => signCheckpoint({ origin: ORIGIN, size, root: treeRoot(s, size), extensions: [] }, log);
const request = (oldSize: number, size: number, s = src) => formatAddCheckpointRequest({ oldSize, proof: consistencyProof(s, oldSize, size), checkpoint: checkpointAt(size, s) });
const NOW = 1_764_892_800;

describe('witness (C2SP tlog-witness add-checkpoint)', () => {
  const fresh = () => new WitnessState([{ origin: ORIGIN, verifiers: [logV] }], cosigner);

  it('cosigns a first checkpoint from old size 0, then consistent growth; the cosignature verifies', () => {
    const w = fresh();
    const d1 = w.addCheckpoint(request(0, 10), NOW);
    expect(d1).toMatchObject({ kind: 'cosigned', status: 200 });
    const d2 = w.addCheckpoint(request(10, 25), NOW + 1);
    expect(d2.kind).toBe('cosigned');
    if (d2.kind !== 'cosigned') return;
    const sigs = parseCosignatureResponse(d2.body);
    const full = checkpointAt(25) + d2.body;
    expect(sigs).toHaveLength(1);
    expect(verifyCheckpoint(full, { origin: ORIGIN, log: [logV], witnesses: [wV], quorum: 1 }).cosigners[0].timestamp).toBe(NOW + 1);
    expect(w.latest(ORIGIN)?.size).toBe(25);
    // The same checkpoint again (old size = its size, empty proof) is cosigned again.
    expect(w.addCheckpoint(formatAddCheckpointRequest({ oldSize: 25, proof: [], checkpoint: checkpointAt(25) }), NOW + 2).kind).toBe('cosigned');
  });

  it('answers 409 with the known size to a stale old size, and changes nothing', () => {
    const w = fresh();
    w.addCheckpoint(request(0, 10), NOW);
    const d = w.addCheckpoint(request(5, 20), NOW);
    expect(d).toMatchObject({ kind: 'conflict', status: 409, size: 10, body: '10\n', contentType: 'text/x.tlog.size' });
    expect(w.latest(ORIGIN)?.size).toBe(10);
  });

  it('answers 422 to a bad consistency proof (with evidence), 400 to old size > size', () => {
    const w = fresh();
    w.addCheckpoint(request(0, 10), NOW);
    const wrongProof = formatAddCheckpointRequest({ oldSize: 10, proof: consistencyProof(src, 11, 20), checkpoint: checkpointAt(20) });
    const d = w.addCheckpoint(wrongProof, NOW);
    expect(d).toMatchObject({ kind: 'refused', status: 422, code: TlogErrorCode.BAD_CONSISTENCY_PROOF, evidence: { reason: 'unproven' } });
    expect(w.addCheckpoint(formatAddCheckpointRequest({ oldSize: 30, proof: [], checkpoint: checkpointAt(20) }), NOW)).toMatchObject({ status: 400 });
    expect(w.addCheckpoint(formatAddCheckpointRequest({ oldSize: 0, proof: consistencyProof(src, 5, 20), checkpoint: checkpointAt(20) }), NOW)).toMatchObject({ status: 409 });
    expect(w.latest(ORIGIN)?.size).toBe(10);
  });

  it('catches a forked log: another tree of the cosigned size (409 + evidence), or of a larger size (422)', () => {
    const w = fresh();
    w.addCheckpoint(request(0, 10), NOW);
    const forkedLeaves = [...leaves];
    forkedLeaves[3] = hashLeaf(Buffer.from('rewritten'));
    const forked = new MemoryHashSource(forkedLeaves);
    const same = w.addCheckpoint(formatAddCheckpointRequest({ oldSize: 10, proof: [], checkpoint: checkpointAt(10, forked) }), NOW);
    expect(same).toMatchObject({ kind: 'fork', status: 409, size: 10, evidence: { reason: 'same-size', origin: ORIGIN } });
    // The forked log's honest proof from its own 10 does not match the root the witness cosigned.
    const larger = w.addCheckpoint(request(10, 20, forked), NOW);
    expect(larger).toMatchObject({ kind: 'refused', status: 422 });
    expect(w.latest(ORIGIN)?.size).toBe(10);
  });

  it('answers 404 to an unknown origin, 403 to a checkpoint no trusted key signed, 400 to a malformed body', () => {
    const w = fresh();
    const other = ed25519Signer('kz.shekara.other/log', generateKeyPairSync('ed25519').privateKey);
    const unknown = signCheckpoint({ origin: 'kz.shekara.other/log', size: 1, root: leaves[0], extensions: [] }, other);
    expect(w.addCheckpoint(formatAddCheckpointRequest({ oldSize: 0, proof: [], checkpoint: unknown }), NOW)).toMatchObject({ status: 404, code: TlogErrorCode.UNKNOWN_LOG });
    const impostor = ed25519Signer(ORIGIN, generateKeyPairSync('ed25519').privateKey);
    const forged = signCheckpoint({ origin: ORIGIN, size: 10, root: treeRoot(src, 10), extensions: [] }, impostor);
    expect(w.addCheckpoint(formatAddCheckpointRequest({ oldSize: 0, proof: [], checkpoint: forged }), NOW)).toMatchObject({ status: 403 });
    const tampered = checkpointAt(10).replace(/\n10\n/, '\n11\n');
    expect(w.addCheckpoint(formatAddCheckpointRequest({ oldSize: 0, proof: [], checkpoint: tampered }), NOW)).toMatchObject({ status: 403, code: TlogErrorCode.BAD_SIGNATURE });
    for (const body of ['', 'old 01\n\n' + checkpointAt(1), 'old 0\nnot-base64\n\n' + checkpointAt(1), 'old 0\n' + checkpointAt(1)])
      expect(w.addCheckpoint(body, NOW)).toMatchObject({ kind: 'refused', status: 400 });
    expect(w.latest(ORIGIN)).toBeUndefined();
  });
});

describe('tlog-proof bundles (C2SP tlog-proof)', () => {
  it('formats, parses and verifies; a wrong leaf, index or checkpoint fails', () => {
    const w = new WitnessState([{ origin: ORIGIN, verifiers: [logV] }], cosigner);
    const d = w.addCheckpoint(request(0, 33), NOW);
    if (d.kind !== 'cosigned') throw new Error('not cosigned');
    const checkpoint = checkpointAt(33) + d.body;
    const policy = { origin: ORIGIN, log: [logV], witnesses: [wV], quorum: 1 };
    const text = formatTlogProof({ index: 17, proof: inclusionProof(src, 17, 33), checkpoint, extra: Buffer.from('msg-id') });
    expect(text.startsWith('c2sp.org/tlog-proof@v1\nextra bXNnLWlk\nindex 17\n')).toBe(true);
    const p = parseTlogProof(text);
    expect(p.checkpoint).toBe(checkpoint);
    expect(verifyTlogProof(p, leaves[17], policy).checkpoint.size).toBe(33);
    expect(() => verifyTlogProof(p, leaves[16], policy)).toThrow(/inclusion/);
    expect(() => verifyTlogProof({ ...p, index: 16 }, leaves[17], policy)).toThrow(/inclusion/);
    expect(() => verifyTlogProof({ ...p, checkpoint: checkpointAt(33) }, leaves[17], policy)).toThrow(/witnesses/);
    expect(() => parseTlogProof(text.replace('index 17', 'index x'))).toThrow(/malformed/);
    expect(parseCheckpoint(parseNote(p.checkpoint).text).size).toBe(33);
    expect(signatureLine(parseCosignatureResponse(d.body)[0])).toBe(d.body);
  });
});
