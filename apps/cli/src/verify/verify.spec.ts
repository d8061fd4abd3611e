import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import fc from 'fast-check';
import { Classification, EnvelopeSchema, MessageKind, UrgentSchema, encodeEnvelope, encodeSigned } from '@shekara/contracts';
import { UsageError } from '../audit/args';
import { main } from '../main';
import { parseVerifyArgs } from './args';
import { decodedEnvelopeView, envelopeView, type EnvelopeView } from './envelope-view';
import { verifyExport } from './export-verifier';
import type { Finding } from './findings';
import { rowDifferences, sameInstant } from './rows';

const FIXTURE = path.resolve(__dirname, '../../../../test/fixtures/verify/ok/honest');
const lines = (file: string) => readFileSync(path.join(FIXTURE, file), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

const plain = (v: EnvelopeView) => ({
  messageId: v.messageId,
  correlationId: v.correlationId,
  kind: v.kind,
  senderUnit: v.senderUnit,
  recipientUnits: v.recipientUnits,
  createdAt: v.createdAt && { seconds: String(v.createdAt.seconds), nanos: v.createdAt.nanos },
  reportedAt: v.reportedAt && { seconds: String(v.reportedAt.seconds), nanos: v.reportedAt.nanos },
  classification: v.classification,
  payloadCase: v.payloadCase,
  payloadJson: v.payloadJson(),
  delivery: v.deliveryReceipt()?.messageId,
  read: v.readReceipt()?.reader,
});

describe('envelope view', () => {
  it('reads every fixture entry exactly as protobuf-es decodes it', () => {
    for (const l of lines('leaves.jsonl')) {
      const bytes = Buffer.from(l.entry as string, 'base64');
      expect(plain(envelopeView(bytes))).toEqual(plain(decodedEnvelopeView(bytes)));
    }
  });

  it('property: agrees with protobuf-es on random envelopes', () => {
    fc.assert(
      fc.property(fc.string(), fc.array(fc.string(), { maxLength: 3 }), fc.integer({ min: 0, max: 4_000_000_000_000 }), fc.string(), fc.boolean(), (id, to, ms, summary, reported) => {
        const env = create(EnvelopeSchema, {
          messageId: id,
          correlationId: id + 'c',
          kind: MessageKind.URGENT,
          senderUnit: 'int-ura',
          recipientUnits: to,
          createdAt: timestampFromDate(new Date(ms)),
          reportedAt: reported ? timestampFromDate(new Date(ms + 1)) : undefined,
          classification: Classification.UNCLASSIFIED,
          payload: { case: 'urgent', value: create(UrgentSchema, { summary } as never) },
        } as never);
        const bytes = encodeSigned({ envelope: encodeEnvelope(env), keyId: 'k', signature: new Uint8Array(64) });
        expect(plain(envelopeView(bytes))).toEqual(plain(decodedEnvelopeView(bytes)));
      }),
      { numRuns: 200 },
    );
  });

  it('leaves unusual encodings (a field twice: the last wins) to protobuf-es', () => {
    const env = encodeEnvelope(create(EnvelopeSchema, { messageId: 'first', kind: MessageKind.DAILY } as never));
    const twice = Buffer.concat([env, Buffer.from([0x0a, 0x06, ...Buffer.from('second')])]);
    const bytes = encodeSigned({ envelope: twice, keyId: 'k', signature: new Uint8Array(64) });
    expect(envelopeView(bytes).messageId).toBe('second');
    expect(() => envelopeView(Buffer.from([0x0a, 0x05, 0x01]))).toThrow();
  });
});

describe('rows against signed envelopes', () => {
  it('finds no difference in the honest rows, and each edited column', () => {
    for (const row of lines('messages.jsonl')) {
      const view = envelopeView(Buffer.from(row.signed as string, 'base64'));
      expect(rowDifferences(row, view)).toEqual([]);
      expect(rowDifferences({ ...row, sender_unit: 'x' }, view)).toEqual(['sender_unit']);
      expect(rowDifferences({ ...row, recipient_units: [...(row.recipient_units as string[])].reverse().concat('y') }, view)).toEqual(['recipient_units']);
      expect(rowDifferences({ ...row, payload: {} }, view)).toEqual(['payload']);
      expect(rowDifferences({ ...row, created_at: '2020-01-01T00:00:00Z' }, view)).toEqual(['created_at']);
    }
  });

  it('compares instants at the stored precision, up to microseconds', () => {
    const ts = { seconds: 1_764_892_800n, nanos: 123_456_789 } as never;
    expect(sameInstant('2025-12-05T00:00:00.123456+00:00', ts)).toBe(true);
    expect(sameInstant('2025-12-05T05:00:00.123456+05:00', ts)).toBe(true);
    expect(sameInstant('2025-12-05T00:00:00.123Z', ts)).toBe(true);
    expect(sameInstant('2025-12-05T00:00:00.124Z', ts)).toBe(false);
    expect(sameInstant('2025-12-05T00:00:00.123457Z', ts)).toBe(false);
    expect(sameInstant('yesterday', ts)).toBe(false);
    expect(sameInstant(null, undefined)).toBe(true);
    expect(sameInstant(null, ts)).toBe(false);
  });
});

describe('verify arguments', () => {
  it('parses an export verification with pinned keys', () => {
    expect(parseVerifyArgs(['--export', 'd', '--witness-key', 'a', '--witness-key=b', '--quorum', '1', '--lang', 'ru'])).toEqual({
      help: false,
      options: { exportDir: 'd', proof: undefined, entry: undefined, logKey: undefined, witnesses: ['a', 'b'], quorum: 1, lang: 'ru' },
    });
    expect(parseVerifyArgs(['--help'])).toEqual({ help: true });
  });

  it.each([
    [[], '--export or --proof is required'],
    [['--export', 'd', '--proof', 'p'], 'either --export or --proof'],
    [['--proof', 'p'], '--proof needs --entry and --log-key'],
    [['--export', 'd', '--quorum', '-1'], 'non-negative integer'],
    [['--export', 'd', '--lang', 'kk'], '--lang must be ru or en'],
    [['--export'], '--export needs a value'],
    [['--export', 'd', '--export', 'e'], 'given twice'],
    [['--verbose'], 'unknown option --verbose'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseVerifyArgs(argv as string[])).toThrow(UsageError);
    expect(() => parseVerifyArgs(argv as string[])).toThrow(message);
  });
});

describe('verifyExport in this thread (no compiled worker)', () => {
  const ROOT = path.resolve(__dirname, '../../../../test/fixtures/verify');
  const cases = (dir: string) =>
    (JSON.parse(readFileSync(path.join(ROOT, dir, 'cases.json'), 'utf8')) as Array<{ name: string; export: string; exitCode: number; findings: Array<Record<string, unknown>> }>)
      .filter((c) => c.exitCode !== 2)
      .map((c) => [dir, c] as const);

  it.each([...cases('ok'), ...cases('not-ok')])('%s %o', async (dir, c) => {
    const found: Finding[] = [];
    const bad: string[] = [];
    await verifyExport(path.join(ROOT, dir, c.export), {}, { finding: (f) => found.push(f), badLine: (f, l, r) => bad.push(`${f}:${l} ${r}`) });
    expect(bad).toEqual([]);
    expect(found.map((f) => Object.fromEntries(Object.entries(f).filter(([k]) => ['code', 'file', 'line', 'row', 'field'].includes(k))))).toEqual(c.findings);
  });
});

describe('the verify command in the CLI', () => {
  it('is listed and has its own help', async () => {
    const run = async (argv: string[]) => {
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      let out = '';
      let err = '';
      stdout.on('data', (c: Buffer) => (out += c.toString()));
      stderr.on('data', (c: Buffer) => (err += c.toString()));
      const code = await main(argv, { stdout, stderr, now: () => new Date('2026-12-04T00:00:00Z') });
      return { code, out, err };
    };
    expect((await run(['--help'])).out).toContain('verify   verify a node');
    expect(await run(['verify', '--help'])).toMatchObject({ code: 0, out: expect.stringContaining('Usage: shekara verify --export DIR') });
    expect(await run(['verify', '--export', path.join(FIXTURE, '..', '..', 'not-ok', 'message-forged')])).toMatchObject({ code: 1, out: expect.stringContaining('"code":"ROW_NOT_LOGGED"') });
  });
});
