/**
 * Volume: a month of daily reports for the whole seeded directory (every unit, every day) in the
 * ledger; the month's verdicts, rates and heatmap are listed and their times printed (measured,
 * not asserted: timings depend on the machine). Correctness is asserted: one verdict per ordered
 * pair and day, all ON_TIME.
 */
import { ManualClock } from '@shekara/common';
import { ensureDirectoryFiles } from '@shekara/directory';
import type { DirectoryData } from '@shekara/directory';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zonedTimeToInstant } from '@shekara/policy';
import { SupervisorHarness } from './harness';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

const dir = mkdtempSync(join(tmpdir(), 'shekara-volume-'));
const files = ensureDirectoryFiles(dir);
// The directory's content: the file is the signed document that carries it.
const directory = (JSON.parse(readFileSync(files.directoryPath, 'utf8')) as { directory: DirectoryData }).directory;
const DAYS = Array.from({ length: 30 }, (_, i) => `2024-04-${String(i + 1).padStart(2, '0')}`);
// The month's daily verdicts owed by border units: the most an XLSX export holds in this test.
const BORDER_DAILY = directory.groups.reduce((s, g) => s + g.members.filter((m) => m.startsWith('border.')).length * (g.members.length - 1), 0) * DAYS.length;
const h = new SupervisorHarness({ directoryPath: files.directoryPath, clock: new ManualClock('2024-05-10T00:00:00Z'), xlsxMaxRows: BORDER_DAILY });

beforeAll(async () => {
  await h.start();
  const zone = new Map(directory.units.map((u) => [u.id, u.zone]));
  const rows: unknown[][] = [];
  let n = 0;
  for (const g of directory.groups) {
    for (const from of g.members) {
      for (const day of DAYS) rows.push([`v-${++n}`, from, g.members.filter((m) => m !== from), zonedTimeToInstant(day, '07:30:00', zone.get(from)!)]);
    }
  }
  for (let i = 0; i < rows.length; i += 2000) {
    const chunk = rows.slice(i, i + 2000);
    await h.sql(
      `INSERT INTO ledger_messages (id, kind, sender, recipients, sent_at, summary, node, event_id, recorded_at)
       SELECT id, 'DAILY', sender, string_to_array(recipients, ','), sent_at, '', split_part(sender, '.', 1), id, now()
       FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]) AS t(id, sender, recipients, sent_at)`,
      [chunk.map((r) => r[0]), chunk.map((r) => r[1]), chunk.map((r) => (r[2] as string[]).join(',')), chunk.map((r) => r[3])],
    );
  }
  await h.sql(`UPDATE ledger_state SET version = version + 1`);
}, 120_000);

afterAll(async () => {
  await h.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

async function timed<T>(what: string, f: () => Promise<T>): Promise<T> {
  const t = process.hrtime.bigint();
  const r = await f();
  process.stdout.write(`volume: ${what}: ${(Number(process.hrtime.bigint() - t) / 1e6).toFixed(0)} ms\n`);
  return r;
}

it('lists a month of verdicts for every unit, then rates and the heatmap from the cache', async () => {
  const pairs = directory.groups.reduce((s, g) => s + g.members.length * (g.members.length - 1), 0);
  const first = await timed(`verdicts of April for ${directory.units.length} units (first page, computed)`, () => h.get('/api/verdicts?from=2024-04-01&to=2024-04-30&obligation=DAILY&pageSize=100'));
  expect(first.body.total).toBe(pairs * DAYS.length);
  await timed('another month-long range, computed (warm)', () => h.get('/api/verdicts?from=2024-04-02&to=2024-05-01&pageSize=100'));
  const again = await timed('the same, cached', () => h.get('/api/verdicts?from=2024-04-01&to=2024-04-30&obligation=DAILY&verdict=ON_TIME&pageSize=1'));
  expect(again.body.total).toBe(pairs * DAYS.length);
  const csv = await timed('the whole month as CSV', () => h.get('/api/verdicts?from=2024-04-01&to=2024-04-30&format=csv'));
  expect((csv.body as string).split('\n').length).toBeGreaterThan(pairs * DAYS.length);
  const xlsx = await timed('the daily verdicts of border as XLSX', () => h.get('/api/verdicts?from=2024-04-01&to=2024-04-30&agency=border&obligation=DAILY&format=xlsx'));
  expect(xlsx.status).toBe(200);
  // Every unit's: more rows than an XLSX export may hold (EXPORT_XLSX_MAX_ROWS); CSV still serves them.
  const tooLarge = await h.get('/api/verdicts?from=2024-04-01&to=2024-04-30&obligation=DAILY&format=xlsx');
  expect(tooLarge.status).toBe(400);
  expect(tooLarge.body.code).toBe('EXPORT_TOO_LARGE');
  expect(tooLarge.body.message).toContain(`at most ${BORDER_DAILY.toLocaleString('en-US')} rows; this selection has ${(pairs * DAYS.length).toLocaleString('en-US')}`);
  const rates = await timed('rates of every unit', () => h.get('/api/rates?from=2024-04-01&to=2024-04-30&pageSize=1000'));
  expect(rates.body.total).toBe(directory.units.length);
  const heatmap = await timed('heatmap of every unit', () => h.get('/api/heatmap?from=2024-04-01&to=2024-04-30&pageSize=1000'));
  expect(heatmap.body.items.every((r: { cells: string }) => r.cells === 'O'.repeat(30))).toBe(true);
}, 120_000);
