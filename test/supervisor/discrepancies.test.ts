/**
 * The supervisors' view of clause 9.3 (issue #21 item 2, last bullet): counterpart figures
 * reconciled per month and pair from signed audit batches only (a STATISTICS report's figures and
 * explanations, the persons a handover acceptance accepts), by month, agency and level, and their
 * export. Attacked: a supervisor of one agency asks for another's pairs (by filter and by export)
 * and gets nothing of them; an "acceptance" signed by a unit no party to the act counts for
 * nothing; a later report corrects the earlier; malformed months are refused.
 */
import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { ManualClock } from '@shekara/common';
import { DiscrepancyExplanationSchema, StatisticsFigureSchema, StatisticsIndicator } from '@shekara/contracts';
import type { AuditEvent } from '@shekara/contracts';
import type { AuditMessage } from '@shekara/policy';
import { SupervisorHarness, sentEvent } from './harness';

jest.setTimeout(120_000);

const B4 = 'border.l4.CP-CN-A-01';
const I4 = 'interior.l4.CP-CN-A-01';
const C4 = 'customs.l4.CP-CN-A-01';
const at = (iso: string) => new Date(iso);
const HANDED = StatisticsIndicator.PERSONS_HANDED_OVER;
const RECEIVED = StatisticsIndicator.PERSONS_RECEIVED;

/** The SENT event of a STATISTICS report carrying its figures and explanations, as a node publishes it. */
function statistics(from: string, to: string[], period: string, sentAt: string, figures: [StatisticsIndicator, string, number][], explanations: [StatisticsIndicator, string, string][] = []): AuditEvent {
  const ev = sentEvent({ id: randomUUID(), kind: 'STATISTICS', from, to, sentAt: at(sentAt), period });
  ev.statisticsFigures = figures.map(([indicator, counterpartUnit, value]) => create(StatisticsFigureSchema, { indicator, counterpartUnit, value }));
  ev.statisticsExplanations = explanations.map(([indicator, counterpartUnit, text]) => create(DiscrepancyExplanationSchema, { indicator, counterpartUnit, text }));
  return ev;
}

const act = (from: string, to: string, eventAt: string): AuditMessage => ({ id: randomUUID(), kind: 'HANDOVER_PROPOSAL', from, to: [to], sentAt: at(eventAt), eventAt: at(eventAt), items: ['person'] });
function step(kind: 'HANDOVER_ACCEPTANCE' | 'HANDOVER_DISPUTE', a: AuditMessage, from: string, sentAt: string, persons = 0): AuditEvent {
  const ev = sentEvent({ id: randomUUID(), kind, from, to: [a.from], sentAt: at(sentAt), confirms: a.id });
  ev.handoverPersonsAccepted = persons;
  return ev;
}

// April 2026: border hands 2 persons to interior in an act (and says 3), 1 to customs (all agree).
const aprilToInterior = act(B4, I4, '2026-04-15T05:00:00Z');
const aprilToCustoms = act(B4, C4, '2026-04-16T05:00:00Z');
// Disputed by interior; customs (no party to it) "accepts" 5 persons of it: counts for nothing.
const aprilDisputed = act(B4, I4, '2026-04-20T05:00:00Z');
const EVENTS: AuditEvent[] = [
  sentEvent(aprilToInterior),
  step('HANDOVER_ACCEPTANCE', aprilToInterior, I4, '2026-04-15T06:00:00Z', 2),
  sentEvent(aprilToCustoms),
  step('HANDOVER_ACCEPTANCE', aprilToCustoms, C4, '2026-04-16T06:00:00Z', 1),
  sentEvent(aprilDisputed),
  step('HANDOVER_DISPUTE', aprilDisputed, I4, '2026-04-20T06:00:00Z'),
  step('HANDOVER_ACCEPTANCE', aprilDisputed, C4, '2026-04-20T05:30:00Z', 5),
  statistics(B4, [I4, C4], '2026-04', '2026-05-02T04:00:00Z', [
    [HANDED, I4, 3],
    [HANDED, C4, 1],
  ]),
  statistics(I4, [B4], '2026-04', '2026-05-02T05:00:00Z', [[RECEIVED, B4, 2]]),
  statistics(C4, [B4], '2026-04', '2026-05-02T05:00:00Z', [[RECEIVED, B4, 1]]),
  // March: border said 5, then corrected to 4 with an explanation; interior says 4; no act recorded.
  statistics(B4, [I4], '2026-03', '2026-04-02T04:00:00Z', [[HANDED, I4, 5]]),
  statistics(I4, [B4], '2026-03', '2026-04-02T05:00:00Z', [[RECEIVED, B4, 4]]),
  statistics(B4, [I4], '2026-03', '2026-04-03T04:00:00Z', [[HANDED, I4, 4]], [[HANDED, I4, 'Handed over on paper acts before the system']]),
];

const h = new SupervisorHarness({ clock: new ManualClock('2026-05-10T12:00:00Z') });

beforeAll(async () => {
  await h.start();
  await h.publish(EVENTS);
  await h.settled(EVENTS.length, EVENTS.length);
});
afterAll(() => h.cleanup());

const RANGE = 'from=2026-03&to=2026-04';
type Row = { period: string; handing_unit: string; receiving_unit: string; handed_over: number | null; received: number | null; acts: number; status: string; explanations: string };
const pairs = (rows: Row[]) => rows.map((r) => `${r.period} ${r.handing_unit}>${r.receiving_unit} ${r.handed_over}/${r.received}/${r.acts} ${r.status}`);

describe('unreconciled discrepancies in the supervisor ledger', () => {
  it('by default the unreconciled discrepancies; status=all every pair, the latest report correcting the earlier', async () => {
    const r = await h.get(`/api/discrepancies?${RANGE}`);
    expect(r.status).toBe(200);
    // The forged acceptance by customs (5 persons) and the disputed act count for nothing.
    expect(pairs(r.body.items)).toEqual([`2026-04 ${B4}>${I4} 3/2/2 DISCREPANCY`]);
    const all = await h.get(`/api/discrepancies?${RANGE}&status=all`);
    expect(pairs(all.body.items)).toEqual([`2026-03 ${B4}>${I4} 4/4/0 EXPLAINED`, `2026-04 ${B4}>${C4} 1/1/1 AGREED`, `2026-04 ${B4}>${I4} 3/2/2 DISCREPANCY`]);
    expect(all.body.items[0].explanations).toBe(`${B4}: Handed over on paper acts before the system`);
    expect(all.body.items[2]).toMatchObject({ handing_agency: 'border', handing_level: 4, receiving_agency: 'interior', receiving_level: 4 });
  });

  it('by month, agency and level', async () => {
    expect(pairs((await h.get(`/api/discrepancies?from=2026-03&to=2026-03&status=all`)).body.items)).toEqual([`2026-03 ${B4}>${I4} 4/4/0 EXPLAINED`]);
    expect(pairs((await h.get(`/api/discrepancies?${RANGE}&status=all&agency=customs`)).body.items)).toEqual([`2026-04 ${B4}>${C4} 1/1/1 AGREED`]);
    expect((await h.get(`/api/discrepancies?${RANGE}&status=all&level=4`)).body.items).toHaveLength(3);
    expect((await h.get(`/api/discrepancies?${RANGE}&status=all&level=5`)).body.items).toHaveLength(0);
    expect(pairs((await h.get(`/api/discrepancies?${RANGE}&status=EXPLAINED`)).body.items)).toEqual([`2026-03 ${B4}>${I4} 4/4/0 EXPLAINED`]);
  });

  it('a supervisor of one agency does not see another agency’s pairs, in the listing or the export', async () => {
    // customs is no side of border → interior.
    const customs = await h.get(`/api/discrepancies?${RANGE}&status=all`, 'supervisor.customs');
    expect(customs.status).toBe(200);
    expect(pairs(customs.body.items)).toEqual([`2026-04 ${B4}>${C4} 1/1/1 AGREED`]);
    expect((await h.get(`/api/discrepancies?${RANGE}`, 'supervisor.customs')).body.items).toEqual([]);
    // Asking for it by filter changes nothing.
    expect((await h.get(`/api/discrepancies?${RANGE}&status=all&agency=interior`, 'supervisor.customs')).body.items).toEqual([]);
    const csv = await h.get(`/api/discrepancies?${RANGE}&status=all&format=csv`, 'supervisor.customs');
    expect(csv.status).toBe(200);
    expect(csv.bytes.toString('utf8')).not.toContain(I4);
    // interior sees its pairs, not border → customs.
    const interior = await h.get(`/api/discrepancies?${RANGE}&status=all`, 'supervisor.interior');
    expect(pairs(interior.body.items)).toEqual([`2026-03 ${B4}>${I4} 4/4/0 EXPLAINED`, `2026-04 ${B4}>${I4} 3/2/2 DISCREPANCY`]);
    // border is a side of all three.
    expect((await h.get(`/api/discrepancies?${RANGE}&status=all`, 'supervisor.border')).body.items).toHaveLength(3);
  });

  it('exports the discrepancies as CSV and XLSX, for people in Russian', async () => {
    const csv = await h.get(`/api/discrepancies?${RANGE}&format=csv`, 'supervisor.border');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = csv.bytes.toString('utf8').trim().split(/\r?\n/);
    expect(lines[0]).toContain('period');
    expect(lines[0]).toContain('handed_over');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`2026-04`);
    expect(lines[1]).toContain('DISCREPANCY');
    const ru = await h.get(`/api/discrepancies?${RANGE}&format=csv&lang=ru`, 'supervisor.border');
    expect(ru.bytes.toString('utf8')).toContain('расхождение');
    const xlsx = await h.get(`/api/discrepancies?${RANGE}&format=xlsx`, 'supervisor.border');
    expect(xlsx.status).toBe(200);
    expect(xlsx.bytes.subarray(0, 2).toString('latin1')).toBe('PK');
  });

  it('refuses malformed or too long ranges and unknown statuses', async () => {
    expect((await h.get(`/api/discrepancies?from=2026-13`)).status).toBe(400);
    expect((await h.get(`/api/discrepancies?from=2026-04&to=2026-03`)).status).toBe(400);
    expect((await h.get(`/api/discrepancies?from=2024-01&to=2026-04`)).status).toBe(400);
    expect((await h.get(`/api/discrepancies?status=SOMETHING`)).status).toBe(400);
    // Without a token: 401.
    expect((await h.request('GET', `/api/discrepancies?${RANGE}`)).status).toBe(401);
  });
});
