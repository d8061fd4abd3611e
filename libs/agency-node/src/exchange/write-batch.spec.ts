import { generateKeyPairSync } from 'node:crypto';
import { ManualClock } from '@shekara/common';
import { BusNames, decodeSigned } from '@shekara/contracts';
import { SignatureVerifier, UnitSigner } from '@shekara/security';
import { AuditAction, AuditService } from '../audit';
import type { AgencyNodeConfig } from '../core';
import type { OutboxItem } from '../store';
import { WriteBatch } from './write-batch';

describe('WriteBatch', () => {
  const key = generateKeyPairSync('ed25519');
  const signer = new UnitSigner([{ keyId: 'u1#k', unitId: 'u1', privateKey: key.privateKey }]);
  const verifier = new SignatureVerifier((keyId) => (keyId === 'u1#k' ? { unitId: 'u1', publicKey: key.publicKey } : undefined));
  const names = new BusNames('wb');
  const config = { agency: 'border', outbox: { dispatchGraceMs: 5000 } } as AgencyNodeConfig;
  const clock = new ManualClock('2026-03-01T10:00:00Z');
  const batch = () => new WriteBatch(clock, names, config, signer, new AuditService(clock, config));
  const envelope = (messageId: string, targetAgency: 'interior' | 'customs'): OutboxItem => ({
    kind: 'ENVELOPE',
    messageId,
    targetAgency,
    payload: new TextEncoder().encode(`envelope ${messageId}`),
    signingUnit: 'u1',
    natsMsgId: messageId,
  });

  it('signs each publication once, writes the rows signed and due after the grace, and keeps only the rows the statement inserted', async () => {
    const b = batch();
    b.send([envelope('m1', 'interior'), envelope('m1', 'customs'), envelope('m2', 'interior')]);
    let json: Record<string, unknown>[] = [];
    let signed = new Map<string, Buffer>();
    await b.write(async (p) => {
      json = JSON.parse(p.outboxJson);
      signed = p.signed;
      // m1 to customs was there already (ON CONFLICT): not inserted.
      return { outbox: [{ id: '7', nats_msg_id: 'm1', target_agency: 'interior' }, { id: '8', nats_msg_id: 'm2', target_agency: 'interior' }] };
    });
    expect(json).toHaveLength(3);
    expect([...signed.keys()].sort()).toEqual(['m1', 'm2']);
    for (const [id, bytes] of signed) {
      const s = decodeSigned(bytes);
      expect(new TextDecoder().decode(s.envelope)).toBe(`envelope ${id}`);
      const p = s.batchProof!;
      expect(verifier.verify(s.keyId, s.envelope, s.signature, { index: p.index, size: p.leafCount, path: p.siblings })).toEqual({ ok: true, unitId: 'u1' });
    }
    for (const row of json) {
      expect(row).toMatchObject({ signing_unit: null, created_at: '2026-03-01T10:00:00.000Z', next_attempt_at: '2026-03-01T10:00:05.000Z', subject: names.inboxFrom(row.target_agency as 'interior', 'border') });
      expect(Buffer.from(row.payload as string, 'base64').equals(signed.get(row.nats_msg_id as string)!)).toBe(true);
    }
    expect(b.written.map((r) => [r.id, r.nats_msg_id, r.target_agency])).toEqual([
      ['7', 'm1', 'interior'],
      ['8', 'm2', 'interior'],
    ]);
    expect(b.written[0].payload.equals(signed.get('m1')!)).toBe(true);
  });

  it('writes audit entries with the ledger events of the published actions, and each write only what was added since the last', async () => {
    const b = batch();
    const ids = b.audit([
      { actor: 'officer', action: AuditAction.Sent, messageId: 'm1', message: { kind: 'DAILY', senderUnit: 'u1', recipientUnits: ['u2'], sentAt: clock.now() } },
      { actor: 'officer', action: AuditAction.SignedIn },
    ]);
    expect(ids[0]).toEqual(expect.any(String));
    expect(ids[1]).toBeUndefined();
    const first = await b.write(async (p) => {
      const log = JSON.parse(p.auditJson);
      expect(log.map((r: { action: string; event_id: string | null }) => [r.action, r.event_id])).toEqual([
        ['sent', ids[0]],
        ['signed-in', null],
      ]);
      const outbox = JSON.parse(p.outboxJson);
      expect(outbox).toEqual([expect.objectContaining({ kind: 'AUDIT', nats_msg_id: ids[0], target_agency: 'border', subject: names.auditSubject('border') })]);
      return { outbox: [{ id: '1', nats_msg_id: ids[0]!, target_agency: 'border' }] };
    });
    expect(first.outbox).toHaveLength(1);
    await b.write(async (p) => {
      expect(p.auditJson).toBe('[]');
      expect(JSON.parse(p.outboxJson)).toEqual([]);
      return { outbox: [] };
    });
    expect(b.written.map((r) => r.kind)).toEqual(['AUDIT']);
  });
});
