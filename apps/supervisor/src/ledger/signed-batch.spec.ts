import { sign } from 'node:crypto';
import { create, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { AGENCIES, AuditAction, AuditEventBatchSchema, AuditEventSchema, SignedAuditBatchSchema } from '@shekara/contracts';
import type { AgencyCode, AuditEvent } from '@shekara/contracts';
import { Directory, KEYS_FORMAT, REFERENCE, buildDirectory, generateKeys, parseAgencyKeys } from '@shekara/directory';
import { UnitSigner, auditBatchSigningInput } from '@shekara/security';
import { AuditRefusal, verifySignedAuditBatch } from './signed-batch';

const generated = generateKeys(buildDirectory({ regions: REFERENCE.regions, checkpoints: { checkpoints: REFERENCE.checkpoints.checkpoints.slice(0, 1) } }));
const directory = Directory.fromJSON(generated.directory);
const signers = new Map(
  AGENCIES.map((agency) => {
    const set = generated.privateKeys.find((s) => s.agency === agency)!;
    const keys = parseAgencyKeys({ format: KEYS_FORMAT, ...set }, agency, directory);
    return [agency, new UnitSigner([...keys].map(([keyId, privateKey]) => ({ keyId, privateKey, unitId: directory.keyOwner(keyId) })))];
  }),
);
const hq = (agency: AgencyCode) => directory.units({ agency })[0].id;

function event(node: string, id = 'e-1'): AuditEvent {
  return create(AuditEventSchema, { eventId: id, node, action: AuditAction.READ, at: timestampFromDate(new Date('2024-04-09T03:00:00Z')), actor: `${node}.duty`, messageId: 'm-1' });
}

const batchOf = (events: AuditEvent[]) => toBinary(AuditEventBatchSchema, create(AuditEventBatchSchema, { events }));

/** A SignedAuditBatch signed with `unit`'s key; fields overridden after signing. */
function signed(events: AuditEvent[], unit: string, overrides: { batch?: Uint8Array; signerUnit?: string; keyId?: string; signature?: Uint8Array } = {}): Uint8Array {
  const batch = batchOf(events);
  const { keyId, signature } = signers.get(directory.agencyOf(unit))!.sign(unit, auditBatchSigningInput(batch));
  return toBinary(SignedAuditBatchSchema, create(SignedAuditBatchSchema, { batch, signerUnit: unit, keyId, signature, ...overrides }));
}

describe('verifySignedAuditBatch', () => {
  it("accepts a batch signed by a unit of the subject's agency whose events are that agency's node's", () => {
    const r = verifySignedAuditBatch(signed([event('border'), event('border', 'e-2')], hq('border')), 'border', directory);
    expect(r).toEqual({ ok: true, signerUnit: hq('border'), events: [expect.objectContaining({ eventId: 'e-1' }), expect.objectContaining({ eventId: 'e-2' })] });
  });

  it('accepts the key of any unit of the agency, not only its headquarters', () => {
    const unit = directory.units({ agency: 'customs' }).at(-1)!.id;
    expect(verifySignedAuditBatch(signed([event('customs')], unit), 'customs', directory)).toMatchObject({ ok: true, signerUnit: unit });
  });

  it('refuses what is not a SignedAuditBatch, or lacks a part of one, or holds no events', () => {
    const refusal = (bytes: Uint8Array) => verifySignedAuditBatch(bytes, 'border', directory);
    expect(refusal(Buffer.from('not a batch at all'))).toMatchObject({ ok: false, refusal: AuditRefusal.Malformed });
    // An unsigned AuditEventBatch sent to the signed subject decodes as a SignedAuditBatch without signature.
    expect(refusal(batchOf([event('border')]))).toMatchObject({ ok: false, refusal: AuditRefusal.Malformed });
    expect(refusal(signed([event('border')], hq('border'), { signature: new Uint8Array() }))).toMatchObject({ ok: false, refusal: AuditRefusal.Malformed });
    // No events: an empty batch (zero bytes), or one holding only what this version does not know.
    expect(refusal(signed([], hq('border')))).toMatchObject({ ok: false, refusal: AuditRefusal.Malformed, reason: expect.stringContaining('needs batch') });
    const unknownOnly = new Uint8Array([0x78, 0x01]); // field 15, varint 1
    const { keyId, signature } = signers.get('border')!.sign(hq('border'), auditBatchSigningInput(unknownOnly));
    const noEvents = toBinary(SignedAuditBatchSchema, create(SignedAuditBatchSchema, { batch: unknownOnly, signerUnit: hq('border'), keyId, signature }));
    expect(refusal(noEvents)).toMatchObject({ ok: false, refusal: AuditRefusal.Malformed, reason: 'an AuditEventBatch without events' });
  });

  it('refuses a batch altered after signing, a forged or unknown key, a key of another unit than the one named', () => {
    const refusal = (bytes: Uint8Array) => verifySignedAuditBatch(bytes, 'border', directory);
    const tampered = batchOf([event('border', 'e-forged')]);
    expect(refusal(signed([event('border')], hq('border'), { batch: tampered }))).toMatchObject({ ok: false, refusal: AuditRefusal.BadSignature });
    expect(refusal(signed([event('border')], hq('border'), { signature: new Uint8Array(64) }))).toMatchObject({ ok: false, refusal: AuditRefusal.BadSignature });
    expect(refusal(signed([event('border')], hq('border'), { keyId: 'no-such-key' }))).toMatchObject({ ok: false, refusal: AuditRefusal.BadSignature, reason: 'unknown signing key "no-such-key"' });
    expect(refusal(signed([event('border')], hq('border'), { signerUnit: 'border.nowhere' }))).toMatchObject({ ok: false, refusal: AuditRefusal.BadSignature });
    const other = directory.units({ agency: 'border' })[1].id;
    expect(refusal(signed([event('border')], hq('border'), { signerUnit: other }))).toMatchObject({ ok: false, refusal: AuditRefusal.BadSignature, reason: expect.stringContaining(`not to the signer unit ${other}`) });
  });

  it('refuses a signature over the bare batch bytes (without the audit-batch context), as an envelope signature would be', () => {
    const batch = batchOf([event('border')]);
    const key = generated.privateKeys.find((s) => s.agency === 'border')!.keys.find((k) => k.unitId === hq('border'))!;
    const privateKey = parseAgencyKeys({ format: KEYS_FORMAT, agency: 'border', keys: [key] }, 'border', directory).get(key.keyId)!;
    const bytes = toBinary(SignedAuditBatchSchema, create(SignedAuditBatchSchema, { batch, signerUnit: hq('border'), keyId: key.keyId, signature: sign(null, batch, privateKey) }));
    expect(verifySignedAuditBatch(bytes, 'border', directory)).toMatchObject({ ok: false, refusal: AuditRefusal.BadSignature });
  });

  it("refuses a genuine signature of another agency than the subject's", () => {
    const r = verifySignedAuditBatch(signed([event('interior')], hq('border')), 'interior', directory);
    expect(r).toEqual({ ok: false, refusal: AuditRefusal.WrongAgency, reason: `signed by ${hq('border')} of border, on the audit subject of interior` });
  });

  it('refuses the whole batch when one of its events claims another node', () => {
    const r = verifySignedAuditBatch(signed([event('interior'), event('border', 'e-2')], hq('interior')), 'interior', directory);
    expect(r).toEqual({ ok: false, refusal: AuditRefusal.ForeignEvent, reason: '1 of 2 events claim another node than interior (e-2: node "border")' });
  });
});
