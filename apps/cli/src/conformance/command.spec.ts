import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeadLetterHeader, RpcHeader } from '@shekara/messaging';
import { DeadLetterReason, DeliveryOutcome } from '@shekara/contracts';
import { ConformanceUsageError, judge, liveCases, parseConformanceArgs } from './command';
import { ENVELOPE_CASES } from './cases';

const caseOf = (name: string) => ENVELOPE_CASES.find((c) => c.name === name)!;
const sent = (name: string, extra: Partial<Parameters<typeof judge>[0]> = {}) => ({ c: caseOf(name), messageId: 'm', stream: 'S', seq: 1, receipts: [], ...extra });
const R = 'interior.l1.KZ';

describe('conformance: judging a case', () => {
  it('an accepted case needs a DELIVERED receipt from the recipient and no dead letter', () => {
    expect(judge(sent('single-signature', { receipts: [{ outcome: DeliveryOutcome.DELIVERED, reason: '', from: R }] }), R)).toBeUndefined();
    expect(judge(sent('single-signature'), R)).toBe('no signed DELIVERED receipt');
    expect(judge(sent('single-signature', { receipts: [{ outcome: DeliveryOutcome.DELIVERED, reason: '', from: 'interior.l2.X' }] }), R)).toMatch(/no DELIVERED from/);
    expect(judge(sent('single-signature', { deadLetter: 'schema: x', receipts: [{ outcome: DeliveryOutcome.DELIVERED, reason: '', from: R }] }), R)).toMatch(/dead-lettered/);
  });

  it('a refused case needs its dead letter with the expected code', () => {
    expect(judge(sent('flipped-signature-bit', { deadLetter: 'bad signature: x' }), R)).toBeUndefined();
    expect(judge(sent('flipped-signature-bit'), R)).toBe('not dead-lettered');
    expect(judge(sent('flipped-signature-bit', { deadLetter: 'schema: x' }), R)).toMatch(/dead-lettered as/);
  });

  it('an origin refusal must not be answered; a schema refusal must be, with its code', () => {
    expect(judge(sent('flipped-signature-bit', { deadLetter: 'bad signature: x', receipts: [{ outcome: DeliveryOutcome.REJECTED, reason: 'bad signature: x', from: R }] }), R)).toMatch(/answered with a receipt/);
    expect(judge(sent('empty-summary', { deadLetter: 'schema: x' }), R)).toBe('no signed REJECTED receipt');
    expect(judge(sent('empty-summary', { deadLetter: 'schema: x', receipts: [{ outcome: DeliveryOutcome.REJECTED, reason: 'clock skew: y', from: R }] }), R)).toMatch(/REJECTED for/);
    expect(judge(sent('empty-summary', { deadLetter: 'schema: x', receipts: [{ outcome: DeliveryOutcome.REJECTED, reason: 'schema: x', from: R }] }), R)).toBeUndefined();
  });

  it('the live run skips only the cases needing an operator key state, and says so', () => {
    const { run, skipped } = liveCases(true);
    expect(skipped.map((s) => s.c.expect).sort()).toEqual([DeadLetterReason.ExpiredKey, DeadLetterReason.KeyNotYetValid, DeadLetterReason.RevokedKey].sort());
    expect(run.length + skipped.length).toBe(ENVELOPE_CASES.length);
  });
});

describe('conformance: arguments', () => {
  const base = ['--node', 'http://127.0.0.1:1', '--user', 'a', '--password', 'p', '--agency', 'interior', '--nats', 'nats://x', '--as', 'border', '--keys', 'k', '--directory', 'd'];
  it('takes the required options and defaults the rest', () => {
    expect(parseConformanceArgs(base)).toMatchObject({ node: 'http://127.0.0.1:1', agency: 'interior', as: 'border', prefix: 'shekara', timeoutMs: 15000 });
    expect(parseConformanceArgs(['--help'])).toBe('help');
  });
  it.each([
    [['--node', 'x'], /--node must be an http/],
    [['--agency', 'police'], /--agency must be one of/],
    [['--as', 'interior'], /another agency/],
    [['--timeout-ms', '5'], /--timeout-ms/],
    [['--bogus', '1'], /unknown option --bogus/],
    [['--keys'], /--keys needs a value/],
  ])('refuses %j', (extra, message) => {
    expect(() => parseConformanceArgs([...base, ...extra])).toThrow(ConformanceUsageError);
    expect(() => parseConformanceArgs([...base, ...extra])).toThrow(message);
  });
  it('says it in Russian with --lang ru', () => {
    let error: unknown;
    try {
      parseConformanceArgs([...base, '--lang', 'ru', '--as', 'interior']);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConformanceUsageError);
    expect((error as ConformanceUsageError).render('ru')).toBe('--as: другое ведомство, не то, что в --agency');
    expect(() => parseConformanceArgs([...base, '--lang', 'de'])).toThrow('--lang must be en or ru');
  });
});

describe('docs/protocol.md names every header the bus code sets', () => {
  const doc = readFileSync(join(__dirname, '../../../../docs/protocol.md'), 'utf8');
  it.each([...Object.values(DeadLetterHeader), ...Object.values(RpcHeader), 'Nats-Msg-Id'])('%s', (header) => {
    const short = header.replace(/^Shekara-Original-(Stream|Seq)$/, '-$1');
    expect(doc.includes(`\`${header}\``) || doc.includes(`\`${short}\``)).toBe(true);
  });
});
