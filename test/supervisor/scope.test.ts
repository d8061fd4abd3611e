/**
 * A supervisor sees the verdicts, timelines, journals and exports in which a unit of their own
 * agency is the sender or a recipient; the ledger's administrator sees all. Each listing is
 * attacked: supervisor.interior asks for border↔customs data by id and by filter, and gets 404 or
 * nothing of it.
 */
import { randomUUID } from 'node:crypto';
import { ManualClock } from '@shekara/common';
import type { AuditMessage } from '@shekara/policy';
import { SupervisorHarness, sentEvent } from './harness';

jest.setTimeout(120_000);

const B4 = 'border.l4.CP-CN-A-01';
const I4 = 'interior.l4.CP-CN-A-01';
const C4 = 'customs.l4.CP-CN-A-01';
const RANGE = 'from=2024-04-08&to=2024-04-09';
const at = (iso: string) => new Date(iso);

// border → customs only: none of interior's business.
const borderToCustoms: AuditMessage = { id: randomUUID(), kind: 'DAILY', from: B4, to: [C4], sentAt: at('2024-04-08T02:30:00Z') };
const urgentToCustoms: AuditMessage = { id: randomUUID(), kind: 'URGENT', from: B4, to: [C4], sentAt: at('2024-04-09T05:01:00Z'), reportedAt: at('2024-04-09T05:00:00Z') };
// border → interior: interior's.
const borderToInterior: AuditMessage = { id: randomUUID(), kind: 'DAILY', from: B4, to: [I4], sentAt: at('2024-04-08T02:31:00Z') };
const MESSAGES = [borderToCustoms, urgentToCustoms, borderToInterior];

const h = new SupervisorHarness({ clock: new ManualClock('2024-04-10T12:00:00Z') });

beforeAll(async () => {
  await h.start();
  await h.publish(MESSAGES.map((m) => sentEvent(m, `secret of ${m.id}`)));
  await h.settled(MESSAGES.length, MESSAGES.length);
});
afterAll(() => h.cleanup());

const INTERIOR = 'supervisor.interior';

describe('a supervisor reads only their own agency’s exchanges', () => {
  it('timeline of another agencies’ message: 404 as if unknown; own: 200; the admin: all', async () => {
    for (const m of [borderToCustoms, urgentToCustoms]) {
      const r = await h.get(`/api/messages/${m.id}/timeline`, INTERIOR);
      expect(r.status).toBe(404);
      expect(JSON.stringify(r.body)).not.toContain(`secret of ${m.id}`);
      expect((await h.get(`/api/messages/${m.id}/timeline`, 'supervisor.customs')).status).toBe(200);
      expect((await h.get(`/api/messages/${m.id}/timeline`, 'supervisor')).status).toBe(200);
    }
    expect((await h.get(`/api/messages/${borderToInterior.id}/timeline`, INTERIOR)).status).toBe(200);
  });

  it('verdicts filtered by the other agency’s unit hold only obligations owed to or by interior', async () => {
    const r = await h.get(`/api/verdicts?${RANGE}&unit=${B4}&pageSize=1000`, INTERIOR);
    expect(r.status).toBe(200);
    expect(r.body.items.length).toBeGreaterThan(0);
    for (const v of r.body.items) expect(v.to === I4 || v.from === I4).toBe(true);
    expect(r.body.items.map((v: { ref?: string }) => v.ref)).not.toContain(urgentToCustoms.id);
    // The admin sees the border → customs obligations the supervisor did not.
    const all = await h.get(`/api/verdicts?${RANGE}&unit=${B4}&pageSize=1000`, 'supervisor');
    expect(all.body.items.some((v: { to?: string }) => v.to === C4)).toBe(true);
    expect(all.body.items.some((v: { ref?: string }) => v.ref === urgentToCustoms.id)).toBe(true);
  });

  it('exports, journal, rates and overdue leave out border ↔ customs', async () => {
    for (const format of ['csv', 'xlsx']) {
      const file = await h.get(`/api/verdicts?${RANGE}&format=${format}`, INTERIOR);
      expect(file.status).toBe(200);
      expect(file.bytes.includes(Buffer.from(urgentToCustoms.id))).toBe(false);
      expect(file.bytes.includes(Buffer.from(borderToCustoms.id))).toBe(false);
    }
    const journal = (await h.get(`/api/journal?${RANGE}`, INTERIOR)).bytes.toString('utf8');
    expect(journal).toContain(borderToInterior.id);
    expect(journal).not.toContain(borderToCustoms.id);
    expect(journal).not.toContain(urgentToCustoms.id);
    expect((await h.get(`/api/journal?${RANGE}`, 'supervisor')).bytes.toString('utf8')).toContain(borderToCustoms.id);

    const overdue = await h.get(`/api/overdue?unit=${B4}&lookbackDays=7`, INTERIOR);
    expect(JSON.stringify(overdue.body)).not.toContain(urgentToCustoms.id);
    expect(JSON.stringify(await h.get(`/api/overdue?unit=${B4}&lookbackDays=7`, 'supervisor.customs'))).toContain(urgentToCustoms.id);

    const rates = await h.get(`/api/rates?${RANGE}&unit=${B4}`, INTERIOR);
    const adminRates = await h.get(`/api/rates?${RANGE}&unit=${B4}`, 'supervisor');
    expect(rates.body.items[0].judged).toBeLessThan(adminRates.body.items[0].judged);

    // The heatmap is drawn from the same scoped verdicts (the units owing interior, and interior's).
    expect((await h.get(`/api/heatmap?${RANGE}&unit=${C4}`, INTERIOR)).status).toBe(200);
  });
});
