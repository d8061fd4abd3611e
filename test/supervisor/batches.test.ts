/**
 * The ledger consuming SignedAuditBatch messages, as the agency nodes publish their audit events,
 * against the real PostgreSQL and NATS.
 */
import { randomUUID } from 'node:crypto';
import { ManualClock } from '@shekara/common';
import { AuditAction } from '@shekara/contracts';
import type { AuditMessage } from '@shekara/policy';
import { SupervisorHarness, eventually, followUpEvent, sentEvent } from './harness';

const B4 = 'border.l4.CP-CN-A-01';
const I4 = 'interior.l4.CP-CN-A-01';
const C4 = 'customs.l4.CP-CN-A-01';
const at = (iso: string) => new Date(iso);
const id = () => randomUUID();

const h = new SupervisorHarness({ clock: new ManualClock('2023-01-12T12:00:00Z') });
beforeAll(() => h.start(), 60_000);
afterAll(() => h.cleanup());

describe('consuming batches of audit events', () => {
  it('records each event of a batch on its own: the good ones, and one reject row naming the refused ones', async () => {
    const a: AuditMessage = { id: id(), kind: 'DAILY', from: B4, to: [I4], sentAt: at('2023-01-10T02:40:00Z') };
    const b: AuditMessage = { id: id(), kind: 'DAILY', from: B4, to: [C4], sentAt: at('2023-01-10T02:41:00Z') };
    const bad = sentEvent({ id: id(), kind: 'DAILY', from: B4, to: [I4], sentAt: at('2023-01-10T02:42:00Z') });
    bad.actor = '';
    const delivered = followUpEvent(a, AuditAction.DELIVERED, I4, at('2023-01-10T02:40:02Z'));
    const sentA = sentEvent(a);
    await h.publishBatch('border', [sentA, bad, sentEvent(b), delivered]);
    await eventually(async () => (await h.sql(`SELECT 1 FROM ledger_messages WHERE id = ANY($1::text[])`, [[a.id, b.id]])).length === 2 || undefined);
    await eventually(async () => (await h.sql(`SELECT 1 FROM ledger_events WHERE event_id = $1`, [delivered.eventId])).length || undefined);
    const rejects = await eventually(async () => {
      const r = await h.sql(`SELECT reason, subject, event_id FROM ledger_rejects WHERE subject = $1`, [h.names.auditSignedSubject('border')]);
      return r.length ? r : undefined;
    });
    expect(rejects).toEqual([{ subject: h.names.auditSignedSubject('border'), event_id: bad.eventId, reason: `1 of 4 events refused: ${bad.eventId}: actor is required` }]);
    expect(await h.sql(`SELECT 1 FROM ledger_events WHERE event_id = $1`, [bad.eventId])).toEqual([]);
    // Events published again, in another batch with a new one (a re-publication), add nothing but the new one.
    const c: AuditMessage = { id: id(), kind: 'DAILY', from: B4, to: [I4], sentAt: at('2023-01-10T02:43:00Z') };
    await h.publishBatch('border', [sentA, delivered, sentEvent(c)]);
    await eventually(async () => (await h.sql(`SELECT 1 FROM ledger_messages WHERE id = $1`, [c.id])).length || undefined);
    expect(await h.sql(`SELECT count(*)::int AS n FROM ledger_events WHERE message_id = ANY($1::text[])`, [[a.id, b.id]])).toEqual([{ n: 3 }]);
  });

  it('keeps a batch that does not decode, or holds no events, with its reason', async () => {
    await h.publishRawBatch('border', Buffer.from('not a batch at all'));
    await h.publishBatch('border', []);
    const rejects = await eventually(async () => {
      const r = await h.sql(`SELECT reason FROM ledger_rejects WHERE event_id IS NULL ORDER BY id`);
      return r.length === 2 ? r : undefined;
    });
    expect(rejects.map((r) => r.reason)).toEqual([expect.stringMatching(/^refused \(malformed\): not a shekara.v1.SignedAuditBatch/), 'refused (malformed): a SignedAuditBatch needs batch, signer_unit, key_id and signature']);
  });
});

