/**
 * The ledger believes only signed facts (issue #17, item 3), against the real PostgreSQL and NATS.
 * Forgeries on the audit stream — an unsigned batch or event, a batch signed by another agency's
 * key, a batch whose events claim another node, a batch altered after signing, a signer unit
 * that did not sign — are refused as a whole: kept in ledger_rejects with the reason, counted
 * in shekara_ledger_refused_total, listed to the admin, never recorded. A MISSING daily report stays
 * MISSING, and a READ by a made-up officer never reaches the timeline.
 */
import { randomUUID } from 'node:crypto';
import { ManualClock } from '@shekara/common';
import { AuditAction, SignedAuditBatchSchema } from '@shekara/contracts';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import type { AuditMessage } from '@shekara/policy';
import { SupervisorHarness, eventually, followUpEvent, sentEvent } from './harness';

const NOW = '2024-04-10T12:00:00Z';
const B4 = 'border.l4.CP-CN-A-01';
const I4 = 'interior.l4.CP-CN-A-01';
const C4 = 'customs.l4.CP-CN-A-01';
const RANGE = 'from=2024-04-08&to=2024-04-09';
const at = (iso: string) => new Date(iso);

// Genuine: customs' daily report to border, on time (07:30 local = 02:30Z), signed by customs' node.
const genuine: AuditMessage = { id: randomUUID(), kind: 'DAILY', from: C4, to: [B4], sentAt: at('2024-04-08T02:30:00Z') };
// Never sent: border's daily report of 2024-04-08 is MISSING. The forgeries claim it was on time.
const forgedDaily: AuditMessage = { id: randomUUID(), kind: 'DAILY', from: B4, to: [I4, C4], sentAt: at('2024-04-08T02:30:00Z'), period: '2024-04-08' };
const forgedInteriorDaily: AuditMessage = { id: randomUUID(), kind: 'DAILY', from: I4, to: [B4], sentAt: at('2024-04-08T02:31:00Z') };

const h = new SupervisorHarness({ clock: new ManualClock(NOW) });
const forged = {
  sent: sentEvent(forgedDaily),
  read: followUpEvent(genuine, AuditAction.READ, B4, at('2024-04-08T03:00:00Z')),
  interiorSent: sentEvent(forgedInteriorDaily),
};
forged.read.actor = 'border.ghost-officer';

const refusals = async (n: number) =>
  eventually(async () => {
    const r = await h.sql<{ subject: string; reason: string; event_id: string | null }>(`SELECT subject, reason, event_id FROM ledger_rejects ORDER BY id`);
    return r.length >= n ? r : undefined;
  }, 20_000, `${n} refusals`);

beforeAll(async () => {
  await h.start();
  await h.publishBatch('customs', [sentEvent(genuine)]);
  await h.settled(1, 1);
}, 60_000);
afterAll(() => h.cleanup());

describe('a ledger of signed facts', () => {
  it('refuses a forged unsigned batch, and a single unsigned event: the MISSING report stays MISSING, no READ by a made-up officer', async () => {
    const before = await h.get(`/api/verdicts?${RANGE}&obligation=DAILY&period=2024-04-08&unit=${B4}`);
    expect(before.body.items.filter((v: { from: string }) => v.from === B4).map((v: { verdict: string }) => v.verdict)).toEqual(['MISSING', 'MISSING']);

    await h.publishUnsignedBatch('border', [forged.sent, forged.read]);
    // The single-event subject (`<p>.audit.border`) is not even exported to border on the bus: refused by the server.
    await expect(h.publishUnsigned([forged.sent])).rejects.toThrow();
    const rejects = await refusals(1);
    expect(rejects.map((r) => r.subject)).toEqual([h.names.auditBatchSubject('border')]);
    for (const r of rejects) expect(r.reason).toMatch(/^refused \(unsigned\): an unsigned AuditEvent(Batch)?: the ledger accepts only SignedAuditBatch messages/);

    expect(await h.sql(`SELECT event_id FROM ledger_events WHERE event_id = ANY($1::text[])`, [[forged.sent.eventId, forged.read.eventId]])).toEqual([]);
    expect(await h.sql(`SELECT id FROM ledger_messages WHERE id = $1`, [forgedDaily.id])).toEqual([]);
    const after = await h.get(`/api/verdicts?${RANGE}&obligation=DAILY&period=2024-04-08&unit=${B4}`);
    expect(after.body.items.filter((v: { from: string }) => v.from === B4).map((v: { verdict: string }) => v.verdict)).toEqual(['MISSING', 'MISSING']);
    const timeline = await h.get(`/api/messages/${genuine.id}/timeline`);
    expect(timeline.body.events.map((e: { action: string }) => e.action)).toEqual(['SENT']);
  });

  it("refuses a batch signed by border's key on interior's subject, one whose events claim another node, one altered after signing", async () => {
    const start = (await h.sql(`SELECT count(*)::int AS n FROM ledger_rejects`))[0].n as number;
    // Border's genuine key, but interior's subject and interior's events.
    await h.publishAs('interior', [forged.interiorSent], { agency: 'border' });
    // Interior's genuine key on its own subject, but the events claim border's node.
    await h.publishAs('interior', [forged.sent]);
    // Border's headquarters' key, naming another border unit (B4) as the signer.
    await h.publishAs('border', [forged.sent], { claimUnit: B4 });
    // Border's genuine signature, the batch swapped for another afterwards.
    const genuineBytes = fromBinary(SignedAuditBatchSchema, h.signedBatch('border', [sentEvent({ ...forgedDaily, id: randomUUID() })]));
    const tampered = fromBinary(SignedAuditBatchSchema, h.signedBatch('border', [forged.sent]));
    await h.publishRawBatch('border', toBinary(SignedAuditBatchSchema, create(SignedAuditBatchSchema, { ...genuineBytes, batch: tampered.batch })));

    // The ledger handles several bus messages at once: the order of the rows is not theirs.
    const rejects = (await refusals(start + 4)).slice(start);
    expect(rejects).toHaveLength(4);
    expect(rejects).toEqual(expect.arrayContaining([
      { subject: h.names.auditSignedSubject('interior'), event_id: null, reason: expect.stringMatching(/^refused \(wrong_agency\): signed by border\.\S+ of border, on the audit subject of interior$/) },
      { subject: h.names.auditSignedSubject('interior'), event_id: null, reason: `refused (foreign_event): 1 of 1 events claim another node than interior (${forged.sent.eventId}: node "border")` },
      { subject: h.names.auditSignedSubject('border'), event_id: null, reason: expect.stringMatching(/^refused \(bad_signature\): key \S+ belongs to border\.\S+, not to the signer unit border\.l4\.CP-CN-A-01$/) },
      { subject: h.names.auditSignedSubject('border'), event_id: null, reason: expect.stringMatching(/^refused \(bad_signature\): signature does not verify with key /) },
    ]));
    expect(await h.sql(`SELECT id FROM ledger_messages WHERE id = ANY($1::text[])`, [[forgedDaily.id, forgedInteriorDaily.id]])).toEqual([]);
    expect((await h.sql(`SELECT count(*)::int AS n FROM ledger_events`))[0].n).toBe(1);
    const after = await h.get(`/api/verdicts?${RANGE}&obligation=DAILY&period=2024-04-08&unit=${B4}`);
    expect(after.body.items.filter((v: { from: string }) => v.from === B4).map((v: { verdict: string }) => v.verdict)).toEqual(['MISSING', 'MISSING']);
  });

  it('shows the refusals to the admin and counts them by reason', async () => {
    const r = await h.get('/api/admin/rejects', 'supervisor');
    expect(r.status).toBe(200);
    // (The single unsigned event never reached the ledger: the bus refused it.)
    expect(r.body.items).toHaveLength(5);
    expect(r.body.items.map((i: { reason: string }) => i.reason.match(/^refused \((\w+)\)/)?.[1]).sort()).toEqual(['bad_signature', 'bad_signature', 'foreign_event', 'unsigned', 'wrong_agency']);
    const metrics = (await h.request('GET', '/metrics')).body as string;
    expect(metrics).toContain('shekara_ledger_refused_total{reason="unsigned"} 1');
    expect(metrics).toContain('shekara_ledger_refused_total{reason="bad_signature"} 2');
    expect(metrics).toContain('shekara_ledger_refused_total{reason="wrong_agency"} 1');
    expect(metrics).toContain('shekara_ledger_refused_total{reason="foreign_event"} 1');
  });

  it('still records a genuine signed batch', async () => {
    const late: AuditMessage = { id: randomUUID(), kind: 'DAILY', from: B4, to: [I4, C4], sentAt: at('2024-04-09T05:00:00Z') };
    await h.publishBatch('border', [sentEvent(late)]);
    await h.settled(2, 2);
    const v = await h.get(`/api/verdicts?${RANGE}&obligation=DAILY&period=2024-04-09&unit=${B4}`);
    expect(v.body.items.filter((x: { from: string }) => x.from === B4).map((x: { verdict: string }) => x.verdict)).toEqual(['LATE', 'LATE']);
  });
});
