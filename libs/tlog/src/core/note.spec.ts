import { generateKeyPairSync } from 'node:crypto';
import { formatCheckpoint, openCheckpoint, parseCheckpoint, signCheckpoint } from './checkpoint';
import { CosignatureSigner, cosignatureTimestamp, cosignatureVerifier, cosignedMessage, verifierFromKey } from './cosignature';
import { TlogError, TlogErrorCode } from './errors';
import { hashLeaf } from './hash';
import {
  SIG_TYPE_COSIGNATURE_V1,
  SIG_TYPE_ED25519,
  ed25519RawPublicKey,
  ed25519Signer,
  ed25519Verifier,
  formatSignerKey,
  formatVerifierKey,
  openNote,
  parseNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
  signatureLine,
} from './note';
import { verifyCheckpoint } from './policy';

// golang.org/x/mod/sumdb/note's documented example (data only): Ed25519 is deterministic, so
// signing the same text with the same key must give exactly this note.
const GO_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const GO_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_NOTE = GO_TEXT + '\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
// The C2SP signed-note verifier-key example.
const SPEC_VKEY = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
const SPEC_NOTE = 'This is an example message.\n\n\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (e instanceof TlogError) return e.code;
    throw e;
  }
  return 'no error';
};
const newKey = () => generateKeyPairSync('ed25519').privateKey;

describe('signed notes (C2SP signed-note)', () => {
  it('reproduces the Go reference note byte for byte', () => {
    const { name, type, privateKey } = parseSignerKey(GO_SKEY);
    expect(type).toBe(SIG_TYPE_ED25519);
    const signer = ed25519Signer(name, privateKey);
    expect(signer.keyId).toBe(0xc74f20a3);
    expect(signNote(GO_TEXT, [signer])).toBe(GO_NOTE);
    expect(formatVerifierKey(name, SIG_TYPE_ED25519, ed25519RawPublicKey(privateKey))).toBe(GO_VKEY);
    expect(formatSignerKey(name, SIG_TYPE_ED25519, privateKey)).toBe(GO_SKEY);
    expect(openNote(GO_NOTE, [verifierFromKey(GO_VKEY)]).text).toBe(GO_TEXT);
  });

  it('verifies the spec example', () => {
    expect(parseVerifierKey(SPEC_VKEY).keyId).toBe(0x530d903a);
    expect(openNote(SPEC_NOTE, [verifierFromKey(SPEC_VKEY)]).text).toBe('This is an example message.\n');
  });

  it('ignores unknown keys, rejects a failing known key, requires one known signature', () => {
    const other = ed25519Signer('other.example/k', newKey());
    const twoSigs = signNote(GO_TEXT, [ed25519Signer('PeterNeumann', parseSignerKey(GO_SKEY).privateKey), other]);
    const opened = openNote(twoSigs, [verifierFromKey(GO_VKEY)]);
    expect(opened.verified.map((s) => s.name)).toEqual(['PeterNeumann']);
    expect(opened.unknown.map((s) => s.name)).toEqual(['other.example/k']);
    // Same name, other key ID: unknown, ignored; alone it is not enough.
    const impostor = ed25519Signer('PeterNeumann', newKey());
    expect(code(() => openNote(signNote(GO_TEXT, [impostor]), [verifierFromKey(GO_VKEY)]))).toBe(TlogErrorCode.NO_KNOWN_SIGNATURE);
    // A known key whose signature fails rejects the whole note.
    const tampered = GO_NOTE.replace('answer', 'Answer');
    expect(code(() => openNote(tampered, [verifierFromKey(GO_VKEY)]))).toBe(TlogErrorCode.BAD_SIGNATURE);
  });

  it.each([
    ['no final newline', GO_NOTE.slice(0, -1)],
    ['no blank line', GO_TEXT + GO_NOTE.slice(GO_TEXT.length + 1)],
    ['control character', GO_NOTE.replace('If', 'I\u0007f')],
    ['bad base64', GO_NOTE.replace('x08go', 'x08g!')],
    ['space in key name', GO_NOTE.replace('PeterNeumann', 'Peter Neumann')],
    ['short signature', GO_TEXT + '\n\u2014 PeterNeumann AAAA\n'],
  ])('rejects a malformed note: %s', (_, msg) => {
    expect(code(() => parseNote(msg))).toBe(TlogErrorCode.MALFORMED_NOTE);
  });

  it('rejects verifier keys whose ID does not match', () => {
    expect(code(() => parseVerifierKey(GO_VKEY.replace('c74f20a3', 'c74f20a4')))).toBe(TlogErrorCode.MALFORMED_KEY);
  });
});

describe('checkpoints and cosignatures', () => {
  const logKey = newKey();
  const log = ed25519Signer('kz.shekara.interior/log', logKey);
  const logV = ed25519Verifier(log.name, logKey);
  const cp = { origin: 'kz.shekara.interior/log', size: 3, root: hashLeaf(Buffer.from('r')), extensions: [] };

  it('formats and parses the checkpoint body exactly', () => {
    const text = formatCheckpoint(cp);
    expect(text).toBe(`kz.shekara.interior/log\n3\n${Buffer.from(cp.root).toString('base64')}\n`);
    expect(parseCheckpoint(text)).toEqual({ ...cp, root: expect.anything() });
    expect(parseCheckpoint(text + 'ext\n').extensions).toEqual(['ext']);
    for (const bad of ['a\n03\n' + text.split('\n')[2] + '\n', 'a\n3\nAAAA\n', 'a\n3\n', 'a\n-1\n' + text.split('\n')[2] + '\n', text + '\n'])
      expect(code(() => parseCheckpoint(bad))).toBe(TlogErrorCode.MALFORMED_CHECKPOINT);
  });

  it('signs and opens a checkpoint; a wrong origin is an unknown log', () => {
    const signed = signCheckpoint(cp, log);
    expect(openCheckpoint(signed, cp.origin, [logV]).checkpoint.size).toBe(3);
    expect(code(() => openCheckpoint(signed, 'other', [logV]))).toBe(TlogErrorCode.UNKNOWN_LOG);
  });

  it('cosignature/v1: key type 0x04, timestamp then signature over the cosigned message', () => {
    const wKey = newKey();
    const w = new CosignatureSigner('kz.shekara.border/witness', wKey);
    const signed = signCheckpoint(cp, log);
    const text = parseNote(signed).text;
    const sig = w.cosign(text, 1_764_892_800);
    expect(sig.signature.length).toBe(72);
    expect(cosignatureTimestamp(sig.signature)).toBe(1_764_892_800);
    expect(Buffer.from(cosignedMessage(text, 1_764_892_800)).toString()).toBe(`cosignature/v1\ntime 1764892800\n${text}`);
    const vkey = formatVerifierKey(w.name, SIG_TYPE_COSIGNATURE_V1, w.publicKey);
    expect(parseVerifierKey(vkey).keyId).toBe(w.keyId);
    const withCosig = signed + signatureLine(sig);
    const policy = { origin: cp.origin, log: [logV], witnesses: [verifierFromKey(vkey)], quorum: 1 };
    expect(verifyCheckpoint(withCosig, policy).cosigners).toEqual([{ name: w.name, timestamp: 1_764_892_800 }]);
    // The quorum counts distinct witnesses; the log's own signature is not a cosignature.
    expect(code(() => verifyCheckpoint(signed, policy))).toBe(TlogErrorCode.QUORUM_NOT_MET);
    expect(code(() => verifyCheckpoint(withCosig, { ...policy, quorum: 2 }))).toBe(TlogErrorCode.QUORUM_NOT_MET);
    // A cosignature whose timestamp was changed does not verify.
    const forged = { ...sig, signature: Uint8Array.from(sig.signature) };
    forged.signature[7] ^= 1;
    expect(code(() => verifyCheckpoint(signed + signatureLine(forged), policy))).toBe(TlogErrorCode.BAD_SIGNATURE);
    // A cosignature alone (no log signature) is refused.
    expect(code(() => verifyCheckpoint(`${text}\n${signatureLine(sig)}`, policy))).toBe(TlogErrorCode.NO_KNOWN_SIGNATURE);
    // The witness key as a plain Ed25519 verifier does not accept a cosignature (domain separation).
    expect(cosignatureVerifier(w.name, wKey).keyId).not.toBe(ed25519Verifier(w.name, wKey).keyId);
  });
});
