import { generateKeyPairSync } from 'node:crypto';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { encodeEnvelope, encodeSigned } from '@shekara/contracts';
import type { SendMessageRequest } from '@shekara/contracts';
import { SignatureVerifier, UnitSigner } from '@shekara/security';
import { envelopeFromRequest, messageColumns } from './envelopes';
import { integrityMismatches, type StoredMessageRow } from './integrity';

const UNIT = 'border.l4.CP-CN-A-01';
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const signer = new UnitSigner([{ keyId: 'k1', unitId: UNIT, privateKey }]);
const verifier = new SignatureVerifier((keyId) => (keyId === 'k1' ? { unitId: UNIT, publicKey } : undefined));

/** A stored row exactly as the node writes it, with its signed envelope. */
function stored(): StoredMessageRow {
  const req = { senderUnit: UNIT, recipientUnits: ['interior.l4.CP-CN-A-01'], classification: 2, payload: { case: 'daily', value: { summary: 'quiet day' } } } as unknown as SendMessageRequest;
  const env = envelopeFromRequest(req, '0190a000-0000-7000-8000-000000000001', new Date('2026-12-01T08:00:00.123Z'));
  const bytes = encodeEnvelope(env);
  const sig = signer.sign(UNIT, bytes);
  const cols = messageColumns(env);
  return {
    id: env.messageId,
    kind: cols.kind,
    senderUnit: env.senderUnit,
    recipientUnits: [...env.recipientUnits],
    correlationId: env.correlationId,
    classification: cols.classification,
    createdAt: timestampDate(env.createdAt!),
    reportedAt: cols.reportedAt,
    period: cols.period,
    eventAt: cols.eventAt,
    confirms: cols.confirms,
    summary: cols.summary,
    // jsonb gives the keys back in its own order: not a mismatch.
    payload: JSON.parse(JSON.stringify(cols.payload)),
    signed: encodeSigned({ envelope: bytes, keyId: sig.keyId, signature: sig.signature }),
  };
}

describe('integrityMismatches', () => {
  it('accepts a row that says what its signed envelope says', () => {
    expect(integrityMismatches(stored(), verifier)).toEqual([]);
  });

  it('names each column edited', () => {
    const row = { ...stored(), summary: 'forged', createdAt: new Date('2026-12-01T09:00:00Z'), recipientUnits: ['customs.l4.CP-CN-A-01'] };
    row.payload = { daily: { summary: 'forged' } };
    expect(integrityMismatches(row, verifier)).toEqual(['recipient_units', 'created_at', 'summary', 'payload']);
  });

  it('refuses signed bytes that do not decode, or whose signature does not verify', () => {
    expect(integrityMismatches({ ...stored(), signed: Buffer.from('not protobuf at all, really') }, verifier)).toEqual(['signed']);
    const row = stored();
    const tampered = Buffer.from(row.signed);
    tampered[tampered.length - 1] ^= 1;
    expect(integrityMismatches({ ...row, signed: tampered }, verifier)).toEqual(['signed']);
  });
});
