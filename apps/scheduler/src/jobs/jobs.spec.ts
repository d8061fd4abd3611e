import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Logger } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import { ManualClock } from '@shekara/common';
import { AGENCIES, DueEscalationSchema, MessageKind, NotificationType, Obligation, VerdictRecordSchema } from '@shekara/contracts';
import type { AgencyCode, DueEscalation, VerdictRecord } from '@shekara/contracts';
import { Directory, buildDirectory } from '@shekara/directory';
import { POLICIES } from '@shekara/policy';
import { SchedulerBus } from '../bus.client';
import type { NotificationSpec, PrepareDraftsSpec } from '../bus.client';
import { SchedulerMetrics } from '../ops/metrics';
import { JobName, QueueName, escalationJobId } from '../queues';
import { DEFAULT_TIMETABLE } from '../timetable';
import { EscalateJob } from './escalate.job';
import { EscalationSweepJob } from './escalation-sweep.job';
import { WindowCloseJob } from './window-close.job';
import { WindowJobs } from './window-job';
import type { WindowJobData } from './window-job';
import { WindowOpenJob } from './window-open.job';
import { WindowRemindJob } from './window-remind.job';

/**
 * An in-memory stand-in for the nodes and the ledger with the contract's semantics (drafts once per
 * unit/kind/period, notifications once per key, marks once), to check what the handlers ask for and
 * that repeating a job changes nothing. The integration tests run the same jobs against the real apps.
 */
class MemoryBus extends SchedulerBus {
  drafts = new Set<string>();
  notifications = new Map<string, NotificationSpec & { agency: AgencyCode }>();
  verdictList: VerdictRecord[] = [];
  urgent: DueEscalation[] = [];
  marks = new Map<string, Date>();
  calls: string[] = [];

  async prepareDrafts(agency: AgencyCode, spec: PrepareDraftsSpec) {
    this.calls.push(`drafts:${agency}:${spec.kind}:${spec.period}:${spec.unitIds.length}`);
    let prepared = 0;
    for (const u of spec.unitIds) {
      const k = `${u}|${spec.kind}|${spec.period}`;
      if (!this.drafts.has(k)) prepared++;
      this.drafts.add(k);
    }
    return { prepared, existing: spec.unitIds.length - prepared };
  }
  async notify(agency: AgencyCode, list: NotificationSpec[]) {
    this.calls.push(`notify:${agency}:${list.length}`);
    let stored = 0;
    for (const n of list) {
      if (this.notifications.has(n.key)) continue;
      this.notifications.set(n.key, { ...n, agency });
      stored++;
    }
    return stored;
  }
  async verdicts(obligation: Obligation, period: string) {
    this.calls.push(`verdicts:${obligation}:${period}`);
    return this.verdictList.filter((v) => v.obligation === obligation && v.period === period);
  }
  async dueEscalations(asOf: Date, horizonS: number) {
    return this.urgent.filter((u) => !this.marks.has(u.urgentId) && Number(u.due!.seconds) * 1000 <= asOf.getTime() + horizonS * 1000);
  }
  async markEscalated(urgentId: string, at: Date) {
    const already = this.marks.has(urgentId);
    if (!already) this.marks.set(urgentId, at);
    return already;
  }
}

Logger.overrideLogger(false);
const directory = Directory.fromJSON(buildDirectory());
const ORAL = 'Asia/Oral';
const unitsIn = (zone: string) => directory.units().filter((u) => u.zone === zone);
let created = 0; // job.timestamp of the jobs made by job(): the clock of the last setup()
const job = <D>(data: D, scheduledMs?: number): Job<D> => ({ data, id: 'j', timestamp: created, opts: scheduledMs ? { prevMillis: scheduledMs } : {} }) as unknown as Job<D>;

function setup(now: string) {
  const bus = new MemoryBus();
  const clock = new ManualClock(now);
  created = clock.nowMs();
  const metrics = new SchedulerMetrics();
  const windows = new WindowJobs(directory, POLICIES, DEFAULT_TIMETABLE);
  return {
    bus,
    clock,
    open: new WindowOpenJob(windows, bus, clock, metrics),
    remind: new WindowRemindJob(windows, bus, clock, metrics),
    close: new WindowCloseJob(windows, bus, clock, metrics),
    escalate: new EscalateJob(bus, clock, directory, metrics),
    metrics,
  };
}

const verdict = (from: string, to: string, period: string, v: string, obligation = Obligation.DAILY) => create(VerdictRecordSchema, { obligation, from, to, period, verdict: v });

describe('window jobs', () => {
  it('daily open: one PrepareDrafts per agency with the zone\'s units and a WINDOW_OPEN per unit; a second run adds nothing', async () => {
    const s = setup('2026-11-22T02:00:05Z'); // 07:00:05 in Oral
    const data: WindowJobData = { obligation: 'DAILY', zone: ORAL };
    const first = await s.open.handle(job(data, Date.parse('2026-11-22T02:00:00Z')));
    const units = unitsIn(ORAL);
    expect(first).toMatchObject({ period: '2026-11-22', prepared: units.length, existing: 0, notified: units.length });
    expect(s.bus.calls.filter((c) => c.startsWith('drafts:')).sort()).toEqual(
      [...AGENCIES].sort().map((a) => `drafts:${a}:${MessageKind.DAILY}:2026-11-22:${units.filter((u) => u.agency === a).length}`),
    );
    const n = s.bus.notifications.get(`open:DAILY:${units[0].id}:2026-11-22`);
    expect(n).toMatchObject({ type: NotificationType.WINDOW_OPEN, obligation: Obligation.DAILY, period: '2026-11-22', agency: units[0].agency });

    const again = await s.open.handle(job(data, Date.parse('2026-11-22T02:00:00Z')));
    expect(again).toMatchObject({ prepared: 0, existing: units.length, notified: 0 });
    expect(s.bus.notifications.size).toBe(units.length);
  });

  it('acts on the period of its scheduled instant, not of the processing time (a delayed job)', async () => {
    const s = setup('2026-11-22T03:59:00Z'); // processed at 08:59 local, scheduled the 21st? no: scheduled today 07:00
    const r = await s.open.handle(job({ obligation: 'DAILY', zone: ORAL }, Date.parse('2026-11-22T02:00:00Z')));
    expect(r.period).toBe('2026-11-22');
    // Monthly open scheduled on the 28th at 00:00 local, processed two days later: still that month.
    const m = setup('2026-11-30T10:00:00Z');
    expect((await m.open.handle(job({ obligation: 'MONTHLY', zone: ORAL }, Date.parse('2026-11-27T19:00:00Z')))).period).toBe('2026-11');
  });

  it('open leaves a window that has already closed alone', async () => {
    const s = setup('2026-11-22T05:00:00Z'); // 10:00 local
    expect(await s.open.handle(job({ obligation: 'DAILY', zone: ORAL, period: '2026-11-22' }))).toMatchObject({ skipped: 'the window has closed' });
    expect(s.bus.calls).toEqual([]);
  });

  it('semiannual open prepares drafts for level-1 units only', async () => {
    const s = setup('2026-07-01T00:00:00Z');
    const r = await s.open.handle(job({ obligation: 'SEMIANNUAL', zone: 'Asia/Almaty' }, Date.parse('2026-06-30T19:00:00Z')));
    expect(r).toMatchObject({ period: '2026-H2', prepared: 3 });
  });

  it('remind: one REMINDER per unit with PENDING obligations, listing its counterparts; repeat is harmless', async () => {
    const s = setup('2026-11-22T03:30:02Z'); // 08:30 local
    const [a, b, c] = unitsIn(ORAL).filter((u) => u.level === 4);
    s.bus.verdictList = [verdict(a.id, b.id, '2026-11-22', 'PENDING'), verdict(a.id, c.id, '2026-11-22', 'PENDING'), verdict(b.id, a.id, '2026-11-22', 'ON_TIME'), verdict(c.id, a.id, '2026-11-21', 'PENDING')];
    const data: WindowJobData = { obligation: 'DAILY', zone: ORAL };
    expect(await s.remind.handle(job(data, Date.parse('2026-11-22T03:30:00Z')))).toMatchObject({ period: '2026-11-22', owing: 1, notified: 1 });
    expect(s.bus.notifications.get(`reminder:DAILY:${a.id}:2026-11-22`)).toMatchObject({ type: NotificationType.REMINDER, counterparts: [b.id, c.id].sort(), agency: a.agency });
    expect(await s.remind.handle(job(data, Date.parse('2026-11-22T03:30:00Z')))).toMatchObject({ notified: 0 });
  });

  it('close: MISSING to each owing unit once; before the window\'s end it does nothing', async () => {
    const [a, b] = unitsIn(ORAL).filter((u) => u.level === 4);
    const early = setup('2026-11-22T04:00:00Z'); // 09:00:00.000 local: still on time
    expect(await early.close.handle(job({ obligation: 'DAILY', zone: ORAL, period: '2026-11-22' }))).toMatchObject({ skipped: 'the window has not closed yet' });

    const s = setup('2026-11-22T04:01:01Z');
    s.bus.verdictList = [verdict(a.id, b.id, '2026-11-22', 'MISSING'), verdict(b.id, a.id, '2026-11-22', 'LATE')];
    const data: WindowJobData = { obligation: 'DAILY', zone: ORAL };
    expect(await s.close.handle(job(data, Date.parse('2026-11-22T04:01:00Z')))).toMatchObject({ period: '2026-11-22', missing: 1, notified: 1 });
    expect(await s.close.handle(job(data, Date.parse('2026-11-22T04:01:00Z')))).toMatchObject({ missing: 1, notified: 0 });
    expect([...s.bus.notifications.keys()]).toEqual([`missing:DAILY:${a.id}:2026-11-22`]);
  });

  it('monthly close on the 6th is for the month before (December → January)', async () => {
    const [a, b] = unitsIn(ORAL).filter((u) => u.level === 4);
    const s = setup('2027-01-05T19:01:01Z');
    s.bus.verdictList = [verdict(a.id, b.id, '2026-12', 'MISSING', Obligation.MONTHLY)];
    expect(await s.close.handle(job({ obligation: 'MONTHLY', zone: ORAL }, Date.parse('2027-01-05T19:01:00Z')))).toMatchObject({ period: '2026-12', notified: 1 });
    expect(s.bus.notifications.has(`missing:MONTHLY:${a.id}:2026-12`)).toBe(true);
  });

  it('refuses bad data without retrying', async () => {
    const s = setup('2026-11-22T02:00:05Z');
    await expect(s.open.handle(job({ obligation: 'WEEKLY', zone: ORAL } as never))).rejects.toThrow(/obligation/);
    await expect(s.open.handle(job({ obligation: 'DAILY', zone: 'Europe/Paris' }))).rejects.toThrow(/no unit in zone/);
    await expect(s.open.handle(job({ obligation: 'DAILY', zone: ORAL, period: '2026-11' }))).rejects.toThrow(/not a DAILY period/);
  });
});

describe('escalation jobs', () => {
  const sender = 'border.l4.CP-CN-A-01';
  const urgent = (id: string, reportedAt: string) =>
    create(DueEscalationSchema, {
      urgentId: id,
      senderUnit: sender,
      recipientUnits: ['interior.l4.CP-CN-A-01', 'customs.l4.CP-CN-A-01'],
      reportedAt: timestampFromDate(new Date(reportedAt)),
      due: timestampFromDate(new Date(Date.parse(reportedAt) + 2 * 3600_000)),
      summary: 'Detained migrants',
    });

  it('escalate: one ESCALATION to the sender\'s node and one mark, however often it runs', async () => {
    const s = setup('2026-11-22T12:00:00Z');
    s.bus.urgent = [urgent('u-1', '2026-11-22T09:00:00Z')];
    expect(await s.escalate.handle(job({ urgentId: 'u-1', senderUnit: sender, due: '' }))).toMatchObject({ escalated: true, already: false });
    expect(await s.escalate.handle(job({ urgentId: 'u-1', senderUnit: sender, due: '' }))).toMatchObject({ escalated: false });
    expect([...s.bus.notifications.values()]).toEqual([
      expect.objectContaining({ key: 'escalation:u-1', unitId: sender, agency: 'border', type: NotificationType.ESCALATION, messageId: 'u-1' }),
    ]);
    expect(s.bus.marks.size).toBe(1);
  });

  it('escalate does nothing before the deadline or for a report the ledger no longer lists (confirmed)', async () => {
    const s = setup('2026-11-22T10:59:59Z');
    s.bus.urgent = [urgent('u-2', '2026-11-22T09:00:00Z')];
    expect(await s.escalate.handle(job({ urgentId: 'u-2', senderUnit: sender, due: '' }))).toMatchObject({ escalated: false });
    s.bus.urgent = [];
    s.clock.set('2026-11-22T12:00:00Z');
    expect(await s.escalate.handle(job({ urgentId: 'u-2', senderUnit: sender, due: '' }))).toMatchObject({ escalated: false });
    expect(s.bus.notifications.size + s.bus.marks.size).toBe(0);
  });

  it('sweep: one delayed job per due urgent report (job id escalate-<id>), kept once across sweeps', async () => {
    const s = setup('2026-11-22T12:00:00Z');
    s.bus.urgent = [urgent('u-3', '2026-11-22T09:00:00Z'), urgent('u-4', '2026-11-22T10:05:00Z')];
    const jobs = new Map<string, { name: string; data: unknown; delay: number; state: string }>();
    const queue = {
      getJob: async (id: string) => {
        const j = jobs.get(id);
        return j && { getState: async () => j.state, remove: async () => void jobs.delete(id) };
      },
      add: async (name: string, data: unknown, opts: { jobId: string; delay: number }) => void jobs.set(opts.jobId, { name, data, delay: opts.delay, state: 'delayed' }),
    } as unknown as Queue;
    const sweep = new EscalationSweepJob(s.bus, s.clock, new Map([[QueueName.Escalations, queue]]), { escalationHorizonS: 600 });
    expect(await sweep.handle(job({}))).toEqual({ due: 2, enqueued: 2 });
    expect(jobs.get(escalationJobId('u-3'))).toMatchObject({ name: JobName.Escalate, delay: 0, data: { urgentId: 'u-3', senderUnit: sender } });
    expect(jobs.get(escalationJobId('u-4'))).toMatchObject({ delay: 5 * 60_000 });
    expect(await sweep.handle(job({}))).toEqual({ due: 2, enqueued: 0 });
    // A job that finished while the ledger still lists the report as due is replaced.
    jobs.get(escalationJobId('u-3'))!.state = 'failed';
    expect(await sweep.handle(job({}))).toEqual({ due: 2, enqueued: 1 });
    expect(jobs.get(escalationJobId('u-3'))!.state).toBe('delayed');
  });
});
