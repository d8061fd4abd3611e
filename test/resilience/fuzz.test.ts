import fc from 'fast-check';
import { create, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { SystemClock, uuidv7 } from '@shekara/common';
import { Classification, EnvelopeSchema, MessageKind, SignedEnvelopeSchema, decodeEnvelope } from '@shekara/contracts';
import { loadAgencyKeys, loadDirectory } from '@shekara/directory';
import { UnitSigner } from '@shekara/security';
import { okFixtures } from '../exchange/fixtures';
import { BORDER, CUSTOMS, FAST_RECOVERY, INTERIOR, ProcSystem, sleep, waitFor } from './support';

jest.setTimeout(240_000);

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const HTTP_RUNS = Number(process.env.FUZZ_HTTP_RUNS ?? 250);
const BUS_RUNS = Number(process.env.FUZZ_BUS_RUNS ?? 200);

// ---------------------------------------------------------------------------------------------
// HTTP: SendMessageRequest bodies from the valid fixtures, mutated

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = Array<string | number>;

function pathsOf(v: Json, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...pathsOf(x, [...prefix, i])));
  else if (v && typeof v === 'object') for (const k of Object.keys(v)) out.push(...pathsOf(v[k], [...prefix, k]));
  return out;
}
function parentOf(root: Json, path: Path): any {
  let cur: any = root;
  for (const p of path.slice(0, -1)) cur = cur?.[p];
  return cur;
}

const interesting = fc.constantFrom<Json>(
  '', ' ', 'x'.repeat(5000), '2026-02-30T00:00:00Z', '2026-13-01', '1970-01-01T00:00:00Z', '9999-12-31T23:59:59Z', 'not-a-uuid',
  '019cacd1-5b1f-7c3d-9e4f-0a1b2c3d4e5f', 'CLASSIFICATION_SECRET', 'CLASSIFICATION_UNSPECIFIED', 'URGENT_TOPIC_UNSPECIFIED',
  'interior.l1.KZ', 'customs.l5.CP-CN-A-01', 'border.l4.CP-CN-A-01', '\u0000', '\ud800', '<script>alert(1)</script>', "'; DROP TABLE messages; --",
  -1, 0, 2 ** 31, 2 ** 53, -(2 ** 63), 1e308, 0.5, true, false, null, [], {}, [null], ['interior.l4.CP-CN-A-01', 'interior.l4.CP-CN-A-01'],
);
const value: fc.Arbitrary<Json> = fc.oneof(interesting, fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>, fc.string({ maxLength: 40 }), fc.integer());
const key = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'daily', 'urgent', 'id', 'createdBy'));

type Mutation =
  | { op: 'set'; pick: number; value: Json }
  | { op: 'delete'; pick: number }
  | { op: 'unknown'; pick: number; key: string; value: Json }
  | { op: 'huge'; pick: number; size: number }
  | { op: 'whole'; value: Json }
  | { op: 'raw'; text: string }
  | { op: 'truncate'; cut: number }
  | { op: 'contentType'; type: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('set' as const), pick: fc.nat(), value }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('unknown' as const), pick: fc.nat(), key, value }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('huge' as const), pick: fc.nat(), size: fc.constantFrom(300, 3_000, 40_000, 300_000) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('whole' as const), value: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json> }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('raw' as const), text: fc.string({ maxLength: 200 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate' as const), cut: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('contentType' as const), type: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'application/json; charset=latin1', 'multipart/form-data') }) },
);

interface Request {
  raw: string;
  contentType: string;
}

/** Applies the mutations to a copy of the fixture; returns the bytes to send. */
function build(fixture: Json, muts: Mutation[]): Request {
  let body: Json = structuredClone(fixture);
  let raw: string | undefined;
  let contentType = 'application/json';
  for (const m of muts) {
    const paths = pathsOf(body).filter((p) => p.length > 0);
    const path = paths.length ? paths[('pick' in m ? m.pick : 0) % paths.length] : undefined;
    switch (m.op) {
      case 'set':
        if (path) parentOf(body, path)[path[path.length - 1]] = m.value;
        break;
      case 'delete':
        if (path) {
          const parent = parentOf(body, path);
          if (Array.isArray(parent)) parent.splice(path[path.length - 1] as number, 1);
          else if (parent && typeof parent === 'object') delete parent[path[path.length - 1]];
        }
        break;
      case 'unknown': {
        const objs = pathsOf(body).filter((p) => {
          const v = p.length ? parentOf(body, p)?.[p[p.length - 1]] : body;
          return v && typeof v === 'object' && !Array.isArray(v);
        });
        // Only into an object: a key on an array (the body may have become one) would not be sent, and
        // an own "constructor" there breaks the array methods of the next mutation.
        if (!objs.length) break;
        const p = objs[m.pick % objs.length];
        const target = p.length ? parentOf(body, p)[p[p.length - 1]] : body;
        if (target && typeof target === 'object') Object.defineProperty(target, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
        break;
      }
      case 'huge':
        if (path) parentOf(body, path)[path[path.length - 1]] = 'Ж'.repeat(m.size);
        break;
      case 'whole':
        body = m.value;
        break;
      case 'raw':
        raw = m.text;
        break;
      case 'truncate': {
        const text = raw ?? JSON.stringify(body);
        raw = text.slice(0, m.cut % Math.max(1, text.length));
        break;
      }
      case 'contentType':
        contentType = m.type;
        break;
    }
  }
  return { raw: raw ?? JSON.stringify(body), contentType };
}

// ---------------------------------------------------------------------------------------------
// Bus: SignedEnvelopes published straight to the recipient's inbox subject

type BusCase =
  | { kind: 'good' }
  | { kind: 'good-twice' }
  | { kind: 'random'; bytes: Uint8Array }
  | { kind: 'truncated'; cut: number }
  | { kind: 'flip-envelope'; at: number; bit: number }
  | { kind: 'flip-signature'; at: number; bit: number }
  | { kind: 'unknown-key'; keyId: string }
  | { kind: 'bad-envelope'; defect: 'no-recipients' | 'not-for-interior' | 'claims-other-sender' | 'no-payload' | 'bad-id' | 'no-created-at' | 'garbage-envelope' };

const busCase: fc.Arbitrary<BusCase> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'good' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'good-twice' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('random' as const), bytes: fc.uint8Array({ maxLength: 600 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncated' as const), cut: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('flip-envelope' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('flip-signature' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('unknown-key' as const), keyId: fc.string({ maxLength: 30 }) }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('bad-envelope' as const), defect: fc.constantFrom('no-recipients' as const, 'not-for-interior' as const, 'claims-other-sender' as const, 'no-payload' as const, 'no-created-at' as const, 'garbage-envelope' as const) }),
  },
);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** True when the envelope bytes parse and carry a UUID message id (or do not parse at all). */
function hasUuidId(bytes: Uint8Array): boolean {
  try {
    return UUID.test(decodeEnvelope(bytes).messageId);
  } catch {
    return true;
  }
}

describe('bad input at volume (property-based fuzz)', () => {
  const sys = new ProcSystem();
  let token: string;
  let nc: NatsConnection;

  beforeAll(async () => {
    await sys.startNodes();
    token = await sys.login('border');
    // Border's node identity: what it publishes reaches interior's inbox as from border.
    nc = await sys.connectAs('border-node');
    console.log(`fuzz seed ${SEED} (FUZZ_SEED=${SEED} to replay)`);
  });
  afterAll(async () => {
    await nc?.close();
    await sys.cleanup();
  });

  /** A JetStream client and envelopes signed with the border section's real key. */
  function busTools() {
    const directory = loadDirectory(sys.files.directoryPath);
    const keys = loadAgencyKeys(sys.files.keyPaths.border, 'border', directory);
    const signer = new UnitSigner([...keys].map(([keyId, privateKey]) => ({ keyId, privateKey, unitId: directory.keyOwner(keyId) })));
    const clock = new SystemClock();
    const js = jetstream(nc);
    const subject = sys.names.inboxFrom('interior', 'border');

    const envelope = (defect?: string) => {
      const now = new Date();
      const id = defect === 'bad-id' ? 'not-a-uuid' : uuidv7(clock);
      const env = create(EnvelopeSchema, {
        messageId: id,
        correlationId: id,
        kind: MessageKind.DAILY,
        senderUnit: defect === 'claims-other-sender' ? CUSTOMS : BORDER,
        recipientUnits: defect === 'no-recipients' ? [] : defect === 'not-for-interior' ? [CUSTOMS] : [INTERIOR],
        createdAt: defect === 'no-created-at' ? undefined : timestampFromDate(now),
        reportedAt: timestampFromDate(now),
        schemaVersion: 1,
        classification: Classification.FOR_OFFICIAL_USE,
        payload: defect === 'no-payload' ? { case: undefined } : { case: 'daily', value: { summary: 'Bus fuzz report' } },
      } as never);
      const bytes = defect === 'garbage-envelope' ? new Uint8Array([0x0a, 0xff, 0xff, 0x01, 0x02]) : toBinary(EnvelopeSchema, env);
      return { id, bytes };
    };
    const signed = (envBytes: Uint8Array, tweak?: { keyId?: string; signature?: (s: Uint8Array) => void }) => {
      const sig = signer.sign(BORDER, envBytes);
      tweak?.signature?.(sig.signature);
      return toBinary(SignedEnvelopeSchema, create(SignedEnvelopeSchema, { envelope: envBytes, keyId: tweak?.keyId ?? sig.keyId, signature: sig.signature }));
    };
    return { js, subject, envelope, signed, signer };
  }

  it('HTTP API: mutated SendMessageRequest bodies get 201, 400, 403 or 413, never 5xx; exactly the 201s are stored', async () => {
    const fixtures = [...okFixtures().values()].map((b) => ({ ...b, senderUnit: BORDER, recipientUnits: [INTERIOR, CUSTOMS] }) as Json);
    const outCount = async () => (await sys.sql<{ n: number }>('border', `SELECT count(*)::int AS n FROM messages WHERE direction = 'OUT'`))[0].n;
    const before = await outCount();
    const statuses: Record<number, number> = {};
    const acceptedIds = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...fixtures), fc.array(mutation, { minLength: 0, maxLength: 3 }), async (fixture, muts) => {
        const req = build(fixture, muts);
        const r = await sys.api('border', 'POST', '/api/messages', undefined, token, { raw: req.raw, contentType: req.contentType, timeoutMs: 15_000 });
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
        if (r.status === 201) acceptedIds.add(r.body.id);
        // 415: a charset body-parser cannot decode (a clear 4xx, though without the `code` field of the node's own errors).
        const ok = [201, 400, 403, 413, 415].includes(r.status) && (r.status === 201 ? typeof r.body?.id === 'string' : (typeof r.body?.code === 'string' || r.status === 415) && typeof r.body?.message === 'string');
        if (!ok) throw new Error(`unexpected answer ${r.status} ${JSON.stringify(r.body).slice(0, 500)} to ${req.contentType} ${req.raw.slice(0, 300)}`);
      }),
      { numRuns: HTTP_RUNS, seed: SEED, endOnFailure: true },
    );
    const sent = Object.values(statuses).reduce((a, b) => a + b, 0);
    console.log('HTTP fuzz:', JSON.stringify({ requests: sent, statuses }));
    expect(statuses[201] ?? 0).toBeGreaterThan(0);
    expect((statuses[400] ?? 0) + (statuses[403] ?? 0) + (statuses[413] ?? 0)).toBeGreaterThan(0);
    // Exactly the accepted ones are stored; every rejected one changed nothing.
    expect((await outCount()) - before).toBe(acceptedIds.size);
    expect(acceptedIds.size).toBe(statuses[201] ?? 0);
    expect((await sys.api('border', 'GET', '/health/ready')).status).toBe(200);
    expect(sys.node('border').exits).toEqual([]);
  });

  it('bus: random, truncated, bit-flipped and mis-signed SignedEnvelopes are dead-lettered one for one; good ones stored once; the node keeps running', async () => {
    const { js, subject, envelope, signed, signer } = busTools();

    const good = new Set<string>();
    const counts: Record<string, number> = {};
    let bad = 0;
    const badSeqs = new Map<number, BusCase>();
    await fc.assert(
      fc.asyncProperty(busCase, async (c) => {
        counts[c.kind] = (counts[c.kind] ?? 0) + 1;
        let data: Uint8Array;
        switch (c.kind) {
          case 'good':
          case 'good-twice': {
            const e = envelope();
            data = signed(e.bytes);
            good.add(e.id);
            await js.publish(subject, data);
            if (c.kind === 'good-twice') await js.publish(subject, data); // no Nats-Msg-Id: the inbox dedupes
            return;
          }
          case 'random':
            data = c.bytes;
            break;
          case 'truncated': {
            const full = signed(envelope().bytes);
            data = full.slice(0, c.cut % full.length);
            break;
          }
          case 'flip-envelope': {
            const e = envelope().bytes;
            const sig = signer.sign(BORDER, e);
            const flipped = e.slice();
            flipped[c.at % flipped.length] ^= 1 << c.bit;
            if (!hasUuidId(flipped)) {
              // A flip inside the message id: see the non-UUID message id test below.
              counts['skipped: flip made the id a non-UUID'] = (counts['skipped: flip made the id a non-UUID'] ?? 0) + 1;
              return;
            }
            data = toBinary(SignedEnvelopeSchema, create(SignedEnvelopeSchema, { envelope: flipped, keyId: sig.keyId, signature: sig.signature }));
            break;
          }
          case 'flip-signature':
            data = signed(envelope().bytes, { signature: (s) => void (s[c.at % s.length] ^= 1 << c.bit) });
            break;
          case 'unknown-key':
            data = signed(envelope().bytes, { keyId: `nope-${c.keyId}` });
            break;
          case 'bad-envelope':
            data = signed(envelope(c.defect).bytes);
            break;
        }
        bad++;
        const ack = await js.publish(subject, data);
        badSeqs.set(ack.seq, c);
      }),
      { numRuns: BUS_RUNS, seed: SEED },
    );

    const dead = () => sys.sql<{ n: number }>('interior', `SELECT count(*)::int AS n FROM dead_letters WHERE subject = $1`, [subject]);
    const stored = () => sys.sql<{ id: string }>('interior', `SELECT id FROM messages WHERE direction = 'IN' AND id = ANY($1::uuid[])`, [[...good]]);
    let last = '';
    await waitFor(async () => {
      const [{ n }] = await dead();
      const s = await stored();
      last = JSON.stringify({ deadLetters: n, bad, stored: s.length, good: good.size });
      return n >= bad && s.length >= good.size;
    }, 60_000, 'every bad message dead-lettered and every good one stored', 500).catch(async (e) => {
      const seqs = new Set((await sys.sql<{ seq: string }>('interior', `SELECT original_seq::text AS seq FROM dead_letters WHERE subject = $1`, [subject])).map((r) => Number(r.seq)));
      const missing = [...badSeqs].filter(([seq]) => !seqs.has(seq)).map(([seq, c]) => ({ seq, ...c, bytes: c.kind === 'random' ? Buffer.from(c.bytes).toString('hex') : undefined }));
      const [info] = await sys.sql('interior', `SELECT (SELECT count(*) FROM messages WHERE direction = 'IN')::int AS inbound`);
      throw new Error(`${(e as Error).message} (${last})\nnot dead-lettered: ${JSON.stringify(missing)}\n${JSON.stringify(info)}\n${sys.grepLog('interior', /warn|error|fatal/).slice(-40).join('\n')}`);
    });
    console.log('bus fuzz:', JSON.stringify({ published: counts, bad, good: good.size }));
    expect((await dead())[0].n).toBe(bad);
    expect((await stored()).length).toBe(good.size);
    const reasons = await sys.sql<{ reason: string }>('interior', `SELECT reason FROM dead_letters WHERE subject = $1`, [subject]);
    expect(reasons.filter((r) => !r.reason || r.reason === 'unknown')).toEqual([]);
    expect((await sys.api('interior', 'GET', '/health/ready')).status).toBe(200);
    expect(sys.node('interior').exits).toEqual([]);
  });

  /** The number of times the interior node's transport dead-lettered stream sequence `seq` (its log). */
  const deadLetteredTimes = (seq: number) => sys.grepLog('interior', /"msg":"message dead-lettered"/).filter((l) => l.includes(`"seq":${seq},`)).length;

  // Regression: a dead letter claiming a non-UUID message id once failed to be recorded (the id went
  // into uuid columns), so the DLQ consumer retried it for ever and operators never saw it.
  it('a signed message whose envelope carries a non-UUID message id is recorded in dead_letters', async () => {
    const { js, subject, envelope, signed } = busTools();
    const ack = await js.publish(subject, signed(envelope('bad-id').bytes));
    await waitFor(async () => deadLetteredTimes(ack.seq) > 0, 20_000, 'the transport to dead-letter it');
    const row = () => sys.sql('interior', `SELECT reason FROM dead_letters WHERE subject = $1 AND original_seq = $2`, [subject, ack.seq]);
    await waitFor(async () => (await row()).length > 0, 15_000, 'its dead_letters row').catch(() => undefined);
    const failing = sys.grepLog('interior', /will retry","route":"dead-letter"/).slice(-1);
    const lastDlqHandlerError = failing[0] ? JSON.parse(failing[0]).error : undefined;
    expect({ recorded: (await row()).length, lastDlqHandlerError }).toEqual({ recorded: 1, lastDlqHandlerError: undefined });
  });

  // Regression: nats-server 2.9 ignores "+TERM <reason>" (reasons came with 2.10); a dead-lettered
  // message terminated with a reason stayed un-acked and was redelivered every ack wait, for ever.
  it('a dead-lettered message is terminated once, not redelivered every ack wait', async () => {
    const { js, subject } = busTools();
    const ack = await js.publish(subject, new Uint8Array([0xde, 0xad, 0xbe, 0xef]));
    await waitFor(async () => deadLetteredTimes(ack.seq) > 0, 20_000, 'the transport to dead-letter it');
    await sleep(Number(FAST_RECOVERY.BUS_ACK_WAIT_MS) * 2 + 1500);
    expect({ seq: ack.seq, deadLetteredTimes: deadLetteredTimes(ack.seq) }).toEqual({ seq: ack.seq, deadLetteredTimes: 1 });
  });
});
