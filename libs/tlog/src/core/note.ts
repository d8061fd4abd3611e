import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { ed25519PrivateKeyFromSeed as privateFromSeed, ed25519PublicKeyFromRaw as publicFromRaw } from '@shekara/security';
import { TlogError, TlogErrorCode } from './errors';
import { fromBase64, toBase64 } from './hash';

/**
 * C2SP signed-note: a text ending in a newline, a blank line, then signature lines
 * "— <key name> base64(key ID || signature)". Key ID = SHA-256(name || 0x0A || type || key)[:4].
 */
export const SIG_TYPE_ED25519 = 0x01;
export const SIG_TYPE_COSIGNATURE_V1 = 0x04;
/** Verifiers must accept at least 16; more signatures than this is a malformed note. */
export const MAX_NOTE_SIGNATURES = 100;

export interface NoteSignature {
  name: string;
  keyId: number;
  /** The signature bytes after the 4-byte key ID. */
  signature: Uint8Array;
}

export interface Note {
  /** The text, including its final newline. */
  text: string;
  signatures: NoteSignature[];
}

export interface NoteSigner {
  readonly name: string;
  readonly keyId: number;
  sign(text: Uint8Array): Uint8Array;
}

export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  verify(text: Uint8Array, signature: Uint8Array): boolean;
}

const EM_DASH = '\u2014';

export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+\u0000-\u001f]/u.test(name);
}

export function keyId(name: string, type: number, publicKey: Uint8Array): number {
  const h = createHash('sha256').update(name, 'utf8').update(Buffer.from([0x0a, type])).update(publicKey).digest();
  return h.readUInt32BE(0);
}

function malformed(detail: string): TlogError {
  return new TlogError(TlogErrorCode.MALFORMED_NOTE, detail);
}

/** Parses a signed note (signatures not verified). Throws TlogError MALFORMED_NOTE. */
export function parseNote(msg: string): Note {
  if (/[\u0000-\u0009\u000b-\u001f]/.test(msg)) throw malformed('control characters');
  if (msg.includes('\uFFFD')) throw malformed('not valid UTF-8');
  if (!msg.endsWith('\n')) throw malformed('does not end with a newline');
  const split = msg.lastIndexOf('\n\n');
  if (split < 0) throw malformed('no blank line before the signatures');
  const text = msg.slice(0, split + 1);
  const lines = msg.slice(split + 2, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) throw malformed(`more than ${MAX_NOTE_SIGNATURES} signatures`);
  const signatures = lines.map((line) => {
    const m = /^\u2014 (\S+) (\S+)$/u.exec(line);
    if (!m || !isValidKeyName(m[1])) throw malformed(`bad signature line ${JSON.stringify(line.slice(0, 80))}`);
    const raw = fromBase64(m[2]);
    if (!raw || raw.length < 5) throw malformed(`bad signature encoding for ${m[1]}`);
    return { name: m[1], keyId: Buffer.from(raw).readUInt32BE(0), signature: raw.subarray(4) };
  });
  return { text, signatures };
}

export function signatureLine(s: NoteSignature): string {
  const raw = Buffer.alloc(4 + s.signature.length);
  raw.writeUInt32BE(s.keyId >>> 0, 0);
  raw.set(s.signature, 4);
  return `${EM_DASH} ${s.name} ${raw.toString('base64')}\n`;
}

export function formatNote(note: Note): string {
  return `${note.text}\n${note.signatures.map(signatureLine).join('')}`;
}

function checkText(text: string): void {
  if (!text.endsWith('\n')) throw malformed('text does not end with a newline');
  if (/[\u0000-\u0009\u000b-\u001f]/.test(text)) throw malformed('control characters in text');
}

/** Signs text with each signer and returns the signed note. */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  checkText(text);
  const bytes = Buffer.from(text, 'utf8');
  return formatNote({ text, signatures: signers.map((s) => ({ name: s.name, keyId: s.keyId, signature: s.sign(bytes) })) });
}

export interface OpenedNote {
  text: string;
  /** Signatures by known keys, all verified. */
  verified: NoteSignature[];
  /** Signatures by keys not among the verifiers (ignored, as the spec requires). */
  unknown: NoteSignature[];
}

/**
 * Verifies a note against known keys: unknown keys (name and ID not both matching) are ignored,
 * a failing signature by a known key rejects the note, and at least one known signature must verify.
 */
export function openNote(msg: string | Note, verifiers: readonly NoteVerifier[]): OpenedNote {
  const note = typeof msg === 'string' ? parseNote(msg) : msg;
  const bytes = Buffer.from(note.text, 'utf8');
  const verified: NoteSignature[] = [];
  const unknown: NoteSignature[] = [];
  const seen = new Set<string>();
  for (const s of note.signatures) {
    const v = verifiers.find((x) => x.name === s.name && x.keyId === s.keyId);
    if (!v) {
      unknown.push(s);
      continue;
    }
    if (!v.verify(bytes, s.signature)) throw new TlogError(TlogErrorCode.BAD_SIGNATURE, `key ${s.name}`);
    const key = `${s.name}+${s.keyId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    verified.push(s);
  }
  if (!verified.length) throw new TlogError(TlogErrorCode.NO_KNOWN_SIGNATURE);
  return { text: note.text, verified, unknown };
}

// ---- Ed25519 keys -------------------------------------------------------------------------------

// The log's own error (MALFORMED_KEY) for a key of the wrong length; the DER is @shekara/security's.
export function ed25519PrivateKeyFromSeed(seed: Uint8Array): KeyObject {
  if (seed.length !== 32) throw new TlogError(TlogErrorCode.MALFORMED_KEY, 'an Ed25519 seed is 32 bytes');
  return privateFromSeed(seed);
}

export function ed25519PublicKeyFromRaw(raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new TlogError(TlogErrorCode.MALFORMED_KEY, 'an Ed25519 public key is 32 bytes');
  return publicFromRaw(raw);
}

/** The 32 raw bytes of an Ed25519 public key (from a public or a private KeyObject). */
export function ed25519RawPublicKey(key: KeyObject): Uint8Array {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  if (pub.asymmetricKeyType !== 'ed25519') throw new TlogError(TlogErrorCode.MALFORMED_KEY, 'not an Ed25519 key');
  return new Uint8Array(Buffer.from(pub.export({ format: 'jwk' }).x!, 'base64url'));
}

export function ed25519RawSeed(key: KeyObject): Uint8Array {
  if (key.type !== 'private' || key.asymmetricKeyType !== 'ed25519') throw new TlogError(TlogErrorCode.MALFORMED_KEY, 'not an Ed25519 private key');
  return new Uint8Array(Buffer.from(key.export({ format: 'jwk' }).d!, 'base64url'));
}

/** An Ed25519 note signer (signature type 0x01), e.g. the log's checkpoint key. */
export function ed25519Signer(name: string, privateKey: KeyObject): NoteSigner {
  if (!isValidKeyName(name)) throw new TlogError(TlogErrorCode.MALFORMED_KEY, `bad key name ${JSON.stringify(name)}`);
  const id = keyId(name, SIG_TYPE_ED25519, ed25519RawPublicKey(privateKey));
  return { name, keyId: id, sign: (text) => new Uint8Array(sign(null, text, privateKey)) };
}

export function ed25519Verifier(name: string, publicKey: KeyObject): NoteVerifier {
  if (!isValidKeyName(name)) throw new TlogError(TlogErrorCode.MALFORMED_KEY, `bad key name ${JSON.stringify(name)}`);
  const id = keyId(name, SIG_TYPE_ED25519, ed25519RawPublicKey(publicKey));
  return { name, keyId: id, verify: (text, sig) => sig.length === 64 && verify(null, text, publicKey, sig) };
}

/** A verifier key as text: "<name>+<hex key ID>+base64(type || public key)". */
export interface VerifierKey {
  name: string;
  keyId: number;
  type: number;
  publicKey: Uint8Array;
}

export function parseVerifierKey(vkey: string): VerifierKey {
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(vkey);
  const raw = m ? fromBase64(m[3]) : undefined;
  if (!m || !raw || raw.length < 2) throw new TlogError(TlogErrorCode.MALFORMED_KEY, `bad verifier key ${JSON.stringify(vkey.slice(0, 80))}`);
  const type = raw[0];
  const publicKey = raw.subarray(1);
  const id = parseInt(m[2], 16);
  if (keyId(m[1], type, publicKey) !== id) throw new TlogError(TlogErrorCode.MALFORMED_KEY, `key ID of ${m[1]} does not match its key`);
  return { name: m[1], keyId: id, type, publicKey };
}

export function formatVerifierKey(name: string, type: number, publicKey: Uint8Array): string {
  const id = keyId(name, type, publicKey).toString(16).padStart(8, '0');
  return `${name}+${id}+${toBase64(Buffer.concat([Buffer.from([type]), publicKey]))}`;
}

/** A signer key as text: "PRIVATE+KEY+<name>+<hex key ID>+base64(type || seed)" (golang.org/x/mod/sumdb/note). */
export function parseSignerKey(skey: string): { name: string; type: number; privateKey: KeyObject } {
  const m = /^PRIVATE\+KEY\+([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(skey);
  const raw = m ? fromBase64(m[3]) : undefined;
  if (!m || !raw || raw.length !== 33) throw new TlogError(TlogErrorCode.MALFORMED_KEY, 'bad signer key');
  const privateKey = ed25519PrivateKeyFromSeed(raw.subarray(1));
  if (keyId(m[1], raw[0], ed25519RawPublicKey(privateKey)) !== parseInt(m[2], 16)) throw new TlogError(TlogErrorCode.MALFORMED_KEY, 'key ID does not match the key');
  return { name: m[1], type: raw[0], privateKey };
}

export function formatSignerKey(name: string, type: number, privateKey: KeyObject): string {
  const id = keyId(name, type, ed25519RawPublicKey(privateKey)).toString(16).padStart(8, '0');
  return `PRIVATE+KEY+${name}+${id}+${toBase64(Buffer.concat([Buffer.from([type]), ed25519RawSeed(privateKey)]))}`;
}
