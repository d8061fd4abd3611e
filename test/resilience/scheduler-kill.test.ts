import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { QueueName } from '../../apps/scheduler/src/queues';
import { urgentDetainedMigrants } from '../exchange/fixtures';
import { PrivateRedis } from '../support/processes';
import { MessageStream, ProcSystem, sleep, waitFor } from './support';

jest.setTimeout(240_000);

/**
 * kill -9 of the scheduler while a stream of urgent reports whose 2-hour deadline has already
 * passed is being escalated, with its (private) Redis flushed while it is down and again while it
 * runs: every urgent report is escalated exactly once — one ESCALATION notification at the sender
 * node, one mark in the supervisor ledger — and the schedulers come back.
 */
describe('scheduler killed mid-escalation, Redis flushed', () => {
  const redis = new PrivateRedis();
  const sys = new ProcSystem();
  let token: string;

  beforeAll(async () => {
    await redis.start();
    await sys.startNodes();
    await sys.startSupervisor();
    await sys.startScheduler(redis.url);
    token = await sys.login('border');
  });
  afterAll(async () => {
    await sys.cleanup();
    await redis.stop();
  });

  const urgentBody = (seq: number, marker: string) => {
    const body = urgentDetainedMigrants();
    return { ...body, reportedAt: new Date(Date.now() - 3 * 3600_000).toISOString(), urgent: { ...body.urgent, summary: `${marker} #${seq} detained migrants` } };
  };

  it('every urgent report escalated exactly once across kill -9, FLUSHALL and restart', async () => {
    const stream = new MessageStream(sys, token, { target: 80, concurrency: 4, body: urgentBody }).start();
    const escalated = async () =>
      (await sys.sql<{ message_id: string; n: number }>('border', `SELECT message_id, count(*)::int AS n FROM notifications WHERE type = 'ESCALATION' GROUP BY message_id`));
    const marked = async () => (await sys.sql<{ urgent_id: string }>('supervisor', `SELECT urgent_id FROM escalations`)).map((r) => r.urgent_id);

    await waitFor(async () => (await escalated()).length >= 20, 90_000, '20 escalations', 200);
    await sys.scheduler!.kill('SIGKILL');
    const before = (await escalated()).length;
    await redis.flushAll();
    await sleep(500);
    await sys.scheduler!.start();
    await stream.finished();
    const ids = stream.accepted.map((a) => a.id!).sort();
    expect(ids.length).toBeGreaterThanOrEqual(80);
    expect(stream.attempts.filter((a) => a.outcome !== 'accepted')).toEqual([]);

    let last = '';
    await waitFor(async () => {
      const e = await escalated();
      const m = await marked();
      last = JSON.stringify({ notifications: e.length, marks: m.length });
      return e.length >= ids.length && m.length >= ids.length;
    }, 120_000, 'every urgent report escalated', 500).catch((err) => {
      throw new Error(`${(err as Error).message} (${last})\n${sys.logs()}`);
    });

    // Flushed again while it runs: the watchdog re-creates the schedulers; a few sweeps fire nothing twice.
    await redis.flushAll();
    const conn = new Redis(redis.url, { maxRetriesPerRequest: null });
    const windows = new Queue(QueueName.Windows, { connection: conn, prefix: `${sys.runId}-q` });
    try {
      await waitFor(async () => (await windows.getJobSchedulersCount()) > 0, 30_000, 'the watchdog to re-create the schedulers', 500);
    } finally {
      await windows.close();
      conn.disconnect();
    }
    await sleep(3_000);

    const e = await escalated();
    const m = await marked();
    console.log('scheduler kill -9:', JSON.stringify({ urgent: ids.length, escalatedBeforeKill: before, notifications: e.length, marks: m.length }));
    expect(e.filter((x) => x.n !== 1)).toEqual([]);
    expect(e.map((x) => x.message_id).sort()).toEqual(ids);
    expect(m.sort()).toEqual(ids);
    const keys = await sys.sql<{ key: string }>('border', `SELECT key FROM notifications WHERE type = 'ESCALATION'`);
    expect(keys.map((k) => k.key).sort()).toEqual(ids.map((id) => `escalation:${id}`).sort());
    expect(sys.scheduler!.exits).toEqual([{ code: null, signal: 'SIGKILL' }]);
  });
});
