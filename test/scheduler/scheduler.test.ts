import type { Job, Queue } from 'bullmq';
import { ManualClock } from '@shekara/common';
import { AGENCIES } from '@shekara/contracts';
import { loadDirectory } from '@shekara/directory';
import { JOINT_INSTRUCTION_2002, addDays, localDate, zonedTimeToInstant } from '@shekara/policy';
import type { RunningScheduler } from '../../apps/scheduler/src/bootstrap';
import { ESCALATION_SWEEP_SCHEDULER_ID, JobName, QueueName } from '../../apps/scheduler/src/queues';
import { DEFAULT_TIMETABLE, PERIODIC_OBLIGATIONS, WINDOW_PHASES, cronPattern, levelsOf, periodAt, phaseAt, shiftPeriod, windowOf } from '../../apps/scheduler/src/timetable';
import type { PeriodicObligation, WindowPhase } from '../../apps/scheduler/src/timetable';
import { TestSystem } from '../support/harness';
import { SupervisorHarness } from '../supervisor/harness';
import { SHARED_REDIS_URL, dropQueueKeys, finishedJob, schedulerConfig, startTestScheduler } from './support';

jest.setTimeout(120_000);

const P = JOINT_INSTRUCTION_2002;
const T = DEFAULT_TIMETABLE;
const ZONE = 'Asia/Qyzylorda'; // the zone with the fewest units

/** The next instant a phase fires after `after`, from the policy's windows (not from cron). */
function nextPhase(obligation: PeriodicObligation, phase: WindowPhase, zone: string, after: Date): number {
  const current = periodAt(P, obligation, 'open', after, zone);
  const periods = [shiftPeriod(obligation, current, -1), current, shiftPeriod(obligation, current, 1), shiftPeriod(obligation, shiftPeriod(obligation, current, 1), 1)];
  return Math.min(...periods.map((p) => phaseAt(windowOf(P, T, obligation, p, zone), phase).getTime()).filter((ms) => ms > after.getTime()));
}

const finished = (queue: Queue, id: string): Promise<Job> => finishedJob(queue, id, 60_000);

describe('scheduler against the real Redis, NATS, agency nodes and supervisor ledger', () => {
  const sys = new TestSystem();
  const supervisor = SupervisorHarness.of(sys);
  const config = schedulerConfig(sys);
  // 07:30 today in the zone: the daily window is open; yesterday's has closed.
  const today = localDate(new Date(), ZONE);
  const clock = new ManualClock(zonedTimeToInstant(today, '07:30:00', ZONE));
  const directory = loadDirectory(sys.files.directoryPath);
  let s: RunningScheduler;
  let startedAt: Date;

  beforeAll(async () => {
    await sys.start();
    await supervisor.start();
    startedAt = new Date();
    s = await startTestScheduler(config, { clock, catchUp: false });
  });
  afterAll(async () => {
    await s?.close();
    await supervisor.cleanup();
    await sys.cleanup();
    await dropQueueKeys(SHARED_REDIS_URL, config.queuePrefix);
  });

  const windows = () => s.queues.get(QueueName.Windows)!;

  it('upserts at boot one Job Scheduler per zone, window and phase, with the zone as tz and the policy\'s pattern', async () => {
    const units = directory.units();
    const expected: Array<{ id: string; zone: string; pattern: string; obligation: PeriodicObligation; phase: WindowPhase }> = [];
    for (const obligation of PERIODIC_OBLIGATIONS) {
      const zones = [...new Set(units.filter((u) => levelsOf(P, obligation).includes(u.level)).map((u) => u.zone))];
      for (const zone of zones) for (const phase of WINDOW_PHASES) expected.push({ id: `${obligation.toLowerCase()}-${phase}@${zone}`, zone, pattern: cronPattern(P, T, obligation, phase), obligation, phase });
    }
    expect(expected.filter((e) => e.obligation === 'SEMIANNUAL').map((e) => e.zone)).toEqual(['Asia/Almaty', 'Asia/Almaty', 'Asia/Almaty']);

    const schedulers = await windows().getJobSchedulers(0, -1, true);
    expect(schedulers.map((x) => x.key).sort()).toEqual(expected.map((e) => e.id).sort());
    for (const e of expected) {
      const x = schedulers.find((y) => y.key === e.id)!;
      expect({ id: x.key, tz: x.tz, pattern: x.pattern, name: x.name, data: x.template?.data }).toEqual({
        id: e.id,
        tz: e.zone,
        pattern: e.pattern,
        name: { open: JobName.WindowOpen, remind: JobName.WindowRemind, close: JobName.WindowClose }[e.phase],
        data: { obligation: e.obligation, zone: e.zone },
      });
      // BullMQ's next run is the instant the policy's window gives, in the zone.
      expect(new Date(x.next!).toISOString()).toBe(new Date(nextPhase(e.obligation, e.phase, e.zone, startedAt)).toISOString());
    }
    expect(schedulers.find((x) => x.key === 'daily-open@Asia/Almaty')).toMatchObject({ pattern: '0 0 7 * * *', tz: 'Asia/Almaty' });
    expect(schedulers.find((x) => x.key === 'daily-open@Asia/Oral')).toMatchObject({ pattern: '0 0 7 * * *', tz: 'Asia/Oral' });

    const sweep = await s.queues.get(QueueName.Escalations)!.getJobScheduler(ESCALATION_SWEEP_SCHEDULER_ID);
    expect(sweep).toMatchObject({ every: config.sweepEveryMs, name: JobName.EscalationSweep });
  });

  it('upserting again (a second boot) changes nothing', async () => {
    const before = await windows().getJobSchedulers(0, -1, true);
    await s.schedules.ensure({ catchUp: false });
    const after = await windows().getJobSchedulers(0, -1, true);
    expect(after.map((x) => [x.key, x.pattern, x.tz, x.next])).toEqual(before.map((x) => [x.key, x.pattern, x.tz, x.next]));
  });

  it('a forced daily-open prepares a draft at each node for each unit of the zone and notifies each unit once', async () => {
    const units = directory.units().filter((u) => u.zone === ZONE);
    await windows().add(JobName.WindowOpen, { obligation: 'DAILY', zone: ZONE, period: today }, { jobId: 'forced-open-1' });
    expect((await finished(windows(), 'forced-open-1')).returnvalue).toMatchObject({ period: today, prepared: units.length, existing: 0, notified: units.length });
    for (const agency of AGENCIES) {
      const mine = units.filter((u) => u.agency === agency).map((u) => u.id).sort();
      const drafts = await sys.sql(agency, `SELECT unit_id FROM drafts WHERE kind = 'DAILY' AND period = $1 ORDER BY unit_id`, [today]);
      expect(drafts.map((d) => d.unit_id)).toEqual(mine);
      const notes = await sys.sql(agency, `SELECT key FROM notifications WHERE key LIKE 'open:DAILY:%' ORDER BY key`);
      expect(notes.map((n) => n.key)).toEqual(mine.map((u) => `open:DAILY:${u}:${today}`));
    }
    // Again: nothing new anywhere.
    await windows().add(JobName.WindowOpen, { obligation: 'DAILY', zone: ZONE, period: today }, { jobId: 'forced-open-2' });
    expect((await finished(windows(), 'forced-open-2')).returnvalue).toMatchObject({ prepared: 0, existing: units.length, notified: 0 });
  });

  it('a forced daily-close raises MISSING from the ledger\'s verdicts to each owing unit of the zone, once', async () => {
    const yesterday = addDays(today, -1);
    const owing = directory.units().filter((u) => u.zone === ZONE && levelsOf(P, 'DAILY').includes(u.level) && directory.counterparts(u.id).length > 0);
    await windows().add(JobName.WindowClose, { obligation: 'DAILY', zone: ZONE, period: yesterday }, { jobId: 'forced-close-1' });
    expect((await finished(windows(), 'forced-close-1')).returnvalue).toMatchObject({ period: yesterday, missing: owing.length, notified: owing.length });
    for (const agency of AGENCIES) {
      const rows = await sys.sql(agency, `SELECT key, unit_id, type, counterparts FROM notifications WHERE key LIKE 'missing:DAILY:%' ORDER BY key`);
      const mine = owing.filter((u) => u.agency === agency);
      expect(rows.map((r) => r.key)).toEqual(mine.map((u) => `missing:DAILY:${u.id}:${yesterday}`).sort());
      for (const r of rows) expect([...r.counterparts].sort()).toEqual(directory.counterparts(r.unit_id).map((c) => c.id).sort());
    }
    await windows().add(JobName.WindowClose, { obligation: 'DAILY', zone: ZONE, period: yesterday }, { jobId: 'forced-close-2' });
    expect((await finished(windows(), 'forced-close-2')).returnvalue).toMatchObject({ missing: owing.length, notified: 0 });
  });

  it('serves /health (Redis and NATS) and /metrics', async () => {
    const url = await s.app.getUrl();
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'up', checks: { redis: { status: 'up' }, nats: { status: 'up' } } });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/shekara_scheduler_jobs_total\{job="window.open",outcome="completed"\} 2/);
    expect(metrics).toMatch(/shekara_scheduler_job_schedulers\{queue="report-windows"\} 45/);
  });
});
