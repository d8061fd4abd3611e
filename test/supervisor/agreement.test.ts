/**
 * The ledger and the offline audit agree: a generated journal for a small directory and some days
 * is published as audit events (shuffled, some repeated), and the ledger's verdicts for several
 * ranges equal — record for record, and byte for byte as CSV — what `shekara audit` (apps/cli's
 * own code path) prints for the same journal, range and instant. The ledger's journal export,
 * audited offline, gives the same verdicts again.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { ManualClock } from '@shekara/common';
import { AuditAction } from '@shekara/contracts';
import type { AuditEvent } from '@shekara/contracts';
import type { AuditMessage } from '@shekara/policy';
import { main } from '../../apps/cli/src/main';
import { SupervisorHarness, followUpEvent, journalLine, sentEvent } from './harness';
import { seededRandom } from '@shekara/common';
import { generateJournal } from './journal';

const AS_OF = '2024-03-04T12:00:00.000Z';
const RANGES: Array<[string, string]> = [
  ['2024-02-26', '2024-03-04'],
  ['2024-03-01', '2024-03-01'],
  ['2024-02-29', '2024-02-29'],
  ['2024-03-03', '2024-03-05'],
];

const h = new SupervisorHarness({ clock: new ManualClock(AS_OF) });
const directoryFile = join(h.dir, 'audit.directory.json');
const journalFile = join(h.dir, 'journal.jsonl');
const messages = (() => {
  const d = h.directory!;
  return [
    ...generateJournal(
      d.units.map((u) => ({ id: u.id, level: u.level, zone: u.zone })),
      d.groups.map((g) => ({ members: g.members })),
      { seed: 20240304, from: '2024-02-24', to: '2024-03-05' },
    ),
    ...handovers(d.groups.find((g) => g.level === 4)!.members),
  ];
})();

/**
 * Handover acts (clause 9.6) from a border section to its migration post: answered on time, late
 * (a dispute), unanswered, still pending at AS_OF, and withdrawn in time (no obligation).
 */
function handovers(members: string[]): AuditMessage[] {
  const bor = members.find((m) => m.startsWith('border.'))!;
  const int = members.find((m) => m.startsWith('interior.'))!;
  const H = 3600_000;
  const out: AuditMessage[] = [];
  const act = (id: string, handed: string, items: string[]) => {
    const eventAt = new Date(handed);
    out.push({ id, kind: 'HANDOVER_PROPOSAL', from: bor, to: [int], sentAt: new Date(eventAt.getTime() + 60_000), eventAt, items });
    return eventAt.getTime();
  };
  const step = (id: string, kind: AuditMessage['kind'], actId: string, at: number) =>
    out.push({ id, kind, from: kind === 'HANDOVER_WITHDRAWAL' ? bor : int, to: [kind === 'HANDOVER_WITHDRAWAL' ? int : bor], sentAt: new Date(at), confirms: actId });
  step('hov-1a', 'HANDOVER_ACCEPTANCE', 'hov-1', act('hov-1', '2024-03-01T05:00:00Z', ['person', 'goods']) + H);
  step('hov-2a', 'HANDOVER_DISPUTE', 'hov-2', act('hov-2', '2024-03-01T06:00:00Z', ['goods']) + 30 * H);
  act('hov-3', '2024-03-02T08:00:00Z', ['person']);
  act('hov-4', '2024-03-04T11:00:00Z', ['weapon']);
  step('hov-5w', 'HANDOVER_WITHDRAWAL', 'hov-5', act('hov-5', '2024-02-29T10:00:00Z', ['person']) + H);
  return out;
}

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (c: Buffer) => out.push(c.toString()));
  stderr.on('data', (c: Buffer) => err.push(c.toString()));
  const code = await main(['audit', ...args], { stdout, stderr, now: () => new Date(AS_OF) });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

const auditArgs = (journal: string, [from, to]: [string, string], format = 'jsonl') => ['--directory', directoryFile, '--journal', journal, '--from', from, '--to', to, '--as-of', AS_OF, '--format', format];

async function ledgerVerdicts([from, to]: [string, string]): Promise<{ items: unknown[]; rejected: Array<{ id: string }> }> {
  const items: unknown[] = [];
  let rejected: Array<{ id: string }> = [];
  for (let page = 1; ; page++) {
    const r = await h.get(`/api/verdicts?from=${from}&to=${to}&pageSize=1000&page=${page}`);
    expect(r.status).toBe(200);
    items.push(...r.body.items);
    rejected = r.body.rejected;
    if (items.length >= r.body.total) return { items, rejected };
  }
}

beforeAll(async () => {
  const d = h.directory!;
  writeFileSync(directoryFile, JSON.stringify({ units: d.units.map(({ id, agency, level, zone }) => ({ id, agency, level, zone })), groups: d.groups.map(({ id, level, members }) => ({ id, level, members })) }));
  writeFileSync(journalFile, messages.map(journalLine).join(''));
  await h.start();

  const rand = seededRandom(7);
  const events: AuditEvent[] = [];
  for (const m of messages) {
    events.push(sentEvent(m));
    for (const unit of m.to) {
      if (rand() < 0.5) events.push(followUpEvent(m, AuditAction.RECEIVED, unit, new Date(m.sentAt.getTime() + 1000)));
      if (rand() < 0.5) events.push(followUpEvent(m, AuditAction.DELIVERED, unit, new Date(m.sentAt.getTime() + 2000)));
    }
  }
  for (let i = events.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [events[i], events[j]] = [events[j], events[i]];
  }
  await h.publish(events);
  await h.publish(events.filter(() => rand() < 0.1), { freshMsgIds: true });
  await h.settled(messages.length, events.length, 60_000);
}, 120_000);

afterAll(() => h.cleanup());

it('generates a journal that exercises every verdict', async () => {
  const { stdout } = await cli(auditArgs(journalFile, RANGES[0]));
  const verdicts = new Set(stdout.trim().split('\n').map((l) => `${JSON.parse(l).obligation}:${JSON.parse(l).verdict}`));
  for (const v of ['DAILY:ON_TIME', 'DAILY:LATE', 'DAILY:EARLY', 'DAILY:MISSING', 'MONTHLY:PENDING', 'MONTHLY:ON_TIME', 'SEMIANNUAL:PENDING', 'SEMIANNUAL:ON_TIME', 'URGENT_CONFIRMATION:CONFIRMED_ON_TIME', 'URGENT_CONFIRMATION:CONFIRMED_LATE', 'URGENT_CONFIRMATION:UNCONFIRMED', 'ADVANCE:IN_ADVANCE', 'ADVANCE:LATE', 'HANDOVER_ACCEPTANCE:ACCEPTED_ON_TIME', 'HANDOVER_ACCEPTANCE:ACCEPTED_LATE', 'HANDOVER_ACCEPTANCE:UNANSWERED', 'HANDOVER_ACCEPTANCE:PENDING']) {
    expect(verdicts).toContain(v);
  }
});

describe.each(RANGES)('range %s .. %s', (from, to) => {
  it('gives the same verdicts as the offline audit of the same messages', async () => {
    const offline = await cli(auditArgs(journalFile, [from, to]));
    expect(offline.code).toBe(2); // the confirmation by the wrong unit is refused, by both
    const expected = offline.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const ledger = await ledgerVerdicts([from, to]);
    expect(ledger.items).toHaveLength(expected.length);
    expect(ledger.items).toEqual(expected);
  });

  it('exports the same CSV, byte for byte', async () => {
    const offline = await cli(auditArgs(journalFile, [from, to], 'csv'));
    const csv = await h.get(`/api/verdicts?from=${from}&to=${to}&format=csv`);
    expect(csv.body).toBe(offline.stdout);
  });

  it('serves a journal whose offline audit gives the same verdicts', async () => {
    const r = await h.get(`/api/journal?from=${from}&to=${to}`);
    const file = join(h.dir, `ledger-${from}-${to}.jsonl`);
    writeFileSync(file, r.body as string);
    const fromLedger = await cli(auditArgs(file, [from, to]));
    const full = await cli(auditArgs(journalFile, [from, to]));
    expect(fromLedger.stdout).toBe(full.stdout);
  });
});

it('reports the message the engine refused, as the offline audit does', async () => {
  const offline = await cli(auditArgs(journalFile, RANGES[0]));
  const refused = offline.stderr.trim().split('\n');
  expect(refused).toHaveLength(1);
  const wrong = messages.find((m) => m.kind === 'URGENT_CONFIRMATION' && m.from !== messages.find((u) => u.id === m.confirms)?.from)!;
  expect(refused[0]).toContain(`which was reported by`);
  const { rejected } = await ledgerVerdicts(RANGES[0]);
  expect(rejected).toEqual([{ id: wrong.id, reason: expect.stringContaining('which was reported by') }]);
});
