/**
 * The protocol's test vectors, made from fixed keys and a fixed clock (docs/protocol.md section 7):
 * - `signing.json`: batches of 1, 3 and 5 envelopes: each envelope's bytes, leaf hash and proof,
 *   the root, the signed bytes and the signature; plus the keys and the directory excerpt;
 * - `envelopes/ok/<case>.bin` and `envelopes/not-ok/<case>.bin`: binary SignedEnvelopes, each with
 *   `<case>.json` (expected outcome, what it is about, the message id).
 * Deterministic: Ed25519 signatures are, and ids and times come from the fixed clock, so the files
 * are made again byte for byte (scripts/vectors.ts writes them; vectors.spec.ts compares).
 */
import { createHash } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Classification, CURRENT_SCHEMA_VERSION, EnvelopeSchema, MessageKind, encodeEnvelope } from '@shekara/contracts';
import { Directory, buildDirectory, keyIdFor, rawPublicKey } from '@shekara/directory';
import type { DirectoryData, UnitKey } from '@shekara/directory';
import { ed25519PrivateKeyFromSeed, leafHash } from '@shekara/security';
import { ENVELOPE_CASES, pickUnits, signBatchOf, type CaseContext, type CaseKey } from './cases';

/** The recipient's clock of every vector. */
export const VECTOR_NOW = new Date('2026-07-01T06:00:00.000Z');
/** The node the envelope vectors are judged by, and the agency they come from. */
export const VECTOR_AGENCY = 'interior';
export const VECTOR_PEER = 'border';

/** A fixed Ed25519 key: its 32-byte seed is SHA-256 of a name (test vectors only, never a real key). */
export function vectorKey(unitId: string, name: string): CaseKey & { seed: Buffer; publicKey: Buffer } {
  const seed = createHash('sha256').update(`shekara conformance vector key: ${name}`).digest();
  const privateKey: KeyObject = ed25519PrivateKeyFromSeed(seed);
  const publicKey = rawPublicKey(privateKey);
  return { keyId: keyIdFor(unitId, publicKey), privateKey, seed, publicKey };
}

/** UUIDv7-shaped ids from the fixed clock and a counter. */
function idsFrom(now: Date): () => string {
  let n = 0;
  const ts = now.getTime().toString(16).padStart(12, '0');
  return () => {
    n += 1;
    const c = n.toString(16).padStart(12, '0');
    return `${ts.slice(0, 8)}-${ts.slice(8, 12)}-7000-8000-${c}`;
  };
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export interface VectorSet {
  /** Relative path → file content. */
  files: Map<string, Buffer>;
  /** The directory the envelope vectors are judged with. */
  directory: Directory;
}

/** Every vector file, and the directory (seeded from the reference data, with the vector keys). */
export function makeVectors(): VectorSet {
  const base = buildDirectory();
  const units = pickUnits(Directory.fromJSON(base), VECTOR_AGENCY, VECTOR_PEER);
  const senderKey = vectorKey(units.sender, 'sender');
  const expiredKey = vectorKey(units.sender, 'sender-expired');
  const revokedKey = vectorKey(units.sender, 'sender-revoked');
  const notYetValidKey = vectorKey(units.sender, 'sender-not-yet-valid');
  const otherKey = vectorKey(units.other, 'other');
  const recipientKey = vectorKey(units.recipient, 'recipient');
  const at = (ms: number) => new Date(VECTOR_NOW.getTime() + ms).toISOString();
  const dirKeys: Record<string, UnitKey[]> = {
    [units.sender]: [
      { keyId: senderKey.keyId, publicKey: senderKey.publicKey.toString('base64'), notBefore: at(-365 * 86_400_000) },
      { keyId: expiredKey.keyId, publicKey: expiredKey.publicKey.toString('base64'), notAfter: at(-30 * 86_400_000) },
      { keyId: revokedKey.keyId, publicKey: revokedKey.publicKey.toString('base64'), revokedAt: at(-86_400_000), revocationReason: 'test vector: compromised' },
      { keyId: notYetValidKey.keyId, publicKey: notYetValidKey.publicKey.toString('base64'), notBefore: at(30 * 86_400_000) },
    ],
    [units.other]: [{ keyId: otherKey.keyId, publicKey: otherKey.publicKey.toString('base64') }],
    [units.recipient]: [{ keyId: recipientKey.keyId, publicKey: recipientKey.publicKey.toString('base64') }],
  };
  const data: DirectoryData = { ...base, units: base.units.map((u) => (dirKeys[u.id] ? { ...u, keys: dirKeys[u.id] } : u)) };
  const directory = Directory.fromJSON(data);
  const files = new Map<string, Buffer>();
  const json = (v: unknown) => Buffer.from(JSON.stringify(v, null, 2) + '\n');

  // Signing vectors: batches of 1, 3 and 5 daily reports of the sender.
  const newId = idsFrom(VECTOR_NOW);
  const batches = [1, 3, 5].map((size) => {
    const envelopes = Array.from({ length: size }, (_, i) =>
      encodeEnvelope(
        create(EnvelopeSchema, {
          messageId: newId(),
          kind: MessageKind.DAILY,
          senderUnit: units.sender,
          recipientUnits: [units.recipient],
          createdAt: timestampFromDate(new Date(VECTOR_NOW.getTime() - 60_000)),
          reportedAt: timestampFromDate(new Date(VECTOR_NOW.getTime() - 60_000)),
          schemaVersion: CURRENT_SCHEMA_VERSION,
          classification: Classification.UNCLASSIFIED,
          payload: { case: 'daily', value: { summary: `Signing vector: batch of ${size}, report ${i + 1}.`, changes: [] } },
        } as never),
      ),
    );
    const { root, signedInput, signature, signed } = signBatchOf(envelopes, senderKey);
    return {
      size,
      keyId: senderKey.keyId,
      envelopes: envelopes.map((e, i) => ({ envelope: hex(e), leaf: hex(leafHash(e)), signedEnvelope: hex(signed[i]) })),
      root: hex(root),
      signedBytes: hex(signedInput),
      signature: hex(signature),
    };
  });
  files.set(
    'signing.json',
    json({
      about: 'Shekara signing vectors (docs/protocol.md section 7). Hex unless named base64. The keys are derived from public names: never use them for anything but tests.',
      scheme: {
        leaf: 'SHA-256(0x00 || envelope)',
        node: 'SHA-256(0x01 || left || right)',
        signedBytes: '"shekara/merkle-root/v1" || 0x00 || uint32be(size) || root',
        single: 'Ed25519(envelope)',
        auditBatch: 'Ed25519("shekara.v1.SignedAuditBatch\\n" || batch)',
      },
      now: VECTOR_NOW.toISOString(),
      keys: [
        { role: 'sender', unit: units.sender, ...keyJson(senderKey) },
        { role: 'sender, expired', unit: units.sender, ...keyJson(expiredKey) },
        { role: 'sender, revoked', unit: units.sender, ...keyJson(revokedKey) },
        { role: 'sender, not yet valid', unit: units.sender, ...keyJson(notYetValidKey) },
        { role: 'another unit of the sender agency', unit: units.other, ...keyJson(otherKey) },
        { role: 'recipient', unit: units.recipient, ...keyJson(recipientKey) },
      ],
      directoryKeys: dirKeys,
      units,
      batches,
    }),
  );

  // Envelope vectors with their expected outcome at the recipient (agency VECTOR_AGENCY, clock VECTOR_NOW).
  const ctx: CaseContext = { ...units, senderKey, otherKey, expiredKey, revokedKey, notYetValidKey, now: VECTOR_NOW, newId: idsFrom(new Date(VECTOR_NOW.getTime() - 1000)) };
  for (const c of ENVELOPE_CASES) {
    const { bytes, messageId } = c.build(ctx);
    const folder = c.expect === 'ok' ? 'ok' : 'not-ok';
    files.set(`envelopes/${folder}/${c.name}.bin`, Buffer.from(bytes));
    files.set(`envelopes/${folder}/${c.name}.json`, json({ about: c.about, expect: c.expect, messageId: messageId ?? null, recipientAgency: VECTOR_AGENCY, now: VECTOR_NOW.toISOString() }));
  }
  return { files, directory };
}

function keyJson(k: ReturnType<typeof vectorKey>) {
  return { keyId: k.keyId, seed: k.seed.toString('hex'), publicKey: k.publicKey.toString('hex'), publicKeyBase64: k.publicKey.toString('base64') };
}
