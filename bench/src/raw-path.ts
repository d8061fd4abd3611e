/**
 * The raw path (issue #22): the chain of I/O a report makes, with no Shekara code, in two processes
 * like the nodes (bench/src/raw-path-worker.ts): commit of the sender's rows -> JetStream publish and
 * ack -> durable pull consume -> commit of the recipient's rows -> publish of the receipt -> consume
 * -> a commit recording it. Measured open loop at a fixed rate (latency per hop) and at saturation
 * with group commits and publishes in flight together (throughput, CPU per report per process).
 * Shekara's own figures are held against these in the same run.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { AckPolicy, DeliverPolicy, DiscardPolicy, RetentionPolicy, StorageType, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { agencyNodeDataSource } from '@shekara/agency-node';
import { ensureDatabase } from '@shekara/persistence';
import { Monitor, pidsNamed, round } from './procstat';
import type { UsageSummary } from './procstat';
import { percentiles } from './stats';
import type { Percentiles } from './stats';
import { BUILD, NATS_URL, ROOT } from './system';
import type { BenchSystem } from './system';
import type { RawPathWorkerConfig, RawPathWorkerResult, RecipientTimes, SenderTimes } from './raw-path-worker';

export interface RawPathPaced {
  rate: number;
  offered: number;
  completed: number;
  /** Each hop's latency (ms); `endToEnd` runs from the instant a report was due to its receipt recorded. */
  hops: Record<'senderCommit' | 'senderPublishAck' | 'busToRecipient' | 'recipientCommit' | 'receiptPublishAck' | 'receiptToRecorded' | 'endToEnd', Percentiles>;
}

export interface RawPathSaturation {
  seconds: number;
  batch: number;
  pipelines: number;
  completed: number;
  reportsPerSec: number;
  /** CPU time per report (µs) of each process group, and all together. */
  cpuUsPerReport: Record<string, number>;
  usage: Record<string, UsageSummary>;
}

export interface RawPathOptions {
  bytes: number;
  auditBytes: number;
  rate: number;
  pacedSeconds: number;
  saturationSeconds: number;
  batch: number;
  pipelines: number;
}

const WORKER = () => join(BUILD, 'bench', 'src', 'raw-path-worker.js');

/** Databases with the node's schema for the two sides, and the two streams with a durable consumer each. */
async function prepare(sys: BenchSystem): Promise<{ senderDb: string; recipientDb: string; streams: Pick<RawPathWorkerConfig, 'inSubject' | 'inStream' | 'receiptSubject' | 'receiptStream'> }> {
  const senderDb = sys.dbUrl('rawsender');
  const recipientDb = sys.dbUrl('rawrecipient');
  for (const url of [senderDb, recipientDb]) {
    await ensureDatabase(url);
    const ds = agencyNodeDataSource(url);
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    await ds.destroy();
  }
  const streams = {
    inSubject: `${sys.runId}.rawpath.in`,
    inStream: `${sys.runId}_RAWPATH_IN`,
    receiptSubject: `${sys.runId}.rawpath.receipt`,
    receiptStream: `${sys.runId}_RAWPATH_RECEIPT`,
  };
  return { senderDb, recipientDb, streams };
}

/** Fresh streams and consumers for one measurement (so a phase never sees the previous one's messages). */
async function resetStreams(sys: BenchSystem, s: Pick<RawPathWorkerConfig, 'inSubject' | 'inStream' | 'receiptSubject' | 'receiptStream'>): Promise<void> {
  const nc = await connect({ servers: NATS_URL, noAsyncTraces: true } as never);
  try {
    const jsm = await jetstreamManager(nc);
    for (const [name, subject] of [
      [s.inStream, s.inSubject],
      [s.receiptStream, s.receiptSubject],
    ] as const) {
      sys.extraStreams.add(name);
      await jsm.streams.delete(name).catch(() => undefined);
      await jsm.streams.add({ name, subjects: [subject], retention: RetentionPolicy.Limits, storage: StorageType.File, discard: DiscardPolicy.Old, num_replicas: 1, duplicate_window: 120e9 });
      await jsm.consumers.add(name, { durable_name: 'raw-path', ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ack_wait: 30e9, max_ack_pending: 20_000 });
    }
  } finally {
    await nc.close();
  }
}

/** Runs both workers (recipient first) and returns their results; the monitor sees them while they run. */
async function runWorkers(cfg: Omit<RawPathWorkerConfig, 'role' | 'dbUrl'>, dbs: { sender: string; recipient: string }, monitored?: (pids: { sender: number; recipient: number }) => void): Promise<{ sender: RawPathWorkerResult; recipient: RawPathWorkerResult }> {
  const start = (role: 'sender' | 'recipient') => {
    const child = spawn(process.execPath, [WORKER(), JSON.stringify({ ...cfg, role, dbUrl: dbs[role] } satisfies RawPathWorkerConfig)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (err += d));
    const result = new Promise<RawPathWorkerResult>((resolve, reject) =>
      child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!) as RawPathWorkerResult) : reject(new Error(`raw-path ${role} exited ${code}: ${err.slice(-2000)}`)))),
    );
    return { child, result };
  };
  const recipient = start('recipient');
  const sender = start('sender');
  monitored?.({ sender: sender.child.pid!, recipient: recipient.child.pid! });
  const [s, r] = await Promise.all([sender.result, recipient.result]);
  return { sender: s, recipient: r };
}

/** Open loop at `rate` for `seconds`: every hop's latency. */
export async function rawPathPaced(sys: BenchSystem, o: RawPathOptions): Promise<RawPathPaced> {
  const { senderDb, recipientDb, streams } = await prepare(sys);
  await resetStreams(sys, streams);
  const count = Math.round(o.rate * o.pacedSeconds);
  const { sender, recipient } = await runWorkers(
    { mode: 'paced', natsUrl: NATS_URL, ...streams, bytes: o.bytes, auditBytes: o.auditBytes, rate: o.rate, count, seconds: o.pacedSeconds, batch: 1, pipelines: 1, drainMs: 30_000 },
    { sender: senderDb, recipient: recipientDb },
  );
  const hops: Record<keyof RawPathPaced['hops'], number[]> = { senderCommit: [], senderPublishAck: [], busToRecipient: [], recipientCommit: [], receiptPublishAck: [], receiptToRecorded: [], endToEnd: [] };
  let completed = 0;
  for (const [id, st] of Object.entries(sender.times) as [string, SenderTimes][]) {
    const rt = recipient.times[id] as RecipientTimes | undefined;
    if (!rt || st.receiptRecorded === undefined) continue;
    completed++;
    hops.senderCommit.push(st.committed - st.due);
    hops.senderPublishAck.push(st.acked - st.committed);
    hops.busToRecipient.push(Math.max(0, rt.received - st.committed));
    hops.recipientCommit.push(rt.committed - rt.received);
    hops.receiptPublishAck.push(rt.receiptAcked - rt.committed);
    hops.receiptToRecorded.push(Math.max(0, st.receiptRecorded - rt.receiptAcked));
    hops.endToEnd.push(st.receiptRecorded - st.due);
  }
  return {
    rate: o.rate,
    offered: count,
    completed,
    hops: Object.fromEntries(Object.entries(hops).map(([k, v]) => [k, percentiles(v)])) as RawPathPaced['hops'],
  };
}

/** Group commits of `batch` reports, `pipelines` of them in flight, for `seconds`: throughput and CPU per report. */
export async function rawPathSaturation(sys: BenchSystem, o: RawPathOptions): Promise<RawPathSaturation> {
  const { senderDb, recipientDb, streams } = await prepare(sys);
  await resetStreams(sys, streams);
  const nats = pidsNamed('nats-server');
  let pids = { sender: 0, recipient: 0 };
  const monitor = new Monitor(() => ({
    'raw sender': pids.sender ? [pids.sender] : [],
    'raw recipient': pids.recipient ? [pids.recipient] : [],
    'nats-server': nats,
    'postgres (all backends)': pidsNamed('postgres'),
  }));
  const run = runWorkers(
    { mode: 'saturation', natsUrl: NATS_URL, ...streams, bytes: o.bytes, auditBytes: o.auditBytes, rate: 0, count: 0, seconds: o.saturationSeconds, batch: o.batch, pipelines: o.pipelines, drainMs: 30_000 },
    { sender: senderDb, recipient: recipientDb },
    (p) => {
      pids = p;
      monitor.start();
    },
  );
  const { sender, recipient } = await run;
  const usage = monitor.stop();
  const completed = sender.completed;
  const seconds = (sender.lastAt - sender.firstAt) / 1000;
  const perReport = (g: string) => round(((usage[g]?.cpuSeconds ?? 0) * 1e6) / Math.max(1, completed), 0);
  const cpuUsPerReport: Record<string, number> = {};
  for (const g of Object.keys(usage)) cpuUsPerReport[g] = perReport(g);
  // The workers' own CPU from getrusage is exact; /proc sampling may miss the last tick of a process that exited.
  cpuUsPerReport['raw sender'] = round(sender.cpuUs / Math.max(1, completed), 0);
  cpuUsPerReport['raw recipient'] = round(recipient.cpuUs / Math.max(1, completed), 0);
  cpuUsPerReport.total = Object.entries(cpuUsPerReport).reduce((a, [, v]) => a + v, 0);
  return { seconds: round(seconds, 1), batch: o.batch, pipelines: o.pipelines, completed, reportsPerSec: round(completed / Math.max(seconds, 1e-3), 0), cpuUsPerReport, usage };
}
