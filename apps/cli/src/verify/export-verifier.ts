import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Timestamp } from '@bufbuild/protobuf/wkt';
import { Classification, DeliveryOutcome, kindName } from '@shekara/contracts';
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

type Json = Record<string, unknown>;

interface Line {
  line: number;
  value: Json | undefined;
  error?: string;
}

function parseLine(line: number, text: string): Line {
  try {
    const v: unknown = JSON.parse(text);
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return { line, value: undefined, error: 'not a JSON object' };
    return { line, value: v as Json };
  } catch (e) {
    return { line, value: undefined, error: `not JSON: ${(e as Error).message}` };
  }
}

/** The JSON lines of a file, a chunk (about 1 MiB) at a time; blank lines skipped, numbers 1-based. */
async function* jsonLines(path: string): AsyncIterable<Line[]> {
  let rest = '';
  let n = 0;
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const text = rest + (chunk as string);
    const parts = text.split('\n');
    rest = parts.pop()!;
    const out: Line[] = [];
    for (const part of parts) {
      n++;
      const t = part.endsWith('\r') ? part.slice(0, -1) : part;
      if (t.trim() !== '') out.push(parseLine(n, t));
    }
    yield out;
  }
  if (rest.trim() !== '') yield [parseLine(n + 1, rest)];
}

function policyOf(manifest: Json, trust: TrustOverride): LogPolicy {
  if (manifest.format !== EXPORT_FORMAT) throw new ExportInputError(`manifest format is not ${EXPORT_FORMAT}`);
  if (typeof manifest.origin !== 'string' || !manifest.origin) throw new ExportInputError('manifest has no origin');
  const logKey = trust.logKey ?? manifest.log_key;
  const witnesses = trust.witnesses ?? manifest.witnesses;
  const quorum = trust.quorum ?? manifest.quorum;
  if (typeof logKey !== 'string') throw new ExportInputError('no log key');
  if (!Array.isArray(witnesses) || witnesses.some((w) => typeof w !== 'string')) throw new ExportInputError('witnesses must be a list of verifier keys');
  if (typeof quorum !== 'number' || !Number.isInteger(quorum) || quorum < 0 || quorum > witnesses.length) throw new ExportInputError(`quorum must be an integer from 0 to the number of witnesses (${witnesses.length})`);
  try {
    if (parseVerifierKey(logKey).type !== SIG_TYPE_ED25519) throw new ExportInputError('the log key must be an Ed25519 (type 0x01) verifier key');
    for (const w of witnesses as string[]) if (parseVerifierKey(w).type !== SIG_TYPE_COSIGNATURE_V1) throw new ExportInputError(`witness key ${w.split('+')[0]} must be a cosignature/v1 (type 0x04) verifier key`);
    return { origin: manifest.origin, log: [verifierFromKey(logKey)], witnesses: (witnesses as string[]).map(verifierFromKey), quorum };
  } catch (e) {
    if (e instanceof TlogError) throw new ExportInputError(e.message);
    throw e;
  }
}

const MS_ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const ANY_ISO = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:?\d\d)$/;

/** Whether a stored instant (ISO text, any sub-second precision up to µs) is the signed timestamp. */
export function sameInstant(stored: unknown, ts: Timestamp | undefined): boolean {
  if (!ts) return stored === null || stored === undefined;
  if (typeof stored !== 'string') return false;
  if (stored.length === 24 && MS_ISO.test(stored)) {
    // The common form (millisecond precision, UTC): compared in milliseconds, truncating the signed one.
    return Date.parse(stored) === Number(ts.seconds) * 1000 + Math.floor(ts.nanos / 1e6);
  }
  const m = ANY_ISO.exec(stored);
  if (!m) return false;
  const base = Date.parse(m[1] + m[3]);
  if (Number.isNaN(base)) return false;
  const frac = (m[2] ?? '').slice(0, 6);
  const row = BigInt(base) * 1000n + BigInt(frac.padEnd(6, '0'));
  const signed = ts.seconds * 1_000_000n + BigInt(Math.floor(ts.nanos / 1000));
  const unit = 10n ** BigInt(6 - frac.length);
  return row === signed - (((signed % unit) + unit) % unit);
}

/** JSON values equal regardless of key order. */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => jsonEqual(x, bb[i]));
  }
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (!Object.prototype.hasOwnProperty.call(b, k) || !jsonEqual((a as Json)[k], (b as Json)[k])) return false;
  return true;
}

/** The columns of a message row that must equal what its signed envelope says. */
export function rowDifferences(row: Json, env: EnvelopeView): string[] {
  const out: string[] = [];
  const eq = (field: string, ok: boolean) => ok || out.push(field);
  eq('id', row.id === env.messageId);
  eq('kind', row.kind === kindName(env.kind));
  eq('sender_unit', row.sender_unit === env.senderUnit);
  eq('recipient_units', jsonEqual(row.recipient_units, env.recipientUnits));
  eq('correlation_id', row.correlation_id === env.correlationId);
  eq('classification', row.classification === (Classification[env.classification] ?? 'UNCLASSIFIED'));
  eq('created_at', sameInstant(row.created_at, env.createdAt));
  eq('reported_at', sameInstant(row.reported_at, env.reportedAt));
  let payload: unknown;
  try {
    payload = env.payloadJson();
  } catch {
    payload = undefined;
  }
  const key = env.payloadCase;
  eq('payload', key !== undefined && payload !== undefined && jsonEqual(row.payload, { [key]: payload }));
  return out;
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

/**
 * Entries and signed bytes are decoded leniently (no re-encoding check): what counts is the bytes'
 * hash, and any other bytes than the logged ones show as a mismatch anyway.
 */
function base64Bytes(s: string): Uint8Array | undefined {
  if (s.length % 4 !== 0) return undefined;
  return Buffer.from(s, 'base64');
}

async function requireFile(path: string): Promise<void> {
  try {
    if (!(await stat(path)).isFile()) throw new Error('not a file');
  } catch (e) {
    throw new ExportInputError(`cannot read ${path}: ${(e as Error).message}`);
  }
}

/**
 * Verifies a log export (see libs/tlog/src/export-format.ts): checkpoints (log signature,
 * cosignature quorum, forks), the leaves against every checkpoint (recomputing the tree, which
 * proves the inclusion of every leaf a checkpoint covers and the consistency of all checkpoints
 * with each other), each leaf against its label, and the stored rows against the signed bytes in
 * the log. Findings and bad lines go to the sink as they are found; throws ExportInputError when
 * the export cannot be verified at all.
 */
export async function verifyExport(dir: string, trust: TrustOverride, sink: VerifySink): Promise<VerifyStats> {
  const file = (name: keyof typeof EXPORT_FILES) => join(dir, EXPORT_FILES[name]);
  for (const name of Object.keys(EXPORT_FILES) as Array<keyof typeof EXPORT_FILES>) await requireFile(file(name));
  let manifest: Json;
  try {
    manifest = JSON.parse(await readFile(file('manifest'), 'utf8')) as Json;
  } catch (e) {
    throw new ExportInputError(`${EXPORT_FILES.manifest} is not JSON: ${(e as Error).message}`);
  }
  const policy = policyOf(manifest, trust);
  const stats: VerifyStats = { leaves: 0, checkpoints: 0, coveredSize: 0, messages: 0, recipientRows: 0 };

  // 1. Checkpoints: every one the log signed is kept for the fork and leaf checks; only those with
  // the quorum are trusted to cover leaves.
  const bySize = new Map<number, Array<{ root: Hash; line: number; trusted: boolean }>>();
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
        sink.finding({ code: FindingCode.QUORUM_NOT_MET, file: cpFile, line, row, detail: e.detail });
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
    if (!isReceipt) {
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
  if (range.size > 0 && stats.coveredSize === 0) sink.finding({ code: FindingCode.NO_TRUSTED_CHECKPOINT, file: EXPORT_FILES.checkpoints });
  else if (stats.coveredSize < range.size)
    sink.finding({ code: FindingCode.NOT_COVERED, file: leafFile, row: { from: stats.coveredSize, to: range.size - 1 }, detail: `${range.size - stats.coveredSize} leaves after the last trusted checkpoint of size ${stats.coveredSize}` });

  // 3. Message rows against the signed envelopes in the log.
  const msgFile = EXPORT_FILES.messages;
  const seen = new Set<string>();
  const outgoing = new Set<string>();
  for await (const batch of jsonLines(file('messages'))) for (const { line, value, error } of batch) {
    const signed = typeof value?.signed === 'string' ? base64Bytes(value.signed) : undefined;
    if (!value || typeof value.id !== 'string' || !signed || (value.direction !== 'OUT' && value.direction !== 'IN')) {
      sink.badLine(msgFile, line, error ?? 'a message row needs "id", "direction" (OUT|IN) and a base64 "signed"');
      continue;
    }
    stats.messages++;
    const row = { id: value.id };
    if (seen.has(value.id)) {
      sink.finding({ code: FindingCode.DUPLICATE_ROW, file: msgFile, line, row });
      continue;
    }
    seen.add(value.id);
    if (value.direction === 'OUT') outgoing.add(value.id);
    const direction = value.direction === 'OUT' ? 'sent' : 'received';
    const hash = hashLeaf(signed);
    const logged = envelopes.get(value.id) ?? [];
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
    let env: EnvelopeView;
    try {
      env = envelopeView(signed);
    } catch {
      sink.finding({ code: FindingCode.ROW_MISMATCH, file: msgFile, line, row, field: 'signed', detail: 'not a signed envelope' });
      continue;
    }
    for (const field of rowDifferences(value, env)) sink.finding({ code: FindingCode.ROW_MISMATCH, file: msgFile, line, row, field });
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

