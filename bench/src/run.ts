/**
 * `npm run bench`: Shekara's performance against raw JetStream and PostgreSQL baselines measured in
 * the same run, plus compliance at scale. Not part of the test suite. Prints a table and writes
 * bench/results/latest.json and bench/results/latest.md. BENCH_QUICK=1: a ~2-3 minute version.
 * Everything runs on 127.0.0.1 with a run-unique bus prefix and databases, bounded in count and
 * time, and is cleaned up at the end (also on failure or Ctrl-C).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile, execSync } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DEMO_PASSWORD } from '@shekara/agency-node';
import { BenchSystem, BUILD, PG_URL, ROOT, sleep } from './system';
import type { BenchBus, Proc } from './system';
import { Monitor, pidsNamed, round } from './procstat';
import type { UsageSummary } from './procstat';
import { diskFlush, rawJetStream, rawPostgres, rawPostgresBulk, validationCost, wakeUpCost } from './baselines';
import { ApiClient, awaitReceipts, closedLoop, e2eStats, evidenceLatencies, injectOutbox, openLoop, stageLatencies } from './e2e';
import type { LoadResult } from './e2e';
import { generateYear, loadLedger, offlineAudit, supervisorToken, timedGet, writeJournal } from './compliance';
import { summarise } from './profile';
import { appendPhase, verifyPhase } from './tlog';
import { matchingPhase, matchingRows } from './matching';
import { rawPathPaced, rawPathSaturation } from './raw-path';
import { dataBankPhase, dataBankRows } from './databank';
import { httpStackPhase, httpStackRows } from './http-stack';
import type { ProfileSummary } from './profile';

const QUICK = process.env.BENCH_QUICK === '1';
const PROFILE = process.env.BENCH_PROFILE !== '0';
/** BENCH_PROFILE_RATE=n: profile at n msg/s offered (open loop) instead of at saturation. */
const PROFILE_RATE = Number(process.env.BENCH_PROFILE_RATE ?? 0);
const C = QUICK
  ? { warmupS: 4, rawMessages: 20_000, pgSeconds: 4, commitS: 8, lowS: 12, highS: 12, satS: 15, satConcurrency: 64, inject: 5_000, profileS: 8 }
  : { warmupS: 8, rawMessages: 60_000, pgSeconds: 8, commitS: 20, lowS: 30, highS: 30, satS: 30, satConcurrency: 64, inject: 15_000, profileS: 12 };
const WARM_S = QUICK ? 3 : 5;
/** BENCH_ONLY=a,b: run only these phases (for working on one of them; the table shows what ran). */
const PHASES = ['baselines', 'rawpath', 'api200', 'api1000', 'saturation', 'inject', 'profile', 'compliance', 'tlog', 'matching', 'databank', 'http'] as const;
const ONLY = (process.env.BENCH_ONLY ?? '').split(',').map((x) => x.trim()).filter(Boolean);
for (const p of ONLY) if (!(PHASES as readonly string[]).includes(p)) throw new Error(`BENCH_ONLY: unknown phase ${p} (phases: ${PHASES.join(', ')})`);
/**
 * The matching and data bank phases (a million rows in PostgreSQL, CPU-heavy) and the HTTP stack
 * experiment run only when BENCH_ONLY names them.
 */
const wantPhase = (p: (typeof PHASES)[number]) => (p === 'matching' || p === 'databank' || p === 'http' ? ONLY.includes(p) : !ONLY.length || ONLY.includes(p));
const want = wantPhase;
const E2E = PHASES.slice(0, 7).some(want);
/** How long a phase may take to drain (every receipt back) after sending stops; what is left is reported missing. */
const DRAIN_MS = (QUICK ? 45 : 75) * 1000; // seconds at the start of a load phase left out of "sustained"
const RESULTS = join(ROOT, 'bench', 'results');
/**
 * BENCH_BUS: `ab` (default) runs the API and injected phases first on the machine's shared open
 * server (the old setup, A), then everything on the provisioned topology (B: a hub and one
 * nats-server per agency, docs/bus.md), and compares them; `topology` or `plain` runs one only.
 */
const BUS = (process.env.BENCH_BUS ?? 'ab') as 'ab' | BenchBus;
if (!['ab', 'plain', 'topology'].includes(BUS)) throw new Error(`BENCH_BUS: ${BUS} is not ab, plain or topology`);
/** The phases of the A leg (the old shared server): the app's own, without the baselines and profiles. */
const A_PHASES = ['api200', 'api1000', 'saturation', 'inject'];
/**
 * The on/off legs of issue #22 (what this wave added to a report's path, each switched off in a system
 * of its own on the provisioned topology, against the main run with everything on): the transparency
 * log and the matching of received reports; and bundles, a gain rather than a cost. BENCH_ONOFF=0 skips them. (The bus's TLS and accounts are
 * the A/B above.)
 */
const ONOFF = process.env.BENCH_ONOFF !== '0';
const ONOFF_PHASES = ['api200', 'saturation'];
/**
 * The control leg: everything on, in a system of its own started like the others. The main run
 * comes after the baselines and the raw path (whose writes PostgreSQL is still flushing) and was
 * slower than any fresh leg: an on/off row compares each leg with the control, not with the main run.
 */
const ONOFF_CONTROL = { key: 'onOffControl', label: 'control (everything on)', env: {} } as const;
/** The control again after the off legs: a run slows as it goes, so the legs are compared with the mean of both. */
const ONOFF_CONTROL_END = 'onOffControlEnd';
const ONOFF_LEGS = [
  { key: 'tlogOff', label: 'transparency log', env: { TLOG_ENABLED: 'false' } },
  { key: 'matchingOff', label: 'matching of received reports', env: { PERSON_INDEX_ENABLED: 'false' } },
  // Not a cost but a gain (docs/protocol.md, "Bundles"): the row shows what bundling saves.
  { key: 'bundlesOff', label: 'bundles of envelopes', env: { BUS_BUNDLES: 'false' } },
] as const;

/**
 * The bench client's connections to the sender: at most BENCH_CLIENT_SOCKETS (64, the saturation
 * phase's requests in flight), kept alive and all opened before each API phase, as a duty desk's
 * browser or a reverse proxy keeps its connections. A loaded node accepts one new connection per
 * event-loop iteration (libuv >= 1.45), so a client that opens connections on demand during a phase
 * measures its accept queue: BENCH_CLIENT_PREOPEN=0 does that (docs/performance.md, eighth session).
 */
const CLIENT_SOCKETS = Number(process.env.BENCH_CLIENT_SOCKETS ?? 64);
const CLIENT_PREOPEN = process.env.BENCH_CLIENT_PREOPEN !== '0';

const log = (s: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${s}\n`);

interface Row {
  metric: string;
  value: number | string;
  unit: string;
  target?: string;
  pass?: boolean;
  ratio?: string;
}

async function main(): Promise<void> {
  const started = Date.now();
  const tmp = join(tmpdir(), `shekara-bench-${process.pid}`);
  const sys = new BenchSystem(tmp, BUS === 'plain' ? 'plain' : 'topology');
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    log('cleaning up (processes, streams, databases)');
    await sys.cleanup().catch((e) => log(`cleanup: ${e}`));
    const logs = join(RESULTS, 'tmp');
    mkdirSync(logs, { recursive: true });
    execSync(`cp ${tmp}/*.log ${logs}/ 2>/dev/null || true`);
    rmSync(tmp, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  process.once('SIGTERM', () => void cleanup().then(() => process.exit(143)));
  const hardStop = setTimeout(() => {
    log('time limit (30 min) reached: stopping');
    void cleanup().then(() => process.exit(1));
  }, 30 * 60_000);
  hardStop.unref();

  /** Phases in a system of its own (its own prefix and databases) sharing the run's directory and keys. */
  const leg = async (name: string, bus: BenchBus, phases: readonly string[], nodeEnv: Record<string, string> = {}): Promise<Record<string, any>> => {
    const other = new BenchSystem(join(tmp, name), bus);
    other.directoryPath = sys.directoryPath;
    other.keysDir = sys.keysDir;
    other.authorityKey = sys.authorityKey;
    other.nodeEnv = { ...nodeEnv };
    const out: Record<string, any> = {};
    try {
      await e2ePhases(other, out, phases);
    } finally {
      await other.cleanup().catch((e) => log(`cleanup of ${name}: ${e}`));
    }
    return out;
  };
  const result: Record<string, any> = {
    startedAt: new Date(started).toISOString(),
    quick: QUICK,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: round(totalmem() / 2 ** 30, 1), node: process.version, commit: gitCommit(), source: process.env.BENCH_SOURCE_DESC ?? 'working tree' },
    runId: sys.runId,
    loadAverageAtStart: loadavg().map((x) => round(x, 2)),
  };
  try {
    // The server's own settings that shape the numbers (this machine's runs with autovacuum off:
    // nothing is vacuumed or analyzed during a run, so dead rows accumulate in every table).
    const [pg] = await sys.sql(
      PG_URL,
      `SELECT split_part(current_setting('server_version'), ' ', 1) AS version, current_setting('autovacuum') AS autovacuum,
              current_setting('shared_buffers') AS shared_buffers, current_setting('synchronous_commit') AS synchronous_commit`,
    );
    result.machine.postgres = pg;
    sys.ensureDirectory();
    if (E2E && ONOFF && ONOFF_PHASES.some((p) => want(p as (typeof PHASES)[number]))) {
      log('on/off: the API phases with everything on (the control), in a system of its own');
      result[ONOFF_CONTROL.key] = await leg(ONOFF_CONTROL.key, 'topology', ONOFF_PHASES, ONOFF_CONTROL.env);
      for (const off of ONOFF_LEGS) {
        log(`on/off: the API phases with the ${off.label} off (${JSON.stringify(off.env)}), in a system of its own`);
        result[off.key] = await leg(off.key, 'topology', ONOFF_PHASES, off.env);
      }
      log('on/off: the control again (everything on), in a system of its own');
      result[ONOFF_CONTROL_END] = await leg(ONOFF_CONTROL_END, 'topology', ONOFF_PHASES, ONOFF_CONTROL.env);
    }
    if (E2E && BUS === 'ab' && A_PHASES.some((p) => want(p as (typeof PHASES)[number]))) {
      // A: the old shared server, in a system of its own (its own prefix and databases), just before B.
      log('A/B: the API and injected phases on the shared open server (A), then on the provisioned topology (B)');
      result.plainBus = await leg('plain-bus', 'plain', A_PHASES);
      // B right after A, started the same way. (The main run below is not B: it follows the
      // baselines and the raw path, whose writes PostgreSQL is still flushing, and was the slowest
      // leg of every run; it stays the run the raw-path ratios are taken from.)
      result.topologyBus = await leg('topology-1', 'topology', A_PHASES);
    }
    result.bus = BUS === 'plain' ? 'plain' : 'topology';
    if (E2E) await e2ePhases(sys, result);
    // The A/B pair again in the other order (B then A), at 200 msg/s and saturation: a run slows as it
    // goes (the earlier legs' dirty pages and WAL), so A B B A gives each side the same mean position.
    const reversed = ['api200', 'saturation'].filter((p) => want(p as (typeof PHASES)[number]));
    if (E2E && BUS === 'ab' && result.plainBus && reversed.length) {
      log(`A/B reversed: ${reversed.join(', ')} on the provisioned topology (B), then on the shared open server (A)`);
      const topology = await leg('topology-2', 'topology', reversed);
      const plain = await leg('plain-bus-2', 'plain', reversed);
      result.busReversed = { topology, plain };
    }
    if (want('compliance')) await compliancePhase(sys, tmp, result);
    // The transparency log on its own (issue #17): appends per second, append → checkpoint, and the
    // offline verification of a year's export (bench/src/tlog.ts).
    if (want('tlog')) {
      log(`transparency log: appends from 64 concurrent callers (${QUICK ? 5 : 10} s), then the offline verification of ${QUICK ? '50,000' : '215,000'} messages`);
      result.tlog = { append: await appendPhase(QUICK ? 5 : 10), verify: await verifyPhase(QUICK ? 50_000 : 215_000) };
    }
    // The data bank (issue #18): BENCH_BANK_DOCS / BENCH_BANK_MATERIALS / BENCH_BANK_REPLICATED override the sizes (smoke runs).
    if (want('databank')) {
      const n = (k: string, d: number) => (process.env[k] ? Number(process.env[k]) : d);
      await dataBankPhase(sys, result, {
        documents: n('BENCH_BANK_DOCS', QUICK ? 100_000 : 1_000_000),
        materials: n('BENCH_BANK_MATERIALS', QUICK ? 10_000 : 100_000),
        queries: 1000,
        replicated: n('BENCH_BANK_REPLICATED', QUICK ? 50 : 200),
      });
    }
    if (want('http')) await httpStackPhase(result, { rate: 200, pacedSeconds: QUICK ? 10 : 20, saturationSeconds: QUICK ? 8 : 15, concurrency: C.satConcurrency, pairs: QUICK ? 2 : 3 });
    if (want('matching')) await matchingPhase(sys, result, QUICK ? { persons: 100_000, perClass: 50, negatives: 300 } : { persons: 1_000_000, perClass: 100, negatives: 1000 });
  } finally {
    await cleanup();
  }
  result.durationS = round((Date.now() - started) / 1000, 0);
  result.loadAverageAtEnd = loadavg().map((x) => round(x, 2));
  const rows = table(result);
  result.table = rows;
  mkdirSync(RESULTS, { recursive: true });
  // A partial run (BENCH_ONLY) does not replace the full table the README quotes.
  const name = ONLY.length ? 'partial' : 'latest';
  result.phases = PHASES.filter(want);
  writeFileSync(join(RESULTS, `${name}.json`), JSON.stringify(result, null, 2) + '\n');
  writeFileSync(join(RESULTS, `${name}.md`), markdown(result, rows));
  process.stdout.write('\n' + textTable(rows) + '\n');
  process.stdout.write(`\nwritten: bench/results/${name}.json, bench/results/${name}.md (${result.durationS} s)\n`);
}

/** The sender and recipient nodes: baselines, the API at fixed and saturating load, the outbox-injected run, profiles. */
async function e2ePhases(sys: BenchSystem, result: Record<string, any>, only?: readonly string[]): Promise<void> {
  const want = (p: (typeof PHASES)[number]) => wantPhase(p) && (!only || only.includes(p));
  const profDir = join(RESULTS, 'profiles');
  mkdirSync(profDir, { recursive: true });
  const hook = join(BUILD, 'bench', 'src', 'profile-hook.js');
  const startNode = async (agency: 'border' | 'interior') => {
    const out = join(profDir, `${agency}.cpuprofile`);
    for (const f of [out, `${out}.start`, `${out}.stop`]) rmSync(f, { force: true });
    // BENCH_NODE_ARGS: more node flags for the two nodes (e.g. --trace-gc; their output is in results/tmp).
    const extra = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
    return sys.startNode(agency, { nodeArgs: ['-r', hook, ...extra], env: { BENCH_PROFILE_OUT: out } });
  };
  log(`run ${sys.runId}: starting the sender (border) and recipient (interior) nodes as processes`);
  const sender = await startNode('border');
  const recipient = await startNode('interior');
  // The third agency's node only witnesses (issue #17: a checkpoint cosigned by both other agencies).
  const witness = await sys.startNode('customs');
  const senderDb = sys.dbUrl('border');
  const recipientDb = sys.dbUrl('interior');
  const nats = pidsNamed('nats-server');
  const monitor = () =>
    new Monitor(() => ({
      'sender node (border)': [sender.child.pid!],
      'recipient node (interior)': [recipient.child.pid!],
      'witness node (customs)': [witness.child.pid!],
      'bench client': [process.pid],
      'nats-server': nats,
      'postgres (all backends)': pidsNamed('postgres'),
    }));

  const client = new ApiClient(sender, CLIENT_SOCKETS);
  await client.login('border.duty', DEMO_PASSWORD);
  result.reportBytes = client.bodyBytes;

  log(`warm-up: closed loop, 16 in flight, ${C.warmupS} s`);
  const warm = await closedLoop(client, 16, C.warmupS);
  await awaitReceipts(sys, senderDb, warm.ids, 60_000);
  // The bytes on the bus: what the recipient received and stored (signed envelope or batch proof).
  const [{ signed: signedIn }] = await sys.sql(recipientDb, `SELECT avg(octet_length(signed))::int AS signed FROM messages WHERE direction = 'IN'`);
  const [{ audit: auditOut }] = await sys.sql(senderDb, `SELECT avg(octet_length(payload))::int AS audit FROM outbox WHERE kind = 'AUDIT'`);
  const signed: number = signedIn ?? 1024;
  const audit: number = auditOut ?? 300;
  result.signedEnvelopeBytes = signed;
  log(`signed envelope ${signed} B, audit event ${audit} B, report body ${client.bodyBytes} B`);

  // ── baselines ──
  if (want('baselines')) await baselines(sys, result, monitor, signed, audit);
  if (want('rawpath')) await rawPathPhase(sys, result, signed, audit);

  // ── Shekara end to end through the API ──
  let lastIds: string[] = [];
  const phase = async (name: string, run: () => Promise<LoadResult>) => {
    const mon = monitor();
    await eventLoopDelay(sender); // a scrape resets the node's event-loop delay histogram
    await eventLoopDelay(recipient);
    const timedBefore = await sendTimes(sender);
    // The bench client's own loop: a stall there delays the sends it times.
    const clientLoop = monitorEventLoopDelay({ resolution: 10 });
    clientLoop.enable();
    if (CLIENT_PREOPEN) log(`  client: ${await client.openConnections(CLIENT_SOCKETS)} keep-alive connections open before ${name}`);
    client.takeWaits();
    const queue = acceptQueue(sender.port);
    const tcpBefore = tcpCounters();
    mon.start();
    const load = await run();
    const usageSending = mon.stop();
    clientLoop.disable();
    const tcpAfter = tcpCounters();
    const waits = client.takeWaits();
    const accept = await queue.stop();
    // The machine's TCP counters over the phase: connections the kernel dropped because a listener's
    // accept queue was full, and the SYNs sent again for them (each a second or more of waiting).
    const tcp = { listenOverflows: tcpAfter.ListenOverflows - tcpBefore.ListenOverflows, synRetransmits: tcpAfter.TCPSynRetrans - tcpBefore.TCPSynRetrans };
    // A request waits for a blocked event loop before the node takes its "now": in the HTTP time, not
    // in the end to end one (measured from created_at).
    const eventLoop = {
      sender: await eventLoopDelay(sender),
      recipient: await eventLoopDelay(recipient),
      client: { p99Ms: round(clientLoop.percentile(99) / 1e6, 1), maxMs: round(clientLoop.max / 1e6, 1) },
    };
    // (After the event-loop reading: every scrape resets that histogram.)
    const inNode = serverP99(timedBefore, await sendTimes(sender));
    log(`  ${name}: accepted ${load.accepted} (${round(load.acceptedPerSec, 0)}/s, errors ${load.errors}, shed ${load.shed}), HTTP p50 ${load.httpMs.p50} p99 ${load.httpMs.p99} ms (inside the node: p99 ≤ ${inNode?.p99AtMostMs} ms, ${inNode?.overOneSecond} of ${inNode?.count} over 1 s); event-loop delay p99 / max: sender ${eventLoop.sender?.p99Ms} / ${eventLoop.sender?.maxMs} ms, recipient ${eventLoop.recipient?.p99Ms} / ${eventLoop.recipient?.maxMs} ms, bench client ${eventLoop.client.p99Ms} / ${eventLoop.client.maxMs} ms`);
    const c = load.connections;
    log(`    connections: ${c.newConnections} sends on a new connection${c.newConnections ? ` (HTTP p50 ${c.newConnectionMs.p50} p99 ${c.newConnectionMs.p99} ms)` : ''}, ${c.queued} queued in the client for a busy connection; sends over 1 s: ${c.overOneSecond} (on a new connection ${c.overOneSecondOnNew}, queued ${c.overOneSecondQueued}); TCP: listen overflows ${tcp.listenOverflows}, SYN retransmits ${tcp.synRetransmits}; wait for a socket p99 / max ${waits.socketMs.p99} / ${waits.socketMs.max} ms, for a new connection ${c.newConnections ? `p99 / max ${waits.connectMs.p99} / ${waits.connectMs.max} ms` : 'none made'}; the sender's accept queue: at most ${accept.max} connections, not empty for ${accept.msWithWaiting} ms; waiting for receipts`);
    const r = await awaitReceipts(sys, senderDb, load.ids, DRAIN_MS);
    const stats = e2eStats(r.deliveries, r.missing, { from: load.startedAt + WARM_S * 1000, to: load.endedAt });
    const stages = await stageLatencies(sys, senderDb, recipientDb, load.ids);
    for (const [k, v] of Object.entries(stages)) log(`    ${k}: p50 ${v.p50} p95 ${v.p95} p99 ${v.p99} ms (n ${v.n})`);
    log(`  ${name}: e2e sustained ${round(stats.sustainedPerSec, 0)} msg/s, latency p50 ${stats.latencyMs.p50} p95 ${stats.latencyMs.p95} p99 ${stats.latencyMs.p99} ms, missing ${stats.missing}, drained ${round(r.waitedMs / 1000, 1)} s after sending`);
    const { ids, ...rest } = load;
    lastIds = ids;
    return { load: rest, e2e: stats, stages, drainAfterSendingS: round(r.waitedMs / 1000, 1), usage: usageSending, eventLoop, inNode, tcp, waits, accept };
  };
  if (want('api200')) {
    log(`API, open loop at 200 msg/s for ${C.lowS} s`);
    result.api200 = await phase('200/s', () => openLoop(client, 200, C.lowS));
    // The last reports' checkpoint is cosigned a few seconds after their receipts came back (not
    // in the on/off leg without the log).
    if (sys.nodeEnv.TLOG_ENABLED !== 'false') {
      await sleep(8000);
      const ev = await evidenceLatencies(sys, senderDb, lastIds);
      result.api200.evidence = ev;
      log(`  200/s: accepted → covered by a checkpoint p95 ${ev.toCheckpointMs.p95} ms; → cosigned by two witnesses p95 ${ev.toTwoCosignaturesMs.p95} ms (not covered ${ev.notCovered}, not cosigned twice ${ev.notCosignedTwice})`);
    }
  }
  if (want('api1000')) {
    log(`API, open loop at 1,000 msg/s for ${C.highS} s`);
    result.api1000 = await phase('1000/s', () => openLoop(client, 1000, C.highS));
  }
  if (want('saturation')) {
    log(`API, saturation: closed loop with ${C.satConcurrency} in flight for ${C.satS} s`);
    result.apiSaturation = await phase('saturation', () => closedLoop(client, C.satConcurrency, C.satS));
  }

  // ── injected at the outbox ──
  if (want('inject')) {
  log(`outbox-injected: ${C.inject} reports built and signed with the node's envelope code, written in transactions of 500`);
  const m = monitor();
  m.start();
  const inj = await injectOutbox(sys, senderDb, C.inject, 500);
  const injR = await awaitReceipts(sys, senderDb, inj.ids, DRAIN_MS * 2);
  const injUsage = m.stop();
  const injStats = e2eStats(injR.deliveries, injR.missing, { from: inj.startedAt + 2000, to: Math.max(...injR.deliveries.map((d) => d.receiptMs)) - 1000 });
  result.outboxInjected = { messages: C.inject, buildMs: round(inj.buildMs, 0), insertMs: round(inj.insertMs, 0), insertPerSec: round(C.inject / (inj.insertMs / 1000), 0), e2e: injStats, usage: injUsage };
  log(`  injected ${C.inject} in ${round(inj.insertMs / 1000, 1)} s; e2e ${round(injStats.overallPerSec, 0)} msg/s overall, ${round(injStats.sustainedPerSec, 0)} sustained; missing ${injStats.missing}`);
  }

  // exactly once at the recipient
  const [{ n: inCount, d: distinct }] = await sys.sql(recipientDb, `SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM messages WHERE direction = 'IN'`);
  const [{ n: outCount }] = await sys.sql(senderDb, `SELECT count(*)::int AS n FROM messages WHERE direction = 'OUT'`);
  const [{ n: dead }] = await sys.sql(recipientDb, `SELECT count(*)::int AS n FROM dead_letters`);
  result.integrity = { sentBySender: outCount, storedByRecipient: inCount, distinctAtRecipient: distinct, deadLetters: dead };
  log(`integrity: sender ${outCount} OUT, recipient ${inCount} IN (${distinct} distinct), dead letters ${dead}`);

  // ── profile under saturation ──
  if (PROFILE && want('profile')) {
    log(`profile: V8 CPU profiles of both nodes during ${C.profileS} s of ${PROFILE_RATE > 0 ? `${PROFILE_RATE} msg/s` : 'saturation'}`);
    const outs = (['border', 'interior'] as const).map((a) => join(profDir, `${a}.cpuprofile`));
    for (const o of outs) writeFileSync(`${o}.start`, '');
    await sleep(600);
    const load = PROFILE_RATE > 0 ? await openLoop(client, PROFILE_RATE, C.profileS) : await closedLoop(client, C.satConcurrency, C.profileS);
    for (const o of outs) writeFileSync(`${o}.stop`, '');
    await awaitReceipts(sys, senderDb, load.ids, DRAIN_MS);
    for (let i = 0; i < 40 && !outs.every((o) => existsSync(o)); i++) await sleep(250);
    const profiles: Record<string, ProfileSummary> = {};
    for (const [i, o] of outs.entries()) if (existsSync(o)) profiles[i === 0 ? 'sender (border)' : 'recipient (interior)'] = summarise(o, 20);
    result.profiles = profiles;
    for (const o of outs) for (const f of [`${o}.start`, `${o}.stop`]) rmSync(f, { force: true });
  }
  client.close();
  await sys.stop('border');
  await sys.stop('interior');
  await sys.stop('customs');
}

/** Raw JetStream and raw PostgreSQL, measured in the same run as Shekara. */
async function baselines(sys: BenchSystem, result: Record<string, any>, monitor: () => Monitor, signed: number, audit: number): Promise<void> {
  log(`raw JetStream: ${C.rawMessages} messages of ${signed} B, window 256, durable pull consumer with explicit ack`);
  const m = monitor();
  m.start();
  const js = await rawJetStream(sys, { messages: C.rawMessages, bytes: signed, window: 256 });
  const jsUsage = m.stop();
  // Machine CPU per message: the client (publisher and consumer) and the server.
  const jsCpuUs = cpuUs(jsUsage, ['bench client', 'nats-server']) / js.messages;
  result.rawJetStream = { ...js, usage: jsUsage, cpuUsPerMessage: round(jsCpuUs, 0) };
  log(`  ${round(js.msgsPerSec, 0)} msg/s end to end (publish ${round(js.publishMsgsPerSec, 0)}/s), p50 ${js.latencyMs.p50} ms p99 ${js.latencyMs.p99} ms, ${round(jsCpuUs, 0)} µs of CPU per message (client + server)`);

  const pgOpts = { seconds: C.pgSeconds, payload: JSON.parse(JSON.stringify({ daily: {} })), signedBytes: signed, auditBytes: audit };
  const pg1 = await rawPostgres(sys, { ...pgOpts, connections: 1 });
  log(`raw PostgreSQL, 1 connection: ${round(pg1.txPerSec, 0)} tx/s (5 rows + NOTIFY each), p99 ${pg1.latencyMs.p99} ms`);
  const pg8 = await rawPostgres(sys, { ...pgOpts, connections: 8 });
  log(`raw PostgreSQL, 8 connections: ${round(pg8.txPerSec, 0)} tx/s`);
  const pg8n = await rawPostgres(sys, { ...pgOpts, connections: 8, notify: false });
  log(`raw PostgreSQL, 8 connections, without NOTIFY: ${round(pg8n.txPerSec, 0)} tx/s`);
  // The latency a report's durable commits pay at the load of the latency target: the same
  // transaction paced at 200/s on one connection, and the disk's flush under it without PostgreSQL.
  const pgPaced = await rawPostgres(sys, { ...pgOpts, connections: 1, rate: 200, seconds: C.commitS });
  log(`raw PostgreSQL, the same transaction at 200/s: p50 ${pgPaced.latencyMs.p50} p99 ${pgPaced.latencyMs.p99} max ${pgPaced.latencyMs.max} ms, ${pgPaced.over50ms} of ${pgPaced.transactions} over 50 ms`);
  // The same rows written as a group commit writes them, 500 reports per transaction: what they cost
  // when every per-transaction cost is shared.
  const mb = monitor();
  mb.start();
  const bulk = await rawPostgresBulk(sys, { ...pgOpts, batch: 500 });
  const bulkUsage = mb.stop();
  const bulkCpuUs = cpuUs(bulkUsage, ['bench client', 'postgres (all backends)']) / bulk.reports;
  log(`raw PostgreSQL, the same rows 500 reports per transaction: ${round(bulk.reportsPerSec, 0)} reports/s, ${round(bulkCpuUs, 0)} µs of CPU per report (client + server)`);
  result.rawPostgres = { oneConnection: pg1, eightConnections: pg8, eightConnectionsNoNotify: pg8n, paced200: pgPaced, bulk: { ...bulk, usage: bulkUsage, cpuUsPerReport: round(bulkCpuUs, 0) } };
  const validation = validationCost(C.pgSeconds / 2);
  log(`decoding and validating a report as the recipient does: ${validation.cpuUsPerReport} µs of CPU per report`);
  result.validationCost = validation;
  const flush = await diskFlush(sys, sys.tmp, 200, C.commitS);
  log(`disk flush (8 KiB write + fdatasync) at 200/s: p50 ${flush.latencyMs.p50} p99 ${flush.latencyMs.p99} max ${flush.latencyMs.max} ms, ${flush.over50ms} of ${flush.writes} over 50 ms (same device as PostgreSQL's data: ${flush.samePgDevice ?? 'unknown'})`);
  result.diskFlush = flush;
  const wake = wakeUpCost(sys, [20, 200, 0], C.pgSeconds / 2);
  for (const w of wake) log(`PostgreSQL round trip ${w.rate ? `at ${w.rate}/s` : 'back to back'}: ${w.cpuUsPerQuery} µs of client CPU per query, p50 ${w.latencyMs.p50} ms`);
  result.wakeUpCost = wake;
}

/**
 * The raw path (issue #22): the same chain of I/O as a report with no Shekara code, in two processes,
 * open loop at 200/s (latency per hop) and at saturation with group commits (throughput, CPU).
 */
async function rawPathPhase(sys: BenchSystem, result: Record<string, any>, signed: number, audit: number): Promise<void> {
  const o = { bytes: signed, auditBytes: audit, rate: 200, pacedSeconds: C.lowS, saturationSeconds: C.satS, batch: 100, pipelines: 4 };
  log(`raw path: commit -> publish -> consume -> commit -> receipt -> consume -> commit, two processes, open loop at 200/s for ${o.pacedSeconds} s`);
  const paced = await rawPathPaced(sys, o);
  for (const [hop, v] of Object.entries(paced.hops)) log(`    ${hop}: p50 ${v.p50} p95 ${v.p95} p99 ${v.p99} ms`);
  log(`raw path at saturation: group commits of ${o.batch}, ${o.pipelines} in flight, ${o.saturationSeconds} s`);
  const saturation = await rawPathSaturation(sys, o);
  log(`  ${saturation.reportsPerSec} reports/s, CPU per report ${JSON.stringify(saturation.cpuUsPerReport)} µs`);
  result.rawPath = { paced200: paced, saturation };
}

/** CPU time (µs) the named process groups used in a monitored window. */
function cpuUs(usage: Record<string, UsageSummary>, groups: string[]): number {
  return groups.reduce((sum, g) => sum + (usage[g]?.cpuSeconds ?? 0), 0) * 1e6;
}

/** Compliance at scale: a generated year, the offline audit, the supervisor ledger listings. */
async function compliancePhase(sys: BenchSystem, tmp: string, result: Record<string, any>): Promise<void> {
  // ── compliance at scale ──
  const year = 2024;
  log(`compliance: generating ${year} for the full seeded directory`);
  const tg = performance.now();
  const journal = generateYear(sys.directoryPath, year);
  const journalPath = join(tmp, `journal-${year}.jsonl`);
  const journalBytes = await writeJournal(journalPath, journal.messages);
  const genMs = performance.now() - tg;
  log(`  ${journal.messages.length} messages (${JSON.stringify(journal.counts)}), ${round(journalBytes / 2 ** 20, 1)} MiB, ${round(genMs / 1000, 1)} s`);
  log('  offline audit of the year (shekara audit)');
  const auditRun = await offlineAudit(sys.directoryPath, journalPath, year, journal.messages.length);
  log(`  audit: ${round(auditRun.seconds, 1)} s, ${auditRun.verdicts} verdict lines, ${round(auditRun.messagesPerSec, 0)} messages/s, peak RSS ${round(auditRun.rssMaxMiB, 0)} MiB`);
  log('  supervisor ledger: loading the year');
  const sup = await sys.startSupervisor();
  const supDb = sys.dbUrl('supervisor');
  const loadS = await loadLedger(sys, supDb, journal.messages);
  const token = await supervisorToken(sup.url, 'supervisor.border', DEMO_PASSWORD);
  const supMon = new Monitor(() => ({ supervisor: [sup.child.pid!] }));
  supMon.start();
  const listing = {
    juneComputed: await timedGet(sup.url, `/api/verdicts?from=${year}-06-01&to=${year}-06-30&pageSize=100`, token),
    juneCached: await timedGet(sup.url, `/api/verdicts?from=${year}-06-01&to=${year}-06-30&pageSize=100&page=2`, token),
    novemberComputed: await timedGet(sup.url, `/api/verdicts?from=${year}-11-01&to=${year}-11-30&pageSize=100`, token),
    ratesNovember: await timedGet(sup.url, `/api/rates?from=${year}-11-01&to=${year}-11-30&pageSize=1000`, token),
    heatmapNovember: await timedGet(sup.url, `/api/heatmap?from=${year}-11-01&to=${year}-11-30&pageSize=1000`, token),
  };
  const supUsage = supMon.stop();
  const yearMon = new Monitor(() => ({ supervisor: [sup.child.pid!] }));
  yearMon.start();
  const yearComputed = await timedGet(sup.url, `/api/verdicts?from=${year}-01-01&to=${year}-12-31&pageSize=100`, token);
  Object.assign(listing, { yearComputed });
  const supYearUsage = yearMon.stop();
  result.compliance = {
    year,
    messages: journal.messages.length,
    counts: journal.counts,
    journalMiB: round(journalBytes / 2 ** 20, 1),
    generateS: round(genMs / 1000, 1),
    offlineAudit: auditRun,
    ledgerLoadS: round(loadS, 1),
    listing,
    supervisorUsage: supUsage,
    supervisorUsageYearListing: supYearUsage,
  };
  for (const [k, v] of Object.entries(listing)) log(`  ${k}: ${round(v.ms, 0)} ms (status ${v.status}, total ${v.total})`);
  await sys.stop('supervisor');
}

/** The node's event-loop delay since its last scrape (prom-client's histogram, reset by each scrape), in ms. */
/**
 * The sender's accept queue, sampled every 50 ms (`ss`: a listening socket's Recv-Q is the number of
 * connections the kernel completed and the node has not yet accepted): the most seen, and for how
 * long any waited.
 */
function acceptQueue(port: number): { stop: () => Promise<{ max: number; msWithWaiting: number }> } {
  let max = 0;
  let samplesWithWaiting = 0;
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    execFile('ss', ['-Hltn', `sport = :${port}`], (err, out) => {
      busy = false;
      if (err) return;
      const q = Number(out.trim().split(/\s+/)[1]);
      if (q > 0) samplesWithWaiting++;
      if (q > max) max = q;
    });
  }, 50);
  return {
    stop: async () => {
      clearInterval(timer);
      return { max, msWithWaiting: samplesWithWaiting * 50 };
    },
  };
}

/** TcpExt counters of the machine (/proc/net/netstat): ListenOverflows, TCPSynRetrans. */
function tcpCounters(): { ListenOverflows: number; TCPSynRetrans: number } {
  const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n').filter((l) => l.startsWith('TcpExt:'));
  const [names, values] = lines.map((l) => l.split(/\s+/).slice(1));
  const get = (k: string) => Number(values?.[names?.indexOf(k) ?? -1] ?? 0) || 0;
  return { ListenOverflows: get('ListenOverflows'), TCPSynRetrans: get('TCPSynRetrans') };
}

async function eventLoopDelay(node: Proc): Promise<{ p99Ms: number; maxMs: number } | undefined> {
  try {
    const text = await (await fetch(`${node.url}/metrics`)).text();
    const get = (name: string) => Number(new RegExp(`^${name} ([0-9.eE+-]+)`, 'm').exec(text)?.[1]);
    const p99 = get('nodejs_eventloop_lag_p99_seconds');
    const max = get('nodejs_eventloop_lag_max_seconds');
    return Number.isFinite(p99) && Number.isFinite(max) ? { p99Ms: round(p99 * 1000, 1), maxMs: round(max * 1000, 1) } : undefined;
  } catch {
    return undefined;
  }
}

/** The node's histogram of its sends' time inside it (POST /api/messages answered 2xx): cumulative counts by upper bound (s). */
async function sendTimes(node: Proc): Promise<Map<string, number> | undefined> {
  try {
    const text = await (await fetch(`${node.url}/metrics`)).text();
    const re = /^shekara_http_request_duration_seconds_bucket\{le="([^"]+)",method="POST",route="\/api\/messages",status="2xx"\} (\d+)$/gm;
    const m = new Map<string, number>();
    for (const x of text.matchAll(re)) m.set(x[1], Number(x[2]));
    return m;
  } catch {
    return undefined;
  }
}

/** Of the sends between two scrapes: how many, the bucket bound their p99 is under, how many took over 1 s inside the node. */
function serverP99(before: Map<string, number> | undefined, after: Map<string, number> | undefined): { count: number; p99AtMostMs: number | string; overOneSecond: number } | undefined {
  if (!before || !after || !after.size) return undefined;
  const rows = [...after.entries()].map(([le, n]) => ({ le, n: n - (before.get(le) ?? 0) }));
  const count = rows.find((r) => r.le === '+Inf')?.n ?? 0;
  if (!count) return undefined;
  const bound = rows.find((r) => r.n >= 0.99 * count);
  const under1s = rows.find((r) => r.le === '1')?.n ?? count;
  return { count, p99AtMostMs: !bound || bound.le === '+Inf' ? '∞' : Number(bound.le) * 1000, overOneSecond: count - under1s };
}

function gitCommit(): string {
  try {
    return execSync('git rev-parse --short HEAD', { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/**
 * The A/B of issue #16: the same phases on the old shared server (A) and on the provisioned
 * topology (B), each leg a system of its own started the same way. Target: B's throughput and p99
 * within 15% of A's. 200 msg/s and saturation ran twice, A B then B A: their verdicts are on the
 * means of the two orders.
 */
function abRows(r: Record<string, any>, rows: Row[]): void {
  const a = r.plainBus;
  if (!a) return;
  // B: the leg run right after A (results before it had none: the main run).
  const b = r.topologyBus ?? r;
  const n = (x: number) => round(x, 0);
  const within = (b: number, base: number, higherIsBetter: boolean) => (higherIsBetter ? b >= 0.85 * base : b <= 1.15 * base);
  const pct = (b: number, base: number) => `${base ? round((100 * b) / base, 1) : 0}%`;
  const rev = r.busReversed;
  // A phase run in both orders is judged on the means of the two (below), each order shown unjudged.
  const both = (key: string) => Boolean(rev?.plain?.[key] && rev?.topology?.[key]);
  const ordered = (key: string, label: string): [string, any, any, boolean][] =>
    both(key)
      ? [
          [`${label}, A then B`, a[key], b[key], false],
          [`${label}, B then A`, rev.plain[key], rev.topology[key], false],
        ]
      : [[label, a[key], b[key], true]];
  const pairs: [string, any, any, boolean][] = [
    ...ordered('api200', 'at 200 msg/s'),
    ['at 1,000 msg/s', a.api1000, b.api1000, true],
    ...ordered('apiSaturation', 'saturation'),
    ['injected at the outbox', a.outboxInjected, b.outboxInjected, true],
  ];
  const push = (label: string, ta: number, tb: number, la: number, lb: number, judged: boolean) => {
    const tp = judged ? { target: 'B ≥ 85% of A', pass: within(tb, ta, true) } : {};
    const lp = judged ? { target: 'B ≤ 115% of A', pass: within(lb, la, false) } : {};
    rows.push({ metric: `A/B bus, ${label}: sustained, shared server → topology`, value: `${n(ta)} → ${n(tb)}`, unit: 'msg/s', ...tp, ratio: pct(tb, ta) });
    rows.push({ metric: `A/B bus, ${label}: latency p99, shared server → topology`, value: `${la} → ${lb}`, unit: 'ms', ...lp, ratio: pct(lb, la) });
  };
  for (const [label, pa, pb, judged] of pairs) {
    if (!pa || !pb) continue;
    push(label, pa.e2e.sustainedPerSec, pb.e2e.sustainedPerSec, pa.e2e.latencyMs.p99, pb.e2e.latencyMs.p99, judged);
  }
  for (const [key, label] of [['api200', 'at 200 msg/s'], ['apiSaturation', 'saturation']]) {
    if (!both(key) || !a[key] || !b[key]) continue;
    const mean = (x: any, y: any, f: (p: any) => number) => (f(x) + f(y)) / 2;
    const t = (p: any) => p.e2e.sustainedPerSec as number;
    const l = (p: any) => p.e2e.latencyMs.p99 as number;
    push(`${label}, mean of both orders`, mean(a[key], rev.plain[key], t), mean(b[key], rev.topology[key], t), n(mean(a[key], rev.plain[key], l)), n(mean(b[key], rev.topology[key], l)), true);
  }
}

/** The mean of two legs' API phases, in the fields the on/off rows read. */
function meanOfLegs(a: Record<string, any>, b: Record<string, any>): Record<string, any> {
  const mean = (x: number, y: number) => round((x + y) / 2, 1);
  const out: Record<string, any> = {};
  for (const k of ['api200', 'apiSaturation']) {
    const [x, y] = [a[k], b[k]];
    if (!x || !y) continue;
    out[k] = {
      e2e: { sustainedPerSec: mean(x.e2e.sustainedPerSec, y.e2e.sustainedPerSec), latencyMs: { p99: mean(x.e2e.latencyMs.p99, y.e2e.latencyMs.p99) } },
      load: { httpMs: { p99: mean(x.load.httpMs.p99, y.load.httpMs.p99) } },
    };
  }
  return out;
}

/**
 * The on/off rows of issue #22: the API phases with one thing this wave added switched off against the
 * control leg (everything on, started the same way; the main run in results without one). No target
 * in the issue: the cost is shown as the ratio on / off.
 */
function onOffRows(r: Record<string, any>, rows: Row[]): void {
  const pct = (on: number, off: number) => `${off ? round((100 * on) / off, 1) : 0}%`;
  const on = r[ONOFF_CONTROL.key] && r[ONOFF_CONTROL_END] ? meanOfLegs(r[ONOFF_CONTROL.key], r[ONOFF_CONTROL_END]) : r;
  for (const leg of ONOFF_LEGS) {
    const off = r[leg.key];
    if (!off) continue;
    for (const [label, po, pn] of [
      ['at 200 msg/s', off.api200, on.api200],
      ['saturation', off.apiSaturation, on.apiSaturation],
    ] as [string, any, any][]) {
      if (!po || !pn) continue;
      const so = po.e2e.sustainedPerSec as number;
      const sn = pn.e2e.sustainedPerSec as number;
      rows.push({ metric: `on/off, ${leg.label}, ${label}: sustained, off → on`, value: `${round(so, 0)} → ${round(sn, 0)}`, unit: 'msg/s', ratio: pct(sn, so) });
      rows.push({ metric: `on/off, ${leg.label}, ${label}: latency p99, off → on`, value: `${po.e2e.latencyMs.p99} → ${pn.e2e.latencyMs.p99}`, unit: 'ms', ratio: pct(pn.e2e.latencyMs.p99, po.e2e.latencyMs.p99) });
      rows.push({ metric: `on/off, ${leg.label}, ${label}: HTTP p99, off → on`, value: `${po.load.httpMs.p99} → ${pn.load.httpMs.p99}`, unit: 'ms', ratio: pct(pn.load.httpMs.p99, po.load.httpMs.p99) });
    }
  }
}

function table(r: Record<string, any>): Row[] {
  const rows: Row[] = [];
  abRows(r, rows);
  onOffRows(r, rows);
  const js = r.rawJetStream;
  const sat = r.apiSaturation;
  const inj = r.outboxInjected;
  const n = (x: number, d = 0) => round(x, d);
  const rp = r.rawPath;
  // The yardstick is the raw path's own limit, measured in this run (without it, BENCH_ONLY, no ratio is claimed).
  const vsRawPath = (rate: number, share: number): Pick<Row, 'target' | 'pass' | 'ratio'> =>
    rp ? { target: `≥ ${share * 100}% of the raw path`, pass: rate >= share * rp.saturation.reportsPerSec, ratio: `${n((100 * rate) / rp.saturation.reportsPerSec, 1)}%` } : {};
  if (rp) {
    const h = rp.paced200.hops;
    rows.push({ metric: 'raw path (no Shekara code, 2 processes) at 200/s: end to end p50 / p95 / p99', value: `${h.endToEnd.p50} / ${h.endToEnd.p95} / ${h.endToEnd.p99}`, unit: 'ms' });
    for (const [hop, label] of [
      ['senderCommit', "sender's commit (from due)"],
      ['busToRecipient', 'publish to the recipient consuming it'],
      ['recipientCommit', "recipient's commit"],
      ['receiptPublishAck', 'receipt publish + ack'],
      ['receiptToRecorded', 'receipt consumed and recorded'],
    ] as const) {
      rows.push({ metric: `    of which ${label}: p50 / p95 / p99`, value: `${h[hop].p50} / ${h[hop].p95} / ${h[hop].p99}`, unit: 'ms' });
    }
    rows.push({ metric: `raw path at saturation (group commits of ${rp.saturation.batch}, ${rp.saturation.pipelines} in flight)`, value: n(rp.saturation.reportsPerSec), unit: 'reports/s' });
    const cpu = rp.saturation.cpuUsPerReport as Record<string, number>;
    rows.push({ metric: `  its CPU per report: ${Object.keys(cpu).join(' / ')}`, value: Object.values(cpu).join(' / '), unit: 'µs' });
  }
  if (js) {
    rows.push({ metric: `raw JetStream end to end (${js.bytes} B, window ${js.window}, pull+ack)`, value: n(js.msgsPerSec), unit: 'msg/s' });
    rows.push({ metric: 'raw JetStream latency p50 / p99', value: `${js.latencyMs.p50} / ${js.latencyMs.p99}`, unit: 'ms' });
    rows.push({ metric: 'raw PostgreSQL, 5 rows + NOTIFY per tx, 1 connection', value: n(r.rawPostgres.oneConnection.txPerSec), unit: 'tx/s' });
    rows.push({ metric: 'raw PostgreSQL, same, 8 connections', value: n(r.rawPostgres.eightConnections.txPerSec), unit: 'tx/s' });
    rows.push({ metric: 'raw PostgreSQL, 8 connections, without the NOTIFY', value: n(r.rawPostgres.eightConnectionsNoNotify.txPerSec), unit: 'tx/s' });
    const bulk = r.rawPostgres.bulk;
    if (bulk) {
      rows.push({ metric: `raw PostgreSQL, the same rows, ${bulk.batch} reports per tx (a group commit), 1 connection`, value: n(bulk.reportsPerSec), unit: 'reports/s' });
      rows.push({ metric: '  its CPU per report: client + server', value: bulk.cpuUsPerReport, unit: 'µs' });
    }
    if (js.cpuUsPerMessage !== undefined) rows.push({ metric: 'raw JetStream, CPU per message: client + nats-server', value: js.cpuUsPerMessage, unit: 'µs' });
    if (bulk && js.cpuUsPerMessage !== undefined) {
      // What the throughput target leaves each report on this machine, against the least any design
      // pays that sends a report and its receipt over JetStream and keeps a report's rows at each end.
      const cores = r.machine.cpus as number;
      rows.push({ metric: `the 40% target's CPU budget per report: ${cores} cores ÷ (40% of raw JetStream)`, value: n((cores * 1e6) / (0.4 * js.msgsPerSec)), unit: 'µs' });
      rows.push({ metric: '  a floor per report at the baselines: 2 bus messages (report, receipt) + 5 rows at each node', value: n(2 * js.cpuUsPerMessage + 2 * bulk.cpuUsPerReport), unit: 'µs' });
      const check = r.validationCost?.cpuUsPerReport as number | undefined;
      if (check !== undefined) {
        rows.push({ metric: '  decoding and validating a report as the recipient does (class-validator)', value: check, unit: 'µs' });
        rows.push({ metric: '  a floor with receipts sent many to a bus message: 1 bus message + 5 rows at each node + that check', value: n(js.cpuUsPerMessage + 2 * bulk.cpuUsPerReport + check), unit: 'µs' });
      }
    }
    const paced = r.rawPostgres.paced200;
    if (paced) {
      rows.push({ metric: 'raw PostgreSQL, the same tx at 200/s, 1 connection: commit p50 / p99 / max', value: `${paced.latencyMs.p50} / ${paced.latencyMs.p99} / ${n(paced.latencyMs.max)}`, unit: 'ms' });
      rows.push({ metric: '  its transactions over 50 ms', value: `${paced.over50ms} of ${n(paced.transactions)}`, unit: '' });
    }
  }
  const flush = r.diskFlush;
  if (flush) {
    const where = flush.samePgDevice === true ? ", PostgreSQL's device" : flush.samePgDevice === false ? ", not PostgreSQL's device" : '';
    rows.push({ metric: `the disk: 8 KiB write + fdatasync at ${flush.rate}/s${where}: p50 / p99 / max`, value: `${flush.latencyMs.p50} / ${flush.latencyMs.p99} / ${n(flush.latencyMs.max)}`, unit: 'ms' });
    rows.push({ metric: '  its flushes over 50 ms', value: `${flush.over50ms} of ${n(flush.writes)}`, unit: '' });
  }
  const wake = r.wakeUpCost as { rate: number; cpuUsPerQuery: number; latencyMs: { p50: number } }[] | undefined;
  if (wake?.length) {
    const label = (w: { rate: number }) => (w.rate ? `${w.rate}/s` : 'back to back');
    rows.push({ metric: `a PostgreSQL round trip, client CPU per query at ${wake.map(label).join(' / ')}`, value: wake.map((w) => w.cpuUsPerQuery).join(' / '), unit: 'µs' });
    rows.push({ metric: '  its latency p50 at the same paces', value: wake.map((w) => w.latencyMs.p50).join(' / '), unit: 'ms' });
  }
  if (sat) {
    const satRate = sat.e2e.sustainedPerSec;
    rows.push({ metric: `Shekara e2e via API, saturation (${sat.load.concurrency} in flight), sustained`, value: n(satRate), unit: 'msg/s', ...vsRawPath(satRate, 0.3) });
    rows.push({ metric: 'Shekara e2e via API, saturation, accepted by the API', value: n(sat.load.acceptedPerSec), unit: 'msg/s' });
    rows.push({ metric: 'Shekara e2e via API, saturation, latency p50 / p95 / p99', value: `${sat.e2e.latencyMs.p50} / ${sat.e2e.latencyMs.p95} / ${sat.e2e.latencyMs.p99}`, unit: 'ms' });
  }
  if (inj) rows.push({ metric: 'Shekara e2e injected at the outbox, sustained', value: n(inj.e2e.sustainedPerSec), unit: 'msg/s', ...vsRawPath(inj.e2e.sustainedPerSec, 0.5) });
  for (const [key, label] of [['api200', '200'], ['api1000', '1,000']] as const) {
    const p = r[key];
    if (!p) continue;
    rows.push({ metric: `Shekara e2e via API at ${label} msg/s offered: sustained`, value: n(p.e2e.sustainedPerSec), unit: 'msg/s', target: `= offered`, pass: p.e2e.sustainedPerSec >= 0.95 * p.load.offeredPerSec && p.load.errors === 0 && p.load.shed === 0 });
    // At 200/s: end to end within 1.5 x the raw path's p99, and a send's HTTP answer within 2 x a raw durable commit's p99, both at 200/s in this run.
    const rawP99 = key === 'api200' ? rp?.paced200.hops.endToEnd.p99 : undefined;
    const e2eTarget: Pick<Row, 'target' | 'pass' | 'ratio'> = rawP99 ? { target: '≤ 1.5 × raw path p99', pass: p.e2e.latencyMs.p99 <= 1.5 * rawP99, ratio: `${n(p.e2e.latencyMs.p99 / rawP99, 2)}×` } : {};
    rows.push({ metric: `  latency p50 / p95 / p99 at ${label} msg/s`, value: `${p.e2e.latencyMs.p50} / ${p.e2e.latencyMs.p95} / ${p.e2e.latencyMs.p99}`, unit: 'ms', ...e2eTarget });
    const commitP99 = key === 'api200' ? r.rawPostgres?.paced200?.latencyMs.p99 : undefined;
    if (key === 'api200' && p.load.httpMs) {
      const httpTarget: Pick<Row, 'target' | 'pass' | 'ratio'> = commitP99 ? { target: '≤ 2 × raw commit p99 at 200/s', pass: p.load.httpMs.p99 <= 2 * commitP99, ratio: `${n(p.load.httpMs.p99 / commitP99, 2)}×` } : {};
      rows.push({ metric: `  HTTP answer to a send p50 / p99 at ${label} msg/s`, value: `${p.load.httpMs.p50} / ${p.load.httpMs.p99}`, unit: 'ms', ...httpTarget });
      if (p.inNode) rows.push({ metric: `    the same sends inside the node (first middleware → response finished): p99 at most / over 1 s`, value: `${p.inNode.p99AtMostMs} / ${p.inNode.overOneSecond} of ${p.inNode.count}`, unit: 'ms / sends' });
      const c = p.load?.connections;
      if (c) rows.push({ metric: `    the same sends: on a new connection / queued in the client / over 1 s (on a new connection, queued)`, value: `${c.newConnections} / ${c.queued} / ${c.overOneSecond} (${c.overOneSecondOnNew}, ${c.overOneSecondQueued})`, unit: 'sends' });
      if (p.tcp) rows.push({ metric: `    the machine's TCP listen overflows / SYN retransmits during those sends`, value: `${p.tcp.listenOverflows} / ${p.tcp.synRetransmits}`, unit: '' });
      if (p.accept) rows.push({ metric: `    the sender's accept queue during those sends (connections made, not yet accepted by the node): at most / not empty for`, value: `${p.accept.max} / ${p.accept.msWithWaiting}`, unit: 'connections / ms' });
      if (p.waits) rows.push({ metric: `    the same sends' wait in the client for a socket p99 / max, for a new connection p99 / max`, value: `${p.waits.socketMs.p99} / ${p.waits.socketMs.max}, ${Number.isFinite(p.waits.connectMs.p99) ? `${p.waits.connectMs.p99} / ${p.waits.connectMs.max}` : 'none made'}`, unit: 'ms' });
      if (p.eventLoop?.sender) rows.push({ metric: `    the sender's event-loop delay at ${label} msg/s: p99 / max`, value: `${p.eventLoop.sender.p99Ms} / ${p.eventLoop.sender.maxMs}`, unit: 'ms' });
      if (p.eventLoop?.client) rows.push({ metric: `    the bench client's event-loop delay at ${label} msg/s: p99 / max`, value: `${p.eventLoop.client.p99Ms} / ${p.eventLoop.client.maxMs}`, unit: 'ms' });
    }
    if (key === 'api200' && p.stages) {
      for (const [stage, v] of Object.entries(p.stages as Record<string, { p50: number; p95: number; p99: number }>)) {
        rows.push({ metric: `    of which ${stage}`, value: `${v.p50} / ${v.p95} / ${v.p99}`, unit: 'ms' });
      }
    }
    if (key === 'api200' && p.usage) {
      // What a report costs each process at this load: CPU, wake-ups and preemptions (context switches).
      const per = Object.entries(p.usage as Record<string, UsageSummary>).map(([name, u]) => ({ name: name.replace(/ \(.*\)$/, ''), ms: (1000 * u.cpuCores) / p.load.acceptedPerSec, woken: u.wakeupsPerSec / p.load.acceptedPerSec, preempted: u.preemptionsPerSec / p.load.acceptedPerSec }));
      const sum = (f: (x: (typeof per)[number]) => number) => per.reduce((a, x) => a + f(x), 0);
      rows.push({ metric: `  CPU per report at ${label} msg/s: ${per.map((x) => x.name).join(' / ')} (total)`, value: `${per.map((x) => n(x.ms, 1)).join(' / ')} (${n(sum((x) => x.ms), 1)})`, unit: 'ms' });
      rows.push({ metric: `  wake-ups per report at ${label} msg/s, same order (total)`, value: `${per.map((x) => n(x.woken, 1)).join(' / ')} (${n(sum((x) => x.woken), 1)})`, unit: '' });
      rows.push({ metric: `  preemptions per report at ${label} msg/s, same order (total)`, value: `${per.map((x) => n(x.preempted, 1)).join(' / ')} (${n(sum((x) => x.preempted), 1)})`, unit: '' });
    }
  }
  const usage = (sat?.usage ?? {}) as Record<string, UsageSummary>;
  for (const [name, u] of Object.entries(usage)) {
    const app = name.includes('node');
    rows.push({ metric: `CPU / peak RSS at saturation: ${name}`, value: `${u.cpuCores} cores / ${u.rssMaxMiB} MiB`, unit: '', ...(app ? { target: 'RSS < 256 MiB', pass: u.rssMaxMiB < 256 } : {}) });
  }
  const c = r.compliance;
  if (c) {
    rows.push({ metric: `year ${c.year}, full directory: messages in the journal`, value: c.messages, unit: 'msgs' });
    rows.push({ metric: 'offline audit of the year (shekara audit)', value: n(c.offlineAudit.seconds, 1), unit: 's', target: '< 30 s', pass: c.offlineAudit.seconds < 30 });
    rows.push({ metric: '  audit throughput', value: n(c.offlineAudit.messagesPerSec), unit: 'msg/s' });
    rows.push({ metric: '  audit peak RSS', value: n(c.offlineAudit.rssMaxMiB), unit: 'MiB' });
    const month = Math.max(c.listing.juneComputed.ms, c.listing.novemberComputed.ms);
    rows.push({ metric: 'ledger: a month of verdicts for all units (computed, slower of two)', value: n(month), unit: 'ms', target: '< 1 s', pass: month < 1000 && c.listing.juneComputed.status === 200 });
    rows.push({ metric: '  same month, cached', value: n(c.listing.juneCached.ms), unit: 'ms' });
    rows.push({ metric: '  the whole year of verdicts (computed)', value: n(c.listing.yearComputed.ms), unit: 'ms' });
    const su = c.supervisorUsage.supervisor as UsageSummary;
    rows.push({ metric: 'supervisor peak RSS during the month listings', value: su.rssMaxMiB, unit: 'MiB', target: '< 256 MiB', pass: su.rssMaxMiB < 256 });
    rows.push({ metric: '  supervisor peak RSS during the whole-year listing', value: (c.supervisorUsageYearListing.supervisor as UsageSummary).rssMaxMiB, unit: 'MiB' });
  }
  const ev = r.api200?.evidence;
  if (ev) {
    rows.push({ metric: 'evidence at 200 msg/s: report → a checkpoint covering it, p95', value: ev.toCheckpointMs.p95, unit: 'ms', target: '≤ 2,000 ms', pass: ev.toCheckpointMs.p95 <= 2000 && ev.notCovered === 0 });
    rows.push({ metric: 'evidence at 200 msg/s: report → cosigned by both other agencies, p95', value: ev.toTwoCosignaturesMs.p95, unit: 'ms', target: '≤ 5,000 ms', pass: ev.toTwoCosignaturesMs.p95 <= 5000 && ev.notCosignedTwice === 0 });
  }
  const tl = r.tlog;
  if (tl) {
    rows.push({ metric: 'transparency log: appends per second (64 concurrent callers, group commit)', value: n(tl.append.leavesPerSecond), unit: '/s', target: '≥ 1,000', pass: tl.append.leavesPerSecond >= 1000 });
    rows.push({ metric: '  append → checkpoint covering it, p95 (checkpoint every 1 s)', value: tl.append.appendToCheckpointMs.p95, unit: 'ms', target: '≤ 2,000 ms', pass: tl.append.appendToCheckpointMs.p95 <= 2000 });
    rows.push({ metric: `offline verification (shekara verify) of ${tl.verify.messages.toLocaleString('en')} messages with receipts`, value: n(tl.verify.verifySeconds, 1), unit: 's', target: '< 30 s', pass: tl.verify.verifySeconds < 30 && tl.verify.exitCode === 0 });
    rows.push({ metric: '  its CPU time / peak RSS', value: `${n(tl.verify.verifyCpuSeconds, 1)} s / ${n(tl.verify.verifyMaxRssMiB)} MiB`, unit: '' });
  }
  if (r.matching) rows.push(...matchingRows(r.matching));
  if (r.databank) rows.push(...dataBankRows(r.databank));
  if (r.httpStack) rows.push(...httpStackRows(r.httpStack));
  return rows;
}

function textTable(rows: Row[]): string {
  const cells = rows.map((r) => [r.metric, `${typeof r.value === 'number' ? r.value.toLocaleString('en-US') : r.value} ${r.unit}`.trim(), r.target ?? '', r.pass === undefined ? '' : r.pass ? 'PASS' : 'FAIL', r.ratio ?? '']);
  const head = ['metric', 'value', 'target', 'result', 'ratio'];
  const w = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((x, i) => x.padEnd(w[i])).join('  ');
  return [line(head), w.map((x) => '-'.repeat(x)).join('  '), ...cells.map(line)].join('\n');
}

function markdown(r: Record<string, any>, rows: Row[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const t = [
    '| metric | value | target | result | ratio |',
    '|---|---:|---|---|---:|',
    ...rows.map((x) => `| ${esc(x.metric.trim())} | ${typeof x.value === 'number' ? x.value.toLocaleString('en-US') : x.value} ${x.unit} | ${x.target ?? ''} | ${x.pass === undefined ? '' : x.pass ? 'pass' : '**FAIL**'} | ${x.ratio ?? ''} |`),
  ].join('\n');
  const prof = r.profiles as Record<string, ProfileSummary> | undefined;
  const profText = prof
    ? Object.entries(prof)
        .map(([name, p]) => `**${name}** (busy ${round(p.busyMs / 1000, 1)} s of ${round(p.totalMs / 1000, 1)} s sampled): ${p.areas.slice(0, 8).map((a) => `${a.area} ${a.pctBusy}%`).join(', ')}.`)
        .join('\n\n')
    : '';
  return `## Performance and reliability

Measured by \`npm run bench\` (\`bench/\`; not part of the test suite) on ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGiB} GiB, Node ${r.machine.node}, PostgreSQL ${r.machine.postgres?.version} (autovacuum ${r.machine.postgres?.autovacuum}, shared_buffers ${r.machine.postgres?.shared_buffers}), code: ${r.machine.source}, ${r.startedAt.slice(0, 10)}${r.quick ? ' (BENCH_QUICK)' : ''}. PostgreSQL, NATS and the benchmark client share the same two cores with the nodes.

${t}

What is measured:

- **Baselines**, in the same run: raw JetStream — async publish with 256 in flight of messages the size of a signed envelope (${r.signedEnvelopeBytes} B) to a file stream, consumed by a durable pull consumer with explicit ack, in one process; throughput = messages / (last consumed − first published). Raw PostgreSQL — the five rows one accepted report writes at the sender (message with its JSON payload and signed envelope, recipient, two outbox rows, audit entry) plus NOTIFY, one transaction per message, in a database with the node's schema; and the same rows written as a group commit writes them, 500 reports per transaction (one multi-row INSERT per table, one NOTIFY), back to back on one connection. What a wake-up costs — one PostgreSQL round trip (\`SELECT $1\`) on one connection, at 20/s and 200/s (the client sleeping in between) and back to back, in a process of its own: the CPU time its process is charged per query (getrusage) and the latency. What a durable commit costs in time at the load of the latency target — the same five-row transaction paced at 200/s on one connection (commit latency), and the disk under it without PostgreSQL: an 8 KiB write + \`fdatasync\` at 200/s in a process of its own, in the benchmark's temporary directory (the row says whether that is PostgreSQL's device). A report waits for two durable commits on its way (accepted at the sender, stored by the recipient): a flush stall of the disk delays every commit in flight. What the throughput target leaves a report — the machine's cores divided by 40% of raw JetStream's rate: the CPU time (all processes) one report may cost at that rate — against floors measured in the same run: the CPU time of the client and nats-server per raw JetStream message (publish, store, deliver, ack), that of the client and the PostgreSQL backends per report of the 500-per-transaction rows, and that of decoding and validating the benchmark's report as the recipient does (\`validateEnvelope\`: structure, then the payload by the API's class-validator DTOs; back to back in one process). A report here is two bus messages (the report, then its receipt) and about five rows at each node (at the recipient: the message, its status, the audit entry, the receipt's and the audit event's outbox rows); the floors leave out everything else it costs (signatures, the receipt's recording, the outbox outcomes, the audit events' publication, HTTP).
- **Shekara end to end**: the sender (border) and the recipient (interior) agency nodes run as separate processes (\`dist\`-built apps, run-unique bus prefix and databases, \`LOG_LEVEL=${process.env.BENCH_LOG_LEVEL ?? 'info'}\`). A daily report (${r.reportBytes} B of JSON) goes from \`border.l4.CP-CN-A-01\` to \`interior.l4.CP-CN-A-01\`: HTTP POST with a JWT over keep-alive connections → stored, signed, relayed, consumed, verified, stored once → receipt back at the sender. Latency per message = the sender's audit entry \`delivered\` (written in the transaction that records the receipt) − \`messages.created_at\` (accepted), both from the sender's clock, read from its database after the run. Sustained throughput = receipts recorded per second from ${WARM_S} s after the start of a phase to its end. At 200 msg/s the latency is also given by stage, each from the two nodes' databases (one machine, one clock): accepted → envelope published (the sender's dispatch right after the commit, once JetStream acknowledged it) → stored by the recipient (which can come before that acknowledgement arrives: negative) → its receipt published → recorded at the sender; percentiles of each stage on its own, so they need not add up. Offered load is open loop (a send every 1/rate s regardless of responses); saturation is closed loop (${r.apiSaturation?.load?.concurrency ?? C.satConcurrency} requests in flight). *Injected at the outbox*: reports built and signed with the node's own envelope code and unit key, written into the sender's database exactly as \`MessagesService.send\` writes them (message, recipient, ENVELOPE and AUDIT outbox rows, audit entry), 500 per transaction, as fast as possible, but due at once and announced by NOTIFY, as another process writes them: the relay claims and publishes them (the path of anything not dispatched by the process that wrote it); measures relay → consume → receipt without HTTP.
- **CPU and memory** per process from \`/proc\` (utime+stime over the phase; peak VmRSS sampled every 250 ms); at 200 msg/s also per report, with the process's wake-ups per report — the voluntary context switches of all its threads (a thread blocking and woken again) — and its preemptions per report (involuntary ones: a thread taken off a core while it still wanted it). PostgreSQL is all backends of the shared server.
${r.compliance ? `- **Compliance at scale**: a year (${r.compliance?.year}) of traffic for the full seeded directory (${r.compliance?.messages?.toLocaleString('en-US')} messages: ${Object.entries(r.compliance?.counts ?? {}).map(([k, v]) => `${k} ${(v as number).toLocaleString('en-US')}`).join(', ')}): every member of every interaction group sends its daily report (90% in the window, 5% late, 2% filed the next day, 3% missing) and monthly report, headquarters their half-yearly materials, about one urgent report per week per level-4/5 group (85% confirmed within 2 h, 10% late, 5% never) and two advance notices a month per group. The offline audit is the built \`shekara audit\` over the year's JSONL journal (${r.compliance?.journalMiB} MiB). The ledger listing is \`GET /api/verdicts\` for one month, all units, on a supervisor process whose ledger holds the year (loaded straight into \`ledger_messages\` as \`test/supervisor/volume.test.ts\` does).
` : ''}
Integrity check of the run: the sender accepted ${r.integrity?.sentBySender}, the recipient stored ${r.integrity?.storedByRecipient} (${r.integrity?.distinctAtRecipient} distinct), ${r.integrity?.deadLetters} dead letters.

${profText ? `CPU profile of the nodes at ${PROFILE_RATE > 0 ? `${PROFILE_RATE} msg/s` : 'saturation'} (self time by area, % of busy time):\n\n${profText}\n\n` : ''}Reproduce: \`npm run bench\` (about 3–4 minutes; \`BENCH_QUICK=1 npm run bench\` about 2). Needs the local PostgreSQL, NATS with JetStream (\`npm run up\` starts them); builds the tree into \`bench/.build\`, writes \`bench/results/latest.json\` and this snippet to \`bench/results/latest.md\`. \`BENCH_PROFILE=0\` skips the CPU profiles, \`BENCH_PROFILE_RATE=200\` profiles at that offered load instead of at saturation; \`BENCH_ONLY=${PHASES.join(',')}\` (any of them) runs only those phases; \`BENCH_LOG_LEVEL\` sets the nodes' log level; \`BENCH_SOURCE=<commit>\` measures that commit (alternate runs of two commits to compare them on this noisy VM); \`BENCH_NODE_ENV\` (JSON) and \`BENCH_NODE_ARGS\` give the agency nodes extra settings and node arguments, for experiments.
`;
}

// Exit explicitly: keep-alive sockets and NATS pulls must not keep a finished run alive.
main().then(
  () => process.exit(0),
  (e) => {
    log(`failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  },
);
