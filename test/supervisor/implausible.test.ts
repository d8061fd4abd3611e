/**
 * Whatever the ledger has stored — events from before the plausibility checks, or from a node that
 * does not check — no listing, timeline, journal or export answers 500: reports dated 1900, 2030 and
 * 9999, periods in the year 9999, and absurd query ranges and page numbers.
 */
import { randomUUID } from 'node:crypto';
import { ManualClock } from '@shekara/common';
import type { AuditMessage } from '@shekara/policy';
import { SupervisorHarness, sentEvent } from './harness';

jest.setTimeout(120_000);

const B4 = 'border.l4.CP-CN-A-01';
const I4 = 'interior.l4.CP-CN-A-01';
const at = (iso: string) => new Date(iso);

const MESSAGES: AuditMessage[] = [
  { id: randomUUID(), kind: 'URGENT', from: B4, to: [I4], sentAt: at('2024-04-09T03:00:00Z'), reportedAt: at('1900-01-01T00:00:00Z') },
  { id: randomUUID(), kind: 'URGENT', from: B4, to: [I4], sentAt: at('2024-04-09T03:01:00Z'), reportedAt: at('2030-01-01T00:00:00Z') },
  { id: randomUUID(), kind: 'URGENT', from: B4, to: [I4], sentAt: at('2024-04-09T03:02:00Z'), reportedAt: at('9999-12-31T23:59:59Z') },
  { id: randomUUID(), kind: 'DAILY', from: B4, to: [I4], sentAt: at('2024-04-09T03:03:00Z'), period: '9999-12-31' },
  { id: randomUUID(), kind: 'MONTHLY', from: B4, to: [I4], sentAt: at('2024-04-09T03:04:00Z'), period: '9999-12' },
  { id: randomUUID(), kind: 'SEMIANNUAL', from: 'border.l1.HQ', to: ['interior.l1.MVD'], sentAt: at('2024-04-09T03:05:00Z'), period: '9999-H2' },
  { id: randomUUID(), kind: 'ADVANCE', from: B4, to: [I4], sentAt: at('2024-04-09T03:06:00Z'), eventAt: at('9999-12-31T23:59:59Z') },
  { id: randomUUID(), kind: 'DAILY', from: B4, to: [I4], sentAt: at('1900-01-01T00:00:00Z'), period: '1900-01-01' },
];

const h = new SupervisorHarness({ clock: new ManualClock('2024-04-10T12:00:00Z') });

beforeAll(async () => {
  await h.start();
  await h.publish(MESSAGES.map((m) => sentEvent(m)));
  await h.settled(MESSAGES.length, MESSAGES.length);
});
afterAll(() => h.cleanup());

const RANGES = ['', 'from=2024-04-01&to=2024-04-30', 'from=1900-01-01&to=1900-01-02', 'from=9999-12-30&to=9999-12-31', 'from=0000-01-01&to=0000-01-01', 'from=2024-02-30&to=2024-03-01', 'from=1899-12-31&to=9999-12-31'];
const LISTINGS = ['/api/verdicts', '/api/rates', '/api/rates/series', '/api/heatmap', '/api/journal'];

it('answers every listing and export for any range without a 500 (400 for what it refuses)', async () => {
  const seen: string[] = [];
  for (const path of LISTINGS)
    for (const range of RANGES)
      for (const format of path === '/api/journal' ? [''] : ['', 'format=csv', 'format=xlsx']) {
        const q = [range, format].filter(Boolean).join('&');
        const r = await h.get(`${path}${q ? `?${q}` : ''}`, 'supervisor');
        if (r.status >= 500) seen.push(`${path}?${q}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
        else expect([200, 400]).toContain(r.status);
      }
  for (const q of ['', 'lookbackDays=1', 'lookbackDays=100000', 'format=csv', 'format=xlsx']) {
    const r = await h.get(`/api/overdue${q ? `?${q}` : ''}`, 'supervisor');
    if (r.status >= 500) seen.push(`/api/overdue?${q}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
  }
  for (const m of MESSAGES) {
    const r = await h.get(`/api/messages/${m.id}/timeline`, 'supervisor');
    if (r.status !== 200) seen.push(`timeline ${m.kind} ${m.id}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
  }
  expect(seen).toEqual([]);
});

it('bounds page numbers: a huge page is a 400, never OFFSET Infinity', async () => {
  for (const page of ['1e308', '99999999999', '-1', '0', '1.5', 'NaN']) {
    const r = await h.get(`/api/verdicts?page=${page}`, 'supervisor');
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: { field: string }) => e.field)).toEqual(['page']);
  }
  expect((await h.get('/api/verdicts?page=100000', 'supervisor')).status).toBe(200);
});
