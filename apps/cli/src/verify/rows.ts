import { createReadStream } from 'node:fs';
import type { Timestamp } from '@bufbuild/protobuf/wkt';
import { Classification, kindName } from '@shekara/contracts';
import { hashLeaf } from '@shekara/tlog';
import { envelopeView, type EnvelopeView } from './envelope-view';

/** Reading the export's JSON lines, and checking message rows against their signed bytes. */
export type Json = Record<string, unknown>;

export interface Line {
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
export async function* jsonLines(path: string): AsyncIterable<Line[]> {
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
export function jsonEqual(a: unknown, b: unknown): boolean {
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

/**
 * Entries and signed bytes are decoded leniently (no re-encoding check): what counts is the bytes'
 * hash, and any other bytes than the logged ones show as a mismatch anyway.
 */
export function base64Bytes(s: string): Uint8Array | undefined {
  if (s.length % 4 !== 0) return undefined;
  return Buffer.from(s, 'base64');
}

/** A message row checked on its own: its hash and the columns that differ from its signed bytes. */
export interface RowCheck {
  line: number;
  /** The line is not a message row (bad input). */
  error?: string;
  id?: string;
  direction?: 'OUT' | 'IN';
  hash?: Uint8Array;
  /** The signed bytes are not a signed envelope. */
  undecodable?: boolean;
  diffs?: string[];
}

export function checkRow({ line, value, error }: Line): RowCheck {
  const signed = typeof value?.signed === 'string' ? base64Bytes(value.signed) : undefined;
  if (!value || typeof value.id !== 'string' || !signed || (value.direction !== 'OUT' && value.direction !== 'IN')) {
    return { line, error: error ?? 'a message row needs "id", "direction" (OUT|IN) and a base64 "signed"' };
  }
  const base = { line, id: value.id, direction: value.direction, hash: hashLeaf(signed) } as const;
  let env: EnvelopeView;
  try {
    env = envelopeView(signed);
  } catch {
    return { ...base, undecodable: true, diffs: [] };
  }
  return { ...base, diffs: rowDifferences(value, env) };
}

/** The message rows of a file, checked a chunk at a time. */
export async function* checkMessageRows(path: string): AsyncIterable<RowCheck[]> {
  for await (const batch of jsonLines(path)) yield batch.map(checkRow);
}
