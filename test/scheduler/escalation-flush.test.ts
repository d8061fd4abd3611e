import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Job, Queue } from 'bullmq';
import { DueEscalationsRequestSchema, DueEscalationsResponseSchema, RpcMethod } from '@shekara/contracts';
import { rpcCall } from '@shekara/messaging';
import type { RunningScheduler } from '../../apps/scheduler/src/bootstrap';
import { ESCALATION_SWEEP_SCHEDULER_ID, JobName, QueueName } from '../../apps/scheduler/src/queues';
import { BORDER, urgentDetainedMigrants } from '../exchange/fixtures';
import { TestSystem, eventually } from '../support/harness';
import { SupervisorHarness } from '../supervisor/harness';
import { PrivateRedis, finishedJob, schedulerConfig, startTestScheduler } from './support';

jest.setTimeout(180_000);

/**
 * Redis may be flushed at any time and nothing is lost: PostgreSQL (the ledger) is the source of
 * truth. A private redis-server is flushed here, never the shared one. Real nodes, real supervisor.
 */
describe('escalation of an unconfirmed urgent report after Redis is flushed', () => {
  const sys = new TestSystem();
  const supervisor = SupervisorHarness.of(sys);
  const redis = new PrivateRedis();
  let nc: NatsConnection;
  let s: RunningScheduler | undefined;
  let config: ReturnType<typeof schedulerConfig>;

  beforeAll(async () => {
    await redis.start();
    await sys.start();
    await supervisor.start();
    nc = await sys.connectAs('scheduler');
    config = schedulerConfig(sys, { redisUrl: redis.url, sweepEveryMs: 1000 });
  });
  afterAll(async () => {
    await s?.close();
    await nc?.close();
    await supervisor.cleanup();
    await sys.cleanup();
    await redis.stop();
  });

  const dueIds = async () => {
    const req = create(DueEscalationsRequestSchema, { asOf: timestampFromDate(new Date()), horizonS: 0 });
    const res = await rpcCall(nc, sys.names.rpcFrom('supervisor', 'scheduler', RpcMethod.DueEscalations), DueEscalationsRequestSchema, req, DueEscalationsResponseSchema);
    return res.items.map((i) => i.urgentId);
  };
  const escalationsAtSender = (id: string) => sys.sql('border', `SELECT key, unit_id, type, message_id FROM notifications WHERE type = 'ESCALATION' AND message_id = $1`, [id]);
  const marks = (id: string) => supervisor.sql(`SELECT urgent_id FROM escalations WHERE urgent_id = $1`, [id]);
  const restart = async () => {
    await s?.close();
    s = await startTestScheduler(config);
  };
  async function runSweep(queue: Queue, id: string): Promise<Job> {
    await queue.add(JobName.EscalationSweep, {}, { jobId: id });
    return finishedJob(queue, id, 30_000, `sweep ${id}`);
  }

  it('is re-derived from the ledger after FLUSHALL and a restart, and fires exactly once', async () => {
    // The scheduler has run once (its schedulers are in Redis), then goes down.
    s = await startTestScheduler(config);
    expect(await s.queues.get(QueueName.Windows)!.getJobSchedulersCount()).toBeGreaterThan(0);
    await s.close();
    s = undefined;

    // While it is down, the border section records an urgent report made orally 3 hours ago and
    // nobody confirms it in writing: its 2-hour deadline has passed.
    const token = await sys.login('border');
    const body = { ...urgentDetainedMigrants(), reportedAt: new Date(Date.now() - 3 * 3600_000).toISOString() };
    const sent = await sys.api('border', 'POST', '/api/messages', body, token);
    expect(sent.status).toBe(201);
    const urgentId: string = sent.body.id;
    await eventually(async () => (await dueIds()).includes(urgentId), 30_000, 'the ledger to list the urgent report as due');

    // Redis loses everything.
    await redis.flushAll();

    // The scheduler restarts: schedulers re-upserted, the boot sweep finds the report in the ledger.
    await restart();
    expect(await s!.queues.get(QueueName.Escalations)!.getJobScheduler(ESCALATION_SWEEP_SCHEDULER_ID)).toBeDefined();
    const notes = await eventually(async () => {
      const rows = await escalationsAtSender(urgentId);
      return rows.length > 0 && (await marks(urgentId)).length > 0 ? rows : undefined;
    }, 60_000, 'the escalation notification at the sender node and the mark in the ledger');
    expect(notes).toEqual([{ key: `escalation:${urgentId}`, unit_id: BORDER, type: 'ESCALATION', message_id: urgentId }]);
    expect(await marks(urgentId)).toHaveLength(1);
    expect(await dueIds()).not.toContain(urgentId);

    // Flushed again and restarted: nothing fires twice (the ledger says it was escalated).
    await redis.flushAll();
    await restart();
    const escalations = s!.queues.get(QueueName.Escalations)!;
    // Two more sweeps, awaited to completion: still exactly one notification and one mark.
    expect((await runSweep(escalations, 'test-sweep-1')).returnvalue).toMatchObject({ enqueued: 0 });
    expect((await runSweep(escalations, 'test-sweep-2')).returnvalue).toMatchObject({ enqueued: 0 });
    expect(await escalationsAtSender(urgentId)).toHaveLength(1);
    expect(await marks(urgentId)).toHaveLength(1);
    expect(await sys.sql('border', `SELECT count(*)::int AS n FROM notifications WHERE type = 'ESCALATION'`)).toEqual([{ n: 1 }]);
  });

  it('schedulers flushed away while the scheduler runs are re-created by its watchdog', async () => {
    await redis.flushAll();
    const windows = s!.queues.get(QueueName.Windows)!;
    expect(await windows.getJobSchedulersCount()).toBe(0);
    const expected = s!.schedules.windowSchedulers().length;
    const sweep = () => s!.queues.get(QueueName.Escalations)!.getJobScheduler(ESCALATION_SWEEP_SCHEDULER_ID);
    // The watchdog re-creates the window schedulers and the sweep one after the other: wait for both.
    await eventually(async () => (await windows.getJobSchedulersCount()) === expected && (await sweep()) !== undefined, 30_000, 'the watchdog to re-create the schedulers');
    expect(await windows.getJobSchedulersCount()).toBe(expected);
    expect(await sweep()).toBeDefined();
  });
});
