/**
 * The transparency log's benchmark, callable alone (`bash bench/tlog.sh`, or its functions from
 * another phase): appends per second into the PostgreSQL log (group-committed single appends from
 * concurrent callers, and whole batches), the time from an append to the first checkpoint covering
 * it with the checkpointer running, and the offline verification of a year's export (215k messages,
 * each with its delivery receipt) by the built `shekara verify`. Uses a run-unique database and
 * temporary directory, removed at the end.
 */
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { create, toJson } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { SystemClock } from '@shekara/common';
import {
  Classification,
  DailySchema,
  DeliveryOutcome,
  DeliveryReceiptSchema,
  EnvelopeSchema,
  MessageKind,
  encodeEnvelope,
  encodeSigned,
  kindName,
  type Envelope,
} from '@shekara/contracts';
import { dropDatabase, ensureDatabase, withDatabase } from '@shekara/persistence';
import {
  Checkpointer,
  CompactRange,
  CosignatureSigner,
  EXPORT_FORMAT,
  LogAppender,
  PgLogStore,
  SIG_TYPE_COSIGNATURE_V1,
  SIG_TYPE_ED25519,
  TLOG_ALL_SQL,
  ed25519RawPublicKey,
  ed25519Signer,
  formatCheckpoint,
  formatVerifierKey,
  hashLeaf,
  parseNote,
  poolDb,
  signNote,
  signatureLine,
  type ExportManifest,
} from '@shekara/tlog';
import { percentiles, type Percentiles } from './stats';

const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const BUILD = join(__dirname, '..', '..'); // bench/.build (or dist)
const log = (s: string) => process.stderr.write(`[bench tlog ${new Date().toISOString().slice(11, 19)}] ${s}\n`);

/** A realistic entry: a signed daily report envelope of about the size the exchange sends. */
function entryBytes(i: number): Buffer {
  const env = create(EnvelopeSchema, {
    messageId: `0193a5f0-0000-7000-8000-${String(i).padStart(12, '0')}`,
    correlationId: `c-${i}`,
    kind: MessageKind.DAILY,
    senderUnit: 'int-ura',
    recipientUnits: ['bor-ura'],
    createdAt: timestampFromDate(new Date(1_764_800_000_000 + i * 1000)),
    schemaVersion: 1,
    classification: Classification.UNCLASSIFIED,
    payload: { case: 'daily', value: create(DailySchema, { period: '2026-11-02', summary: `Обстановка без изменений, донесение ${i}. `.repeat(4) } as never) },
  } as never);
  const bytes = encodeEnvelope(env);
  return Buffer.from(encodeSigned({ envelope: bytes, keyId: 'unit-key-1', signature: randomBytes(64) }));
}

export interface AppendResult {
  concurrentCallers: number;
  seconds: number;
  leaves: number;
  leavesPerSecond: number;
  appendLatencyMs: Percentiles;
  batchOf100LeavesPerSecond: number;
  appendToCheckpointMs: Percentiles;
  checkpoints: number;
}

/** Appends from concurrent callers through the group-committing appender, with the checkpointer at 1 s. */
export async function appendPhase(seconds = 10, callers = 64): Promise<AppendResult> {
  const url = withDatabase(PG_URL, `shekara_bench_tlog_${randomBytes(4).toString('hex')}`);
  await ensureDatabase(url);
  const pool = new Pool({ connectionString: url, max: 4 });
  try {
    for (const sql of TLOG_ALL_SQL) await pool.query(sql);
    const clock = new SystemClock();
    const store = new PgLogStore(poolDb(pool), clock);
    const origin = 'kz.shekara.interior/log';
    const signer = ed25519Signer(origin, generateKeyPairSync('ed25519').privateKey);
    const checkpointer = new Checkpointer(store, { origin, signer, intervalMs: 1000, onError: (e) => log(`checkpoint: ${String(e)}`) });
    const appender = new LogAppender(store, 1000);
    const entries = Array.from({ length: 2000 }, (_, i) => entryBytes(i));
    const latencies: number[] = [];
    let n = 0;
    const end = Date.now() + seconds * 1000;
    checkpointer.start();
    const started = Date.now();
    await Promise.all(
      Array.from({ length: callers }, async () => {
        while (Date.now() < end) {
          const i = n++;
          const t = performance.now();
          await appender.append({ data: entries[i % entries.length], messageId: `m${i}`, kind: 'envelope', direction: 'sent' });
          latencies.push(performance.now() - t);
        }
      }),
    );
    const elapsed = (Date.now() - started) / 1000;
    // Let the checkpointer cover the last appends, then stop it.
    await new Promise((r) => setTimeout(r, 1500));
    await checkpointer.stop();
    const size = await store.size();
    // Batches of 100 from one caller (how a node appends a bus batch).
    const t0 = performance.now();
    let batched = 0;
    while (performance.now() - t0 < 5000) {
      await store.append(Array.from({ length: 100 }, (_, k) => ({ data: entries[(batched + k) % entries.length], messageId: `b${batched + k}`, kind: 'envelope' as const, direction: 'sent' as const })));
      batched += 100;
    }
    const batchRate = batched / ((performance.now() - t0) / 1000);
    // Append-to-checkpoint: for each leaf of the concurrent phase, the first checkpoint covering it.
    const rows = await pool.query<{ ms: number }>(
      `SELECT extract(epoch FROM (c.signed_at - l.appended_at)) * 1000 AS ms
         FROM tlog_leaf l CROSS JOIN LATERAL (SELECT signed_at FROM tlog_checkpoint c WHERE c.size > l.idx ORDER BY c.size LIMIT 1) c
        WHERE l.idx < $1`,
      [size],
    );
    const checkpoints = Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM tlog_checkpoint')).rows[0].n);
    return {
      concurrentCallers: callers,
      seconds: Math.round(elapsed * 10) / 10,
      leaves: size,
      leavesPerSecond: Math.round(size / elapsed),
      appendLatencyMs: percentiles(latencies),
      batchOf100LeavesPerSecond: Math.round(batchRate),
      appendToCheckpointMs: percentiles(rows.rows.map((r) => Number(r.ms))),
      checkpoints,
    };
  } finally {
    await pool.end();
    await dropDatabase(url);
  }
}

export interface VerifyResult {
  messages: number;
  leaves: number;
  checkpoints: number;
  exportMiB: number;
  generateSeconds: number;
  verifySeconds: number;
  verifyCpuSeconds: number;
  verifyMaxRssMiB: number;
  loadAverage: number[];
  exitCode: number | null;
  summary: string;
}

async function writeAll(path: string, lines: () => Iterable<string>): Promise<void> {
  const out = createWriteStream(path);
  let chunk = '';
  for (const l of lines()) {
    chunk += l;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

/**
 * Writes a year's export (messages, each followed by its delivery receipt; a checkpoint every
 * 500 leaves cosigned by two witnesses) and times `shekara verify` on it.
 */
export async function verifyPhase(messages = 215_000): Promise<VerifyResult> {
  const dir = mkdtempSync(join(tmpdir(), 'shekara-bench-tlog-'));
  try {
    const t0 = performance.now();
    const origin = 'kz.shekara.interior/log';
    const logKey = generateKeyPairSync('ed25519').privateKey;
    const signer = ed25519Signer(origin, logKey);
    const witnesses = [new CosignatureSigner('kz.shekara.border/witness', generateKeyPairSync('ed25519').privateKey), new CosignatureSigner('kz.shekara.customs/witness', generateKeyPairSync('ed25519').privateKey)];
    const base = Date.parse('2026-01-01T03:00:00Z');
    const msgRows: string[] = [];
    const rcpRows: string[] = [];
    const leafLines: string[] = [];
    const range = new CompactRange();
    const checkpoints: string[] = [];
    const addLeaf = (id: string, kind: 'envelope' | 'receipt', direction: 'sent' | 'received', bytes: Buffer) => {
      leafLines.push(JSON.stringify({ index: range.size, message_id: id, kind, direction, entry: bytes.toString('base64') }) + '\n');
      range.append(hashLeaf(bytes));
      if (range.size % 500 === 0) checkpoint();
    };
    const checkpoint = () => {
      const text = formatCheckpoint({ origin, size: range.size, root: range.root(), extensions: [] });
      let note = signNote(text, [signer]);
      for (const w of witnesses) note += signatureLine(w.cosign(parseNote(note).text, Math.floor(base / 1000) + range.size));
      checkpoints.push(JSON.stringify({ size: range.size, note }) + '\n');
    };
    const sig = randomBytes(64);
    for (let i = 0; i < messages; i++) {
      const sent = new Date(base + i * 146_000); // 215k spread over a year
      const id = `0193a5f0-0000-7000-8000-${String(i).padStart(12, '0')}`;
      const env: Envelope = create(EnvelopeSchema, {
        messageId: id,
        correlationId: id,
        kind: MessageKind.DAILY,
        senderUnit: 'int-ura',
        recipientUnits: ['bor-ura'],
        createdAt: timestampFromDate(sent),
        reportedAt: timestampFromDate(sent),
        schemaVersion: 1,
        classification: Classification.UNCLASSIFIED,
        payload: { case: 'daily', value: create(DailySchema, { period: '2026-11-02', summary: `Обстановка без изменений, донесение ${i}` } as never) },
      } as never);
      const bytes = Buffer.from(encodeSigned({ envelope: encodeEnvelope(env), keyId: 'unit-key-1', signature: sig }));
      addLeaf(id, 'envelope', 'sent', bytes);
      const json = toJson(EnvelopeSchema, env, { alwaysEmitImplicit: false }) as Record<string, unknown>;
      msgRows.push(
        JSON.stringify({
          id,
          direction: 'OUT',
          kind: kindName(env.kind),
          sender_unit: 'int-ura',
          recipient_units: ['bor-ura'],
          correlation_id: id,
          classification: 'UNCLASSIFIED',
          created_at: sent.toISOString(),
          reported_at: sent.toISOString(),
          payload: { daily: json.daily },
          signed: bytes.toString('base64'),
        }) + '\n',
      );
      const rid = `0193a5f0-0000-7000-9000-${String(i).padStart(12, '0')}`;
      const at = new Date(sent.getTime() + 2000);
      const receipt = create(EnvelopeSchema, {
        messageId: rid,
        correlationId: id,
        kind: MessageKind.DELIVERY_RECEIPT,
        senderUnit: 'bor-ura',
        recipientUnits: ['int-ura'],
        createdAt: timestampFromDate(at),
        reportedAt: timestampFromDate(at),
        schemaVersion: 1,
        classification: Classification.UNCLASSIFIED,
        payload: { case: 'deliveryReceipt', value: create(DeliveryReceiptSchema, { messageId: id, recipientUnit: 'bor-ura', outcome: DeliveryOutcome.DELIVERED, at: timestampFromDate(at) }) },
      } as never);
      addLeaf(rid, 'receipt', 'received', Buffer.from(encodeSigned({ envelope: encodeEnvelope(receipt), keyId: 'unit-key-2', signature: sig })));
      rcpRows.push(JSON.stringify({ message_id: id, unit_id: 'bor-ura', status: 'DELIVERED', delivered_at: at.toISOString(), read_at: null, read_by: null }) + '\n');
    }
    if (range.size % 500 !== 0) checkpoint();
    const manifest: ExportManifest = {
      format: EXPORT_FORMAT,
      origin,
      log_key: formatVerifierKey(origin, SIG_TYPE_ED25519, ed25519RawPublicKey(logKey)),
      witnesses: witnesses.map((w) => formatVerifierKey(w.name, SIG_TYPE_COSIGNATURE_V1, w.publicKey)),
      quorum: 2,
      size: range.size,
      exported_at: new Date().toISOString(),
    };
    await writeAll(join(dir, 'manifest.json'), () => [JSON.stringify(manifest)]);
    await writeAll(join(dir, 'leaves.jsonl'), () => leafLines);
    await writeAll(join(dir, 'checkpoints.jsonl'), () => checkpoints);
    await writeAll(join(dir, 'messages.jsonl'), () => msgRows);
    await writeAll(join(dir, 'receipts.jsonl'), () => rcpRows);
    const bytes = [leafLines, checkpoints, msgRows, rcpRows].reduce((a, ls) => a + ls.reduce((b, l) => b + l.length, 0), 0);
    const generateSeconds = (performance.now() - t0) / 1000;
    log(`export written: ${range.size} leaves, ${checkpoints.length} checkpoints, ${(bytes / 2 ** 20).toFixed(0)} MiB in ${generateSeconds.toFixed(1)} s; verifying`);
    const cli = join(BUILD, 'apps', 'cli', 'src', 'main.js');
    const t1 = performance.now();
    // GNU time reports the CPU seconds the verifier used: on a shared machine the wall time also
    // measures the neighbours.
    const timeFile = join(dir, 'time.txt');
    const r = spawnSync('/usr/bin/time', ['-f', '%U %S %M', '-o', timeFile, process.execPath, cli, 'verify', '--export', dir], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const verifySeconds = (performance.now() - t1) / 1000;
    const [user, system, maxKiB] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
    return {
      messages,
      leaves: range.size,
      checkpoints: checkpoints.length,
      exportMiB: Math.round(bytes / 2 ** 20),
      generateSeconds: Math.round(generateSeconds * 10) / 10,
      verifySeconds: Math.round(verifySeconds * 10) / 10,
      verifyCpuSeconds: Math.round((user + system) * 10) / 10,
      verifyMaxRssMiB: Math.round(maxKiB / 1024),
      loadAverage: loadavg().map((x) => Math.round(x * 10) / 10),
      exitCode: r.status,
      summary: r.stderr.trim().split('\n').slice(-2).join(' | '),
    };
  } finally {
    if (process.env.BENCH_TLOG_KEEP === '1') log(`export kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const only = (process.env.BENCH_TLOG_ONLY ?? 'append,verify').split(',');
  const result: Record<string, unknown> = { at: new Date().toISOString() };
  if (only.includes('append')) {
    log('appends into the PostgreSQL log (64 concurrent callers, 10 s; then batches of 100, 5 s)');
    result.append = await appendPhase(Number(process.env.BENCH_TLOG_SECONDS ?? 10));
  }
  if (only.includes('verify')) {
    const n = Number(process.env.BENCH_TLOG_MESSAGES ?? 215_000);
    log(`offline verification of an export of ${n} messages with their receipts`);
    result.verify = await verifyPhase(n);
  }
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`${String((e as Error).stack ?? e)}\n`);
    process.exit(1);
  });
}
