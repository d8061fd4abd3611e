/**
 * A large export in the supervisor console (headless Chromium): the ledger journal of a week with a
 * large ledger (N messages) streams from the server, the console shows the rows received as they
 * arrive, Cancel stops it (the server stops reading: its running-exports gauge falls to 0 with the
 * rows read well short of N), and run again it completes into a file of N lines. Screenshots in
 * test-artifacts/e2e/supervisor-export-*.png; axe checks the screen.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { SupervisorMetrics } from '../../apps/supervisor/src/ops/metrics';
import { SupervisorHarness, eventually } from '../supervisor/harness';
import { ARTIFACTS, ROOT, expectAccessible, keyboardSignIn, lastScreenshot, launchChromium, prepareConsoles, screenshot } from './browser';

jest.setTimeout(400_000);

const N = 300_000;
const LONG = { timeout: 180_000 };
const shot = (page: Page, name: string) => screenshot(page, `supervisor-export-${name}`);

function localDate(at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Almaty', year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

describe('supervisor console: a large export streams with progress and can be cancelled', () => {
  let sup: SupervisorHarness;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    prepareConsoles();
    sup = new SupervisorHarness({ webDir: join(ROOT, 'dist', 'web', 'supervisor') });
    await sup.start();
    // N daily reports of the last five days from one border section to its interior counterpart.
    await sup.sql(
      `INSERT INTO ledger_messages (id, kind, sender, recipients, sent_at, summary, node, event_id, recorded_at)
       SELECT 'bulk-' || lpad(g::text, 7, '0'), 'DAILY', 'border.l4.CP-CN-A-01', ARRAY['interior.l4.CP-CN-A-01'],
              now() - interval '2 hours' - (g % 5) * interval '1 day' - (g / 5) * interval '1 ms', '', 'border', 'bulk-' || g, now()
         FROM generate_series(1, $1::int) AS g`,
      [N],
    );
    await sup.sql(`UPDATE ledger_state SET version = version + 1`);
    await sup.sql(`ANALYZE ledger_messages`);
    browser = await launchChromium();
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'ru-RU', timezoneId: 'UTC', acceptDownloads: true });
    page = await ctx.newPage();
  }, 300_000);

  afterEach(async () => {
    await lastScreenshot(page, 'supervisor-export-last');
  });

  afterAll(async () => {
    await browser?.close();
    await sup?.cleanup();
  });

  const metrics = () => sup.app!.get(SupervisorMetrics);
  const rowsRead = async () => (await metrics().exportRows.get()).values.reduce((s, v) => s + v.value, 0);
  const running = async () => (await metrics().exportsRunning.get()).values[0]?.value ?? 0;

  it('shows the rows received, cancels, then completes the journal file', async () => {
    await page.goto(sup.url + '/');
    await page.getByRole('heading', { level: 1, name: 'Вход в систему' }).waitFor(LONG);
    await keyboardSignIn(page, 'supervisor.border');
    await page.getByRole('heading', { level: 1, name: 'Исполнение: сводка' }).waitFor(LONG);
    const to = localDate(new Date());
    const from = localDate(new Date(Date.now() - 6 * 86_400_000));
    await page.goto(`${sup.url}/verdicts?from=${from}&to=${to}`);
    await page.getByRole('heading', { level: 1, name: 'Оценки исполнения' }).waitFor(LONG);
    await page.locator('table.verdicts tbody tr').first().waitFor(LONG);
    const journal = page.getByRole('button', { name: 'Выгрузить журнал сообщений реестра за период (JSONL, для shekara audit)' });
    const status = page.locator('.exports [role="status"]');

    // --- the export starts at once and shows its progress; Cancel stops the server's reading
    const before = await rowsRead();
    await journal.click();
    await status.filter({ hasText: /Получено строк: [1-9]/ }).waitFor(LONG);
    await shot(page, '01-progress');
    const cancel = page.getByRole('button', { name: 'Отменить выгрузку' });
    await cancel.click();
    await status.filter({ hasText: 'Выгрузка отменена.' }).waitFor(LONG);
    await eventually(async () => (await running()) === 0, 30_000, 'the server stopped the export');
    const read = (await rowsRead()) - before;
    process.stdout.write(`supervisor-export: cancelled in the console after ${read} of ${N} rows read by the server\n`);
    expect(read).toBeGreaterThan(0);
    expect(read).toBeLessThan(N);
    await expectAccessible(page, 'verdicts (export cancelled)');
    await shot(page, '02-cancelled');

    // --- run again to the end: a file of N lines, the status says so
    const [download] = await Promise.all([page.waitForEvent('download', LONG), journal.click()]);
    expect(download.suggestedFilename()).toMatch(/^journal-\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.jsonl$/);
    const path = join(ARTIFACTS, 'supervisor-journal.jsonl');
    await download.saveAs(path);
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines.length).toBe(N);
    expect(JSON.parse(lines[0])).toMatchObject({ kind: 'DAILY', from: 'border.l4.CP-CN-A-01', to: ['interior.l4.CP-CN-A-01'] });
    await status.filter({ hasText: /Файл journal-.*\.jsonl сохранён\./ }).waitFor(LONG);
    await shot(page, '03-saved');
  });
});
