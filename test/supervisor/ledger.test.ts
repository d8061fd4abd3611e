/**
 * The supervisor ledger against the real PostgreSQL and NATS: audit events published to the audit
 * stream (out of order, repeated, one malformed), then every HTTP listing, the exports and the
 * scheduler's request/reply methods.
 */
import { randomUUID } from 'node:crypto';
import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { AuthService } from '@shekara/auth';
import { ManualClock } from '@shekara/common';
import {
  AuditAction,
  DueEscalationsRequestSchema,
  DueEscalationsResponseSchema,
  MarkEscalatedRequestSchema,
  MarkEscalatedResponseSchema,
  Obligation,
  RpcMethod,
  VerdictsRequestSchema,
  VerdictsResponseSchema,
} from '@shekara/contracts';
import { RpcCallError } from '@shekara/messaging';
import type { AuditMessage } from '@shekara/policy';
import { SupervisorHarness, eventually, followUpEvent, sentEvent } from './harness';
import { parseCsv, readXlsx } from './xlsx';

const NOW = '2024-04-10T12:00:00Z';
const B4 = 'border.l4.CP-CN-A-01';
const I4 = 'interior.l4.CP-CN-A-01';
const C4 = 'customs.l4.CP-CN-A-01';
const RANGE = 'from=2024-04-08&to=2024-04-09';

const at = (iso: string) => new Date(iso);
const id = () => randomUUID();

// Since 2024-03-01 all of Kazakhstan is on UTC+5: 07:30 local = 02:30Z.
const dailyOnTime: AuditMessage = { id: id(), kind: 'DAILY', from: B4, to: [I4, C4], sentAt: at('2024-04-08T02:30:00Z') };
const dailyLate: AuditMessage = { id: id(), kind: 'DAILY', from: I4, to: [B4], sentAt: at('2024-04-08T05:00:00Z') };
const urgentConfirmed: AuditMessage = { id: id(), kind: 'URGENT', from: B4, to: [I4, C4], sentAt: at('2024-04-09T03:05:00Z'), reportedAt: at('2024-04-09T03:00:00Z') };
const confirmation: AuditMessage = { id: id(), kind: 'URGENT_CONFIRMATION', from: B4, to: [I4, C4], sentAt: at('2024-04-09T04:30:00Z'), confirms: urgentConfirmed.id };
const urgentOpen: AuditMessage = { id: id(), kind: 'URGENT', from: B4, to: [I4], sentAt: at('2024-04-09T05:01:00Z'), reportedAt: at('2024-04-09T05:00:00Z') };
const MESSAGES = [dailyOnTime, dailyLate, urgentConfirmed, confirmation, urgentOpen];

const h = new SupervisorHarness({ clock: new ManualClock(NOW) });

beforeAll(async () => {
  await h.start();
  const sent = MESSAGES.map((m) => sentEvent(m, m === urgentOpen ? '=HYPERLINK("x") detained, group of 3' : undefined));
  const followUps = [
    followUpEvent(urgentConfirmed, AuditAction.RECEIVED, I4, at('2024-04-09T03:05:01Z')),
    followUpEvent(urgentConfirmed, AuditAction.DELIVERED, I4, at('2024-04-09T03:05:02Z')),
    followUpEvent(urgentConfirmed, AuditAction.READ, I4, at('2024-04-09T03:10:00Z')),
    followUpEvent(urgentConfirmed, AuditAction.REJECTED, C4, at('2024-04-09T03:05:03Z'), 'bad signature'),
  ];
  // Out of order (follow-ups and the confirmation before the reports), and repeated under fresh
  // Nats-Msg-Ids so the broker does not drop the repeats: the ledger itself must.
  await h.publish([...followUps, sent[3], ...[...sent].reverse()]);
  await h.publish([followUps[1], sent[0], followUps[0], sent[1]], { freshMsgIds: true });
  await h.publishRawBatch('border', Buffer.from('not an audit event at all'));
  await h.settled(MESSAGES.length, MESSAGES.length + followUps.length);
  const auth = h.app!.get(AuthService);
  await auth.upsertUser({ username: 'duty', displayName: 'duty officer', password: 'pw-123456', unitId: B4, role: 'duty-officer' });
}, 60_000);

afterAll(() => h.cleanup());

describe('consuming audit events', () => {
  it('records each message and event once, whatever the order and repeats', async () => {
    const rows = await h.sql(`SELECT id, kind, sender, recipients, period, confirms FROM ledger_messages ORDER BY sent_at`);
    expect(rows.map((r) => r.id)).toEqual(MESSAGES.map((m) => m.id));
    expect(rows[3]).toMatchObject({ kind: 'URGENT_CONFIRMATION', confirms: urgentConfirmed.id, recipients: [I4, C4] });
    // The version changed (it keys the verdict cache), at most once per message added: events are
    // recorded in batches, one bump a batch, and the repeats added nothing.
    const [{ version }] = await h.sql(`SELECT version FROM ledger_state`);
    expect(Number(version)).toBeGreaterThanOrEqual(1);
    expect(Number(version)).toBeLessThanOrEqual(MESSAGES.length);
  });

  it('keeps a malformed event with its reason instead of dropping it', async () => {
    const rejects = await eventually(async () => {
      const r = await h.sql(`SELECT reason, subject FROM ledger_rejects`);
      return r.length ? r : undefined;
    });
    expect(rejects).toHaveLength(1);
    expect(rejects[0].reason).toMatch(/^refused \(malformed\): not a shekara.v1.SignedAuditBatch/);
    expect(rejects[0].subject).toBe(h.names.auditSignedSubject('border'));
    const r = await h.get('/api/admin/rejects', 'supervisor');
    expect(r.status).toBe(200);
    expect(r.body.items).toHaveLength(1);
  });
});

describe('access', () => {
  it('refuses anonymous callers and duty officers', async () => {
    expect((await h.request('GET', `/api/verdicts?${RANGE}`)).status).toBe(401);
    const login = await h.request('POST', '/api/auth/login', undefined, { username: 'duty', password: 'pw-123456' });
    expect(login.status).toBe(200);
    const r = await h.request('GET', `/api/verdicts?${RANGE}`, login.body.accessToken);
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('FORBIDDEN_ROLE');
  });

  it('lets every demo supervisor and the administrator in; only the administrator sees rejects', async () => {
    for (const u of ['supervisor.interior', 'supervisor.border', 'supervisor.customs', 'supervisor']) expect((await h.get(`/api/verdicts?${RANGE}&pageSize=1`, u)).status).toBe(200);
    expect((await h.get('/api/admin/rejects', 'supervisor.border')).status).toBe(403);
  });

  it('answers bad queries with 400 and the field', async () => {
    const bad = await h.get('/api/verdicts?from=2024-02-30&to=2024-03-01');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'INVALID_QUERY', errors: [{ field: 'from' }] });
    expect((await h.get('/api/verdicts?from=2024-04-09&to=2024-04-08')).body.code).toBe('INVALID_QUERY');
    expect((await h.get('/api/verdicts?from=2020-01-01&to=2024-04-08')).body.code).toBe('RANGE_TOO_LONG');
    const unknown = await h.get(`/api/verdicts?${RANGE}&verdict=SOMETIMES&agency=police&pageSize=0&extra=1`);
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['agency', 'extra', 'pageSize', 'verdict']);
  });
});

describe('GET /api/verdicts', () => {
  it('judges with the engine: on time, late, confirmed, unconfirmed', async () => {
    const daily = await h.get(`/api/verdicts?${RANGE}&obligation=DAILY&period=2024-04-08&unit=${B4}`);
    expect(daily.status).toBe(200);
    expect(daily.body).toMatchObject({ range: { from: '2024-04-08', to: '2024-04-09' }, asOf: new Date(NOW).toISOString(), total: 2, rejected: [] });
    expect(daily.body.items).toEqual([
      { obligation: 'DAILY', from: B4, to: C4, period: '2024-04-08', due: '2024-04-08T04:00:00.000Z', verdict: 'ON_TIME', message: dailyOnTime.id },
      { obligation: 'DAILY', from: B4, to: I4, period: '2024-04-08', due: '2024-04-08T04:00:00.000Z', verdict: 'ON_TIME', message: dailyOnTime.id },
    ]);
    const late = await h.get(`/api/verdicts?${RANGE}&verdict=LATE`);
    expect(late.body.items).toEqual([{ obligation: 'DAILY', from: I4, to: B4, period: '2024-04-08', due: '2024-04-08T04:00:00.000Z', verdict: 'LATE', message: dailyLate.id, late_by_s: 3600 }]);
    const urgent = await h.get(`/api/verdicts?${RANGE}&obligation=URGENT_CONFIRMATION`);
    expect(urgent.body.items).toHaveLength(2);
    expect(urgent.body.items.find((v: { ref: string }) => v.ref === urgentConfirmed.id)).toEqual({
      obligation: 'URGENT_CONFIRMATION',
      from: B4,
      ref: urgentConfirmed.id,
      due: '2024-04-09T05:00:00.000Z',
      verdict: 'CONFIRMED_ON_TIME',
      message: confirmation.id,
    });
    const byRef = Object.fromEntries(urgent.body.items.map((v: { ref: string; verdict: string }) => [v.ref, v.verdict]));
    expect(byRef).toEqual({ [urgentConfirmed.id]: 'CONFIRMED_ON_TIME', [urgentOpen.id]: 'UNCONFIRMED' });
  });

  it('filters by agency, level and region, and pages', async () => {
    const all = await h.get(`/api/verdicts?${RANGE}&pageSize=1000`);
    const total = all.body.total as number;
    expect(all.body.items).toHaveLength(total);
    const page = await h.get(`/api/verdicts?${RANGE}&pageSize=7&page=3`);
    expect(page.body).toMatchObject({ total, page: 3, pageSize: 7 });
    expect(page.body.items).toEqual(all.body.items.slice(14, 21));
    const customs = await h.get(`/api/verdicts?${RANGE}&agency=customs&pageSize=1000`);
    expect(customs.body.total).toBeGreaterThan(0);
    expect(customs.body.items.every((v: { from: string }) => v.from.startsWith('customs.'))).toBe(true);
    const l1 = await h.get(`/api/verdicts?${RANGE}&level=1&pageSize=1000`);
    expect(new Set(l1.body.items.map((v: { obligation: string }) => v.obligation))).toEqual(new Set(['DAILY', 'MONTHLY', 'SEMIANNUAL']));
    const oral = await h.get(`/api/verdicts?${RANGE}&region=KZ-27&pageSize=1000`);
    expect(oral.body.total).toBeGreaterThan(0);
    expect(oral.body.items.every((v: { from: string }) => v.from.endsWith('KZ-27') || v.from.endsWith('CP-RU-A-02'))).toBe(true);
  });

  it('exports the whole filtered listing as CSV with a header row', async () => {
    const json = await h.get(`/api/verdicts?${RANGE}&agency=border&pageSize=1000`);
    const csv = await h.get(`/api/verdicts?${RANGE}&agency=border&format=csv&pageSize=5`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="verdicts-2024-04-08_2024-04-09.csv"');
    const rows = parseCsv(csv.body as string);
    expect(rows[0]).toEqual(['obligation', 'from', 'to', 'period', 'ref', 'due', 'verdict', 'message', 'late_by_s']);
    expect(rows.slice(1)).toEqual(json.body.items.map((v: Record<string, unknown>) => rows[0].map((c) => (v[c] === undefined ? '' : String(v[c])))));
  });

  it('exports for people with lang: names beside ids, local times with the zone, verdicts in words (without lang: the audit format)', async () => {
    const csv = parseCsv((await h.get(`/api/verdicts?${RANGE}&unit=${I4}&obligation=DAILY&period=2024-04-08&format=csv&lang=ru`)).body as string);
    expect(csv[0]).toEqual(['obligation', 'обязанность (словами)', 'from', 'отправитель (наименование)', 'to', 'адресат (наименование)', 'period', 'ref', 'due', 'срок (местное время)', 'verdict', 'оценка (словами)', 'message', 'late_by_s']);
    const late = csv.find((r) => r[4] === B4)!;
    expect(late[1]).toBe('ежедневная информация');
    expect(late[3]).toMatch(/Нур Жолы/);
    expect(late[5]).toMatch(/Нур Жолы/);
    // 09:00 local on 2024-04-08, Asia/Oral or Asia/Almaty: both UTC+05:00 since 2024-03-01.
    expect(late[9]).toMatch(/^2024-04-08 09:00:00 \(Asia\/\w+, UTC\+05:00\)$/);
    expect([late[10], late[11]]).toEqual(['LATE', 'с опозданием']);
    const en = parseCsv((await h.get(`/api/overdue?unit=${B4}&format=csv&lang=en`)).body as string);
    expect(en[0]).toContain('sender (name)');
    expect(en[1][en[0].indexOf('sender (name)')]).toMatch(/Nur Zholy/);
    const heat = parseCsv((await h.get(`/api/heatmap?${RANGE}&unit=${B4}&format=csv&lang=en`)).body as string);
    expect(heat[0].slice(0, 2)).toEqual(['unit', 'name']);
    expect(heat[1].slice(-2)).toEqual(['on time', 'missing']);
    expect((await h.get(`/api/verdicts?${RANGE}&format=csv&lang=kk`)).status).toBe(400);
  });

  it('exports a real XLSX workbook', async () => {
    const json = await h.get(`/api/verdicts?${RANGE}&unit=${I4}&pageSize=1000`);
    const xlsx = await h.get(`/api/verdicts?${RANGE}&unit=${I4}&format=xlsx`);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const rows = readXlsx(xlsx.bytes);
    expect(rows[0]).toEqual(['obligation', 'from', 'to', 'period', 'ref', 'due', 'verdict', 'message', 'late_by_s']);
    expect(rows).toHaveLength(json.body.total + 1);
    expect(rows.slice(1)).toEqual(json.body.items.map((v: Record<string, unknown>) => (rows[0] as string[]).map((c) => (v[c] === undefined ? null : v[c]))));
  });
});

describe('rates, series and heatmap', () => {
  it('gives each unit its on-time rate over judged verdicts, worst first', async () => {
    const r = await h.get(`/api/rates?${RANGE}&level=4&region=KZ-33`);
    expect(r.status).toBe(200);
    const byUnit = Object.fromEntries(r.body.items.map((row: { unit: string }) => [row.unit, row]));
    // border: 2 daily on time, 2 missing on the 9th; urgent confirmed on time + unconfirmed; monthly pending.
    expect(byUnit[B4]).toMatchObject({ agency: 'border', level: 4, judged: 6, on_time: 3, rate: 0.5, counts: { ON_TIME: 2, MISSING: 2, CONFIRMED_ON_TIME: 1, UNCONFIRMED: 1, PENDING: 2 } });
    expect(byUnit[I4]).toMatchObject({ judged: 4, on_time: 0, rate: 0, counts: { LATE: 1, MISSING: 3 } });
    expect(r.body.items[r.body.items.length - 1].unit).toBe(B4);
    const csv = parseCsv((await h.get(`/api/rates?${RANGE}&level=4&region=KZ-33&format=csv`)).body as string);
    expect(csv[0].slice(0, 8)).toEqual(['unit', 'agency', 'level', 'region', 'name', 'judged', 'on_time', 'rate']);
    expect(csv).toHaveLength(r.body.total + 1);
  });

  it('charts a unit per day and an agency per week', async () => {
    const days = await h.get(`/api/rates/series?${RANGE}&unit=${B4}&bucket=day`);
    expect(days.body.items).toEqual([
      expect.objectContaining({ start: '2024-04-08', judged: 2, on_time: 2, rate: 1 }),
      expect.objectContaining({ start: '2024-04-09', judged: 4, on_time: 1, rate: 0.25 }),
    ]);
    const weeks = await h.get(`/api/rates/series?from=2024-04-01&to=2024-04-14&agency=border&bucket=week`);
    expect(weeks.body.items.map((p: { start: string }) => p.start)).toEqual(['2024-04-01', '2024-04-08']);
  });

  it('shows units × days with one letter per daily verdict', async () => {
    const r = await h.get(`/api/heatmap?${RANGE}&region=KZ-33&level=4`);
    expect(r.body.days).toEqual(['2024-04-08', '2024-04-09']);
    expect(r.body.legend).toMatchObject({ O: 'ON_TIME', M: 'MISSING', L: 'LATE' });
    const byUnit = (items: Array<{ unit: string }>) => Object.fromEntries(items.map((x) => [x.unit, x]));
    expect(byUnit(r.body.items)).toEqual({
      [I4]: { unit: I4, agency: 'interior', level: 4, region: 'KZ-33', cells: 'MM', breaches: 2 }, // LATE to border, MISSING to customs: the worst
      [B4]: { unit: B4, agency: 'border', level: 4, region: 'KZ-33', cells: 'OM', breaches: 1 },
      [C4]: { unit: C4, agency: 'customs', level: 4, region: 'KZ-33', cells: 'MM', breaches: 2 },
    });
    // What needs attention first: most breach days.
    expect(r.body.items.map((x: { unit: string }) => x.unit).pop()).toBe(B4);
    expect(r.body).toMatchObject({ breaching: 3, units: 3 });
    const xlsx = readXlsx((await h.get(`/api/heatmap?${RANGE}&region=KZ-33&level=4&format=xlsx`)).bytes);
    expect(xlsx[0]).toEqual(['unit', 'agency', 'level', 'region', 'breaches', '2024-04-08', '2024-04-09']);
    expect(xlsx.find((row) => row[0] === B4)).toEqual([B4, 'border', 4, 'KZ-33', 1, 'ON_TIME', 'MISSING']);
  });

  it('filters the heat map to units with breaches and groups it by region or level, worst first', async () => {
    const all = await h.get(`/api/heatmap?${RANGE}&pageSize=1000`);
    const breaching = await h.get(`/api/heatmap?${RANGE}&pageSize=1000&breaches=true`);
    expect(breaching.body.items.length).toBe(all.body.breaching);
    expect(breaching.body.items.every((x: { breaches: number }) => x.breaches > 0)).toBe(true);
    const breachList = all.body.items.map((x: { breaches: number }) => x.breaches);
    expect([...breachList].sort((a: number, b: number) => b - a)).toEqual(breachList);
    const byRegion = await h.get(`/api/heatmap?${RANGE}&group=region`);
    expect(byRegion.body.groups.map((g: { key: string }) => g.key).sort()).toEqual([...new Set(all.body.items.map((x: { region: string }) => x.region))].sort());
    const oral = byRegion.body.groups.find((g: { key: string }) => g.key === 'KZ-33');
    expect(oral).toMatchObject({ breaching_units: expect.any(Number), cells: 'MM' });
    const counts = byRegion.body.groups.map((g: { breaching_units: number }) => g.breaching_units);
    expect([...counts].sort((a: number, b: number) => b - a)).toEqual(counts);
    expect((await h.get(`/api/heatmap?${RANGE}&group=level`)).body.groups.map((g: { key: string }) => g.key)).toContain('4');
    expect((await h.get(`/api/heatmap?${RANGE}&group=planet`)).status).toBe(400);
    expect((await h.get(`/api/heatmap?${RANGE}&breaches=yes`)).status).toBe(400);
  });
});

describe('overdue, escalations and the scheduler API', () => {
  it('lists the unconfirmed urgent report and missing reports due lately, oldest first', async () => {
    const r = await h.get(`/api/overdue?unit=${B4}`);
    expect(r.status).toBe(200);
    const urgent = r.body.items.find((x: { obligation: string }) => x.obligation === 'URGENT_CONFIRMATION');
    expect(urgent).toEqual({
      obligation: 'URGENT_CONFIRMATION',
      from: B4,
      agency: 'border',
      to: null,
      period: null,
      ref: urgentOpen.id,
      due: '2024-04-09T07:00:00.000Z',
      verdict: 'UNCONFIRMED',
      overdue_s: 29 * 3600,
      escalated_at: null,
      recipients: [I4],
      summary: '=HYPERLINK("x") detained, group of 3',
    });
    const dues = r.body.items.map((x: { due: string }) => x.due);
    expect([...dues].sort()).toEqual(dues);
    expect(r.body.items.filter((x: { verdict: string }) => x.verdict === 'MISSING').length).toBeGreaterThan(0);
    expect(r.body.items.every((x: { verdict: string }) => ['MISSING', 'UNCONFIRMED'].includes(x.verdict))).toBe(true);
    // A formula in a summary is defused in the CSV.
    const csv = (await h.get(`/api/overdue?unit=${B4}&obligation=URGENT_CONFIRMATION&format=csv`)).body as string;
    expect(parseCsv(csv)[1]).toContain(`'=HYPERLINK("x") detained, group of 3`);
  });

  it('answers escalations.due and escalations.mark, idempotently', async () => {
    const due = await h.rpc(RpcMethod.DueEscalations, DueEscalationsRequestSchema, { asOf: timestampFromDate(new Date(NOW)) }, DueEscalationsResponseSchema);
    expect(due.items.map((i) => i.urgentId)).toEqual([urgentOpen.id]);
    expect(due.items[0]).toMatchObject({ senderUnit: B4, recipientUnits: [I4] });
    expect(timestampDate(due.items[0].due!).toISOString()).toBe('2024-04-09T07:00:00.000Z');
    // Before its deadline it is not due, unless within the horizon.
    const early = await h.rpc(RpcMethod.DueEscalations, DueEscalationsRequestSchema, { asOf: timestampFromDate(at('2024-04-09T06:00:00Z')) }, DueEscalationsResponseSchema);
    expect(early.items).toEqual([]);
    const horizon = await h.rpc(RpcMethod.DueEscalations, DueEscalationsRequestSchema, { asOf: timestampFromDate(at('2024-04-09T06:00:00Z')), horizonS: 3601 }, DueEscalationsResponseSchema);
    expect(horizon.items.map((i) => i.urgentId)).toEqual([urgentOpen.id]);

    const first = await h.rpc(RpcMethod.MarkEscalated, MarkEscalatedRequestSchema, { urgentId: urgentOpen.id, at: timestampFromDate(at('2024-04-09T07:00:05Z')) }, MarkEscalatedResponseSchema);
    const again = await h.rpc(RpcMethod.MarkEscalated, MarkEscalatedRequestSchema, { urgentId: urgentOpen.id, at: timestampFromDate(at('2024-04-09T08:00:00Z')) }, MarkEscalatedResponseSchema);
    expect([first.already, again.already]).toEqual([false, true]);
    const after = await h.rpc(RpcMethod.DueEscalations, DueEscalationsRequestSchema, { asOf: timestampFromDate(new Date(NOW)) }, DueEscalationsResponseSchema);
    expect(after.items).toEqual([]);
    const overdue = await h.get(`/api/overdue?unit=${B4}&obligation=URGENT_CONFIRMATION`);
    expect(overdue.body.items[0].escalated_at).toBe('2024-04-09T07:00:05.000Z');
  });

  it('answers verdicts for one periodic obligation, period and zone', async () => {
    const r = await h.rpc(RpcMethod.Verdicts, VerdictsRequestSchema, { obligation: Obligation.DAILY, period: '2024-04-08', zone: 'Asia/Almaty', asOf: timestampFromDate(new Date(NOW)) }, VerdictsResponseSchema);
    expect(r.verdicts.length).toBeGreaterThan(0);
    expect(r.verdicts.every((v) => v.obligation === Obligation.DAILY && v.period === '2024-04-08' && !v.from.endsWith('CP-RU-A-02') && !v.from.endsWith('KZ-27'))).toBe(true);
    const late = r.verdicts.find((v) => v.verdict === 'LATE')!;
    expect(late).toMatchObject({ from: I4, to: B4, message: dailyLate.id, lateByS: 3600n });
    // Before the window closed, the same obligations are PENDING.
    const before = await h.rpc(RpcMethod.Verdicts, VerdictsRequestSchema, { obligation: Obligation.DAILY, period: '2024-04-08', asOf: timestampFromDate(at('2024-04-08T03:00:00Z')) }, VerdictsResponseSchema);
    expect(before.verdicts.find((v) => v.from === I4 && v.to === B4)?.verdict).toBe('PENDING');
    expect(before.verdicts.find((v) => v.from === B4 && v.to === I4)?.verdict).toBe('ON_TIME');
    const monthly = await h.rpc(RpcMethod.Verdicts, VerdictsRequestSchema, { obligation: Obligation.MONTHLY, period: '2024-04', asOf: timestampFromDate(new Date(NOW)) }, VerdictsResponseSchema);
    expect(monthly.verdicts).toHaveLength(42);
    expect(new Set(monthly.verdicts.map((v) => v.verdict))).toEqual(new Set(['PENDING']));
  });

  it('refuses bad requests with code 400', async () => {
    const call = (req: Parameters<typeof h.rpc>[2]) => h.rpc(RpcMethod.Verdicts, VerdictsRequestSchema, req, VerdictsResponseSchema);
    await expect(call({ obligation: Obligation.URGENT_CONFIRMATION, period: '2024-04-08', asOf: timestampFromDate(new Date(NOW)) })).rejects.toMatchObject({ code: 400 });
    await expect(call({ obligation: Obligation.MONTHLY, period: '2024-04-08', asOf: timestampFromDate(new Date(NOW)) })).rejects.toBeInstanceOf(RpcCallError);
    await expect(call({ obligation: Obligation.DAILY, period: '2024-04-08' })).rejects.toMatchObject({ code: 400, message: expect.stringMatching(/as_of/) });
    await expect(h.rpc(RpcMethod.MarkEscalated, MarkEscalatedRequestSchema, { urgentId: '' }, MarkEscalatedResponseSchema)).rejects.toMatchObject({ code: 400 });
  });
});

describe('timeline, journal, directory, operations', () => {
  it('shows one message and everything that happened to it, in order', async () => {
    const r = await h.get(`/api/messages/${urgentConfirmed.id}/timeline`);
    expect(r.status).toBe(200);
    expect(r.body.message).toMatchObject({ id: urgentConfirmed.id, kind: 'URGENT', from: B4, to: [I4, C4], reported_at: '2024-04-09T03:00:00.000Z', node: 'border' });
    expect(r.body.events.map((e: { action: string }) => e.action)).toEqual(['SENT', 'RECEIVED', 'DELIVERED', 'REJECTED', 'READ']);
    expect(r.body.events[3]).toMatchObject({ units: [C4], reason: 'bad signature' });
    expect(r.body.confirmations).toEqual([{ id: confirmation.id, from: B4, sent_at: '2024-04-09T04:30:00.000Z' }]);
    expect(r.body.verdicts).toEqual([expect.objectContaining({ obligation: 'URGENT_CONFIRMATION', ref: urgentConfirmed.id, verdict: 'CONFIRMED_ON_TIME', message: confirmation.id })]);
    expect((await h.get(`/api/messages/${randomUUID()}/timeline`)).status).toBe(404);
  });

  it('serves the journal of a range in the offline audit format', async () => {
    const r = await h.get(`/api/journal?${RANGE}`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const lines = (r.body as string).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(MESSAGES.map((m) => m.id));
    expect(lines[0]).toEqual({ id: dailyOnTime.id, kind: 'DAILY', from: B4, to: [I4, C4], sent_at: '2024-04-08T02:30:00.000Z' });
    expect(lines[3]).toMatchObject({ kind: 'URGENT_CONFIRMATION', confirms: urgentConfirmed.id });
  });

  it('lists the directory units for the filters', async () => {
    const r = await h.get('/api/directory/units?level=1');
    expect(r.body.items.map((u: { id: string }) => u.id).sort()).toEqual(['border.l1.KZ', 'customs.l1.KZ', 'interior.l1.KZ']);
    expect((await h.get('/api/directory/units?pageSize=1000')).body.total).toBe(21);
  });

  it('reports health and metrics', async () => {
    const health = await h.request('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body.checks).toMatchObject({ postgres: { status: 'up' }, nats: { status: 'up' } });
    const metrics = (await h.request('GET', '/metrics')).body as string;
    expect(metrics).toMatch(/shekara_ledger_events_consumed_total\{action="SENT",outcome="recorded"\} 5/);
    expect(metrics).toMatch(/shekara_ledger_events_consumed_total\{action="unknown",outcome="rejected"\} 1/);
    expect(metrics).toMatch(/shekara_ledger_lag 0/);
    expect(metrics).toMatch(/shekara_verdict_computation_seconds_count \d+/);
    expect(metrics).toMatch(/shekara_ledger_messages 5/);
  });
});
