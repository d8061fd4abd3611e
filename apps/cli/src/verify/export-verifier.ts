import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Timestamp } from '@bufbuild/protobuf/wkt';
import { DeliveryOutcome } from '@shekara/contracts';
import {
  CompactRange,
  EXPORT_FILES,
  EXPORT_FORMAT,
  TlogError,
  TlogErrorCode,
  hashEqual,
  hashLeaf,
  verifierFromKey,
  verifyCheckpoint,
  SIG_TYPE_COSIGNATURE_V1,
  SIG_TYPE_ED25519,
  parseVerifierKey,
  type Hash,
  type LogPolicy,
} from '@shekara/tlog';
import { envelopeView, type EnvelopeView } from './envelope-view';
import { ExportInputError, FindingCode, type Finding } from './findings';
import { base64Bytes, checkMessageRows, jsonLines, sameInstant, type Json, type RowCheck } from './rows';


/** Keys and quorum the auditor pins, instead of trusting the ones the export names. */
export interface TrustOverride {
  logKey?: string;
  witnesses?: string[];
  quorum?: number;
}

export interface VerifySink {
  finding(f: Finding): void;
  /** A line that cannot be read as what its file holds (bad input). */
  badLine(file: string, line: number, reason: string): void;
}

export interface VerifyStats {
  leaves: number;
  checkpoints: number;
  /** The size of the largest trusted checkpoint that matches the leaves. */
  coveredSize: number;
  messages: number;
  recipientRows: number;
}

function policyOf(manifest: Json, trust: TrustOverride): LogPolicy {
  if (manifest.format !== EXPORT_FORMAT) throw new ExportInputError(`manifest format is not ${EXPORT_FORMAT}`, `формат манифеста не ${EXPORT_FORMAT}`);
  if (typeof manifest.origin !== 'string' || !manifest.origin) throw new ExportInputError('manifest has no origin', 'в манифесте нет origin');
  const logKey = trust.logKey ?? manifest.log_key;
  const witnesses = trust.witnesses ?? manifest.witnesses;
  const quorum = trust.quorum ?? manifest.quorum;
  if (typeof logKey !== 'string') throw new ExportInputError('no log key', 'нет ключа журнала');
  if (!Array.isArray(witnesses) || witnesses.some((w) => typeof w !== 'string')) throw new ExportInputError('witnesses must be a list of verifier keys', 'witnesses должно быть списком ключей проверки');
  if (typeof quorum !== 'number' || !Number.isInteger(quorum) || quorum < 0 || quorum > witnesses.length) throw new ExportInputError(`quorum must be an integer from 0 to the number of witnesses (${witnesses.length})`, `quorum должно быть целым числом от 0 до числа свидетелей (${witnesses.length})`);
  try {
    if (parseVerifierKey(logKey).type !== SIG_TYPE_ED25519) throw new ExportInputError('the log key must be an Ed25519 (type 0x01) verifier key', 'ключ журнала должен быть ключом проверки Ed25519 (тип 0x01)');
    for (const w of witnesses as string[]) if (parseVerifierKey(w).type !== SIG_TYPE_COSIGNATURE_V1) throw new ExportInputError(`witness key ${w.split('+')[0]} must be a cosignature/v1 (type 0x04) verifier key`, `ключ свидетеля ${w.split('+')[0]} должен быть ключом проверки cosignature/v1 (тип 0x04)`);
    return { origin: manifest.origin, log: [verifierFromKey(logKey)], witnesses: (witnesses as string[]).map(verifierFromKey), quorum };
  } catch (e) {
    if (e instanceof TlogError) throw new ExportInputError(e.message, `ошибка журнала прозрачности: ${e.message}`);
    throw e;
  }
}

interface LoggedEnvelope {
  index: number;
  hash: Hash;
  direction: 'sent' | 'received';
  hasRow: boolean;
}

interface LoggedReceipt {
  index: number;
  messageId: string;
  unit: string;
  what: 'delivered' | 'rejected' | 'read';
  at: Timestamp | undefined;
  reader: string;
}

const WORKER = join(__dirname, 'message-rows.worker.js');

/**
 * Checks the message rows in a worker thread while this thread rebuilds the tree (large exports,
 * compiled CLI), or in this thread (small exports, where starting a worker costs more than it
 * saves; and the sources run by the unit tests, which have no compiled worker).
 */
function startRowChecks(path: string, inWorker: boolean): Promise<RowCheck[][]> {
  if (!inWorker || !existsSync(WORKER)) {
    return (async () => {
      const out: RowCheck[][] = [];
      for await (const batch of checkMessageRows(path)) out.push(batch);
      return out;
    })();
  }
  return new Promise((resolve, reject) => {
    const out: RowCheck[][] = [];
    const worker = new Worker(WORKER, { workerData: { path } });
    worker.on('message', (batch: RowCheck[] | null) => {
      if (batch) out.push(batch);
      else resolve(out);
    });
    worker.on('error', reject);
    worker.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`the row checker exited with ${code}`))));
  });
}

async function requireFile(path: string): Promise<void> {
  try {
    if (!(await stat(path)).isFile()) throw new Error('not a file');
  } catch (e) {
    throw new ExportInputError(`cannot read ${path}: ${(e as Error).message}`, `не удаётся прочитать ${path}: ${(e as Error).message}`);
  }
}

/**
 * Verifies a log export (see libs/tlog/src/core/export-format.ts): checkpoints (log signature,
 * cosignature quorum, forks), the leaves against every checkpoint (recomputing the tree, which
 * proves the inclusion of every leaf a checkpoint covers and the consistency of all checkpoints
 * with each other), each leaf against its label, and the stored rows against the signed bytes in
 * the log. Findings and bad lines go to the sink as they are found; throws ExportInputError when
 * the export cannot be verified at all.
 */
export interface VerifyTuning {
  /** Message files at least this large are checked in a worker thread (default 8 MiB). */
  workerFromBytes?: number;
}

export async function verifyExport(dir: string, trust: TrustOverride, sink: VerifySink, tuning: VerifyTuning = {}): Promise<VerifyStats> {
  const file = (name: keyof typeof EXPORT_FILES) => join(dir, EXPORT_FILES[name]);
  for (const name of Object.keys(EXPORT_FILES) as Array<keyof typeof EXPORT_FILES>) await requireFile(file(name));
  let manifest: Json;
  try {
    manifest = JSON.parse(await readFile(file('manifest'), 'utf8')) as Json;
  } catch (e) {
    throw new ExportInputError(`${EXPORT_FILES.manifest} is not JSON: ${(e as Error).message}`, `${EXPORT_FILES.manifest} не является JSON: ${(e as Error).message}`);
  }
  const policy = policyOf(manifest, trust);
  const inWorker = (await stat(file('messages'))).size >= (tuning.workerFromBytes ?? 8 << 20);
  const rowChecks = startRowChecks(file('messages'), inWorker);
  // Settled below; until then a failure is held, not reported as unhandled.
  rowChecks.catch(() => undefined);
  const stats: VerifyStats = { leaves: 0, checkpoints: 0, coveredSize: 0, messages: 0, recipientRows: 0 };

  // 1. Checkpoints: every one the log signed is kept for the fork and leaf checks; only those with
  // the quorum are trusted to cover leaves. One below the quorum is a finding only if no trusted
  // checkpoint covers its size (the quorum rule, docs/transparency-log.md): a witness that was down
  // cosigns the then latest checkpoint on its return, and the tree rebuilt below proves every
  // earlier checkpoint a prefix of that one, so intermediate ones with fewer cosignatures are sound.
  const bySize = new Map<number, Array<{ root: Hash; line: number; trusted: boolean }>>();
  const belowQuorum: Array<{ line: number; size: number; detail?: string }> = [];
  const cpFile = EXPORT_FILES.checkpoints;
  for await (const batch of jsonLines(file('checkpoints'))) for (const { line, value, error } of batch) {
    if (!value || typeof value.note !== 'string' || typeof value.size !== 'number') {
      sink.badLine(cpFile, line, error ?? 'a checkpoint line needs "size" and "note"');
      continue;
    }
    stats.checkpoints++;
    const row = { size: value.size };
    let trusted = true;
    let cp;
    try {
      cp = verifyCheckpoint(value.note, policy).checkpoint;
    } catch (e) {
      if (!(e instanceof TlogError)) throw e;
      trusted = false;
      if (e.code === TlogErrorCode.QUORUM_NOT_MET) {
        belowQuorum.push({ line, size: value.size, detail: e.detail });
        cp = verifyCheckpoint(value.note, { ...policy, quorum: 0 }).checkpoint;
      } else {
        sink.finding({ code: FindingCode.BAD_CHECKPOINT, file: cpFile, line, row, detail: e.message });
        continue;
      }
    }
    if (cp.size !== value.size) {
      sink.finding({ code: FindingCode.BAD_CHECKPOINT, file: cpFile, line, row, detail: `the note is of size ${cp.size}` });
      continue;
    }
    const same = bySize.get(cp.size) ?? [];
    if (same.some((o) => !hashEqual(o.root, cp.root))) sink.finding({ code: FindingCode.FORK, file: cpFile, line, row, detail: `another root for size ${cp.size} at line ${same[0].line}` });
    same.push({ root: cp.root, line, trusted });
    bySize.set(cp.size, same);
  }

  // 2. Leaves, streamed: the tree is rebuilt and compared with every checkpoint at its size.
  const range = new CompactRange();
  const envelopes = new Map<string, LoggedEnvelope[]>();
  const receipts: LoggedReceipt[] = [];
  const leafFile = EXPORT_FILES.leaves;
  const matched = new Set<number>();
  for await (const batch of jsonLines(file('leaves'))) for (const { line, value, error } of batch) {
    const entry = typeof value?.entry === 'string' ? base64Bytes(value.entry) : undefined;
    if (!value || !entry || typeof value.message_id !== 'string' || (value.kind !== 'envelope' && value.kind !== 'receipt') || (value.direction !== 'sent' && value.direction !== 'received')) {
      sink.badLine(leafFile, line, error ?? 'a leaf line needs "index", "message_id", "kind" (envelope|receipt), "direction" (sent|received) and a base64 "entry"');
      continue;
    }
    const index = range.size;
    const row = { index, message_id: value.message_id as string };
    if (value.index !== index) sink.finding({ code: FindingCode.LEAF_OUT_OF_ORDER, file: leafFile, line, row, detail: `labelled ${JSON.stringify(value.index)}` });
    const hash = hashLeaf(entry);
    range.append(hash);
    const atSize = bySize.get(range.size);
    if (atSize) {
      const root = range.root();
      for (const cp of atSize) {
        if (hashEqual(cp.root, root)) {
          if (cp.trusted) matched.add(range.size);
        } else {
          sink.finding({ code: FindingCode.CHECKPOINT_MISMATCH, file: EXPORT_FILES.checkpoints, line: cp.line, row: { size: range.size } });
        }
      }
    }
    let env: EnvelopeView;
    try {
      env = envelopeView(entry);
    } catch {
      sink.finding({ code: FindingCode.LEAF_MISLABELED, file: leafFile, line, row, detail: 'the entry is not a signed envelope' });
      continue;
    }
    const c = env.payloadCase;
    const isReceipt = c === 'deliveryReceipt' || c === 'readReceipt';
    if (env.messageId !== value.message_id || isReceipt !== (value.kind === 'receipt')) {
      sink.finding({ code: FindingCode.LEAF_MISLABELED, file: leafFile, line, row, detail: `the entry is ${isReceipt ? 'receipt' : 'envelope'} ${env.messageId}` });
      continue;
    }
    // A witness's fork alert is kept in tlog_alerts, not as a message row: no row to look for.
    if (!isReceipt && c !== 'tlogForkAlert') {
      const list = envelopes.get(env.messageId) ?? [];
      list.push({ index, hash, direction: value.direction, hasRow: false });
      envelopes.set(env.messageId, list);
    } else if (value.direction === 'received') {
      let d, r;
      try {
        d = env.deliveryReceipt();
        r = env.readReceipt();
      } catch {
        sink.finding({ code: FindingCode.LEAF_MISLABELED, file: leafFile, line, row, detail: 'the receipt cannot be read' });
        continue;
      }
      if (d) receipts.push({ index, messageId: d.messageId, unit: d.recipientUnit, what: d.outcome === DeliveryOutcome.REJECTED ? 'rejected' : 'delivered', at: d.at, reader: '' });
      if (r) receipts.push({ index, messageId: r.messageId, unit: r.recipientUnit, what: 'read', at: r.at, reader: r.reader });
    }
  }
  stats.leaves = range.size;
  for (const [size, cps] of bySize) {
    if (size > range.size) for (const cp of cps) sink.finding({ code: FindingCode.CHECKPOINT_BEYOND_LEAVES, file: EXPORT_FILES.checkpoints, line: cp.line, row: { size }, detail: `${range.size} leaves exported` });
  }
  stats.coveredSize = Math.max(0, ...matched);
  for (const b of belowQuorum) {
    if (b.size > stats.coveredSize) sink.finding({ code: FindingCode.QUORUM_NOT_MET, file: cpFile, line: b.line, row: { size: b.size }, detail: b.detail });
  }
  if (range.size > 0 && stats.coveredSize === 0) sink.finding({ code: FindingCode.NO_TRUSTED_CHECKPOINT, file: EXPORT_FILES.checkpoints });
  else if (stats.coveredSize < range.size)
    sink.finding({ code: FindingCode.NOT_COVERED, file: leafFile, row: { from: stats.coveredSize, to: range.size - 1 }, detail: `${range.size - stats.coveredSize} leaves after the last trusted checkpoint of size ${stats.coveredSize}` });

  // 3. Message rows against the signed envelopes in the log. Each row was checked on its own
  // (hash, columns against its signed bytes) alongside the leaves; here they meet the log.
  const msgFile = EXPORT_FILES.messages;
  const seen = new Set<string>();
  const outgoing = new Set<string>();
  for (const batch of await rowChecks) for (const check of batch) {
    const { line } = check;
    if (check.error !== undefined || check.id === undefined || !check.hash) {
      sink.badLine(msgFile, line, check.error ?? 'not a message row');
      continue;
    }
    stats.messages++;
    const row = { id: check.id };
    if (seen.has(check.id)) {
      sink.finding({ code: FindingCode.DUPLICATE_ROW, file: msgFile, line, row });
      continue;
    }
    seen.add(check.id);
    if (check.direction === 'OUT') outgoing.add(check.id);
    const direction = check.direction === 'OUT' ? 'sent' : 'received';
    const hash = check.hash;
    const logged = envelopes.get(check.id) ?? [];
    const match = logged.find((l) => l.direction === direction && hashEqual(l.hash, hash));
    if (!match) {
      const detail = !logged.length
        ? 'no envelope with this id in the log'
        : logged.some((l) => hashEqual(l.hash, hash))
          ? `logged as ${logged[0].direction}`
          : `the signed bytes are not the logged ones (leaf ${logged.map((l) => l.index).join(', ')})`;
      sink.finding({ code: FindingCode.ROW_NOT_LOGGED, file: msgFile, line, row, detail });
    } else {
      for (const l of logged) if (hashEqual(l.hash, hash)) l.hasRow = true;
    }
    if (check.undecodable) {
      sink.finding({ code: FindingCode.ROW_MISMATCH, file: msgFile, line, row, field: 'signed', detail: 'not a signed envelope' });
      continue;
    }
    for (const field of check.diffs ?? []) sink.finding({ code: FindingCode.ROW_MISMATCH, file: msgFile, line, row, field });
  }
  for (const [id, list] of envelopes)
    for (const l of list) if (!l.hasRow && !seen.has(id)) sink.finding({ code: FindingCode.MISSING_ROW, file: msgFile, row: { id, index: l.index } });

  // 4. Recipient statuses of sent messages against the signed receipts received.
  const rcpFile = EXPORT_FILES.receipts;
  const statuses = new Map<string, { status: string; line: number }>();
  const byKey = new Map<string, LoggedReceipt[]>();
  for (const r of receipts) {
    const k = `${r.messageId}\n${r.unit}`;
    byKey.set(k, [...(byKey.get(k) ?? []), r]);
  }
  for await (const batch of jsonLines(file('receipts'))) for (const { line, value, error } of batch) {
    if (!value || typeof value.message_id !== 'string' || typeof value.unit_id !== 'string' || typeof value.status !== 'string') {
      sink.badLine(rcpFile, line, error ?? 'a recipient row needs "message_id", "unit_id" and "status"');
      continue;
    }
    stats.recipientRows++;
    const k = `${value.message_id}\n${value.unit_id}`;
    const row = { message_id: value.message_id, unit_id: value.unit_id };
    if (statuses.has(k)) {
      sink.finding({ code: FindingCode.DUPLICATE_ROW, file: rcpFile, line, row });
      continue;
    }
    statuses.set(k, { status: value.status, line });
    if (!outgoing.has(value.message_id)) continue; // statuses of received messages are the node's own
    const logged = byKey.get(k) ?? [];
    if (value.status === 'DELIVERED' || value.status === 'READ') {
      const what = value.status === 'READ' ? 'read' : 'delivered';
      const backing = logged.filter((r) => r.what === what);
      if (!backing.length) {
        sink.finding({ code: FindingCode.STATUS_WITHOUT_RECEIPT, file: rcpFile, line, row, detail: value.status });
        continue;
      }
      if (what === 'read') {
        if (!backing.some((r) => r.reader === value.read_by)) sink.finding({ code: FindingCode.ROW_MISMATCH, file: rcpFile, line, row, field: 'read_by' });
        if (!backing.some((r) => sameInstant(value.read_at, r.at))) sink.finding({ code: FindingCode.ROW_MISMATCH, file: rcpFile, line, row, field: 'read_at' });
      } else if (!backing.some((r) => sameInstant(value.delivered_at, r.at))) {
        sink.finding({ code: FindingCode.ROW_MISMATCH, file: rcpFile, line, row, field: 'delivered_at' });
      }
    }
  }
  const reflects: Record<LoggedReceipt['what'], string[]> = { delivered: ['DELIVERED', 'READ'], read: ['READ'], rejected: ['DEAD_LETTERED'] };
  for (const r of receipts) {
    const s = statuses.get(`${r.messageId}\n${r.unit}`);
    if (!s || !reflects[r.what].includes(s.status))
      sink.finding({
        code: FindingCode.RECEIPT_NOT_REFLECTED,
        file: rcpFile,
        line: s?.line,
        row: { message_id: r.messageId, unit_id: r.unit, leaf: r.index },
        detail: s ? `${r.what} receipt, status ${s.status}` : `${r.what} receipt, no row`,
      });
  }
  return stats;
}

