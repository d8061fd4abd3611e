/**
 * End-to-end: the supervisor console in headless Chromium against the real running system — the
 * three agency nodes (test/support/harness.ts) and the supervisor ledger (its own test harness,
 * serving the built console from dist/web/supervisor) on one run-unique bus prefix, on the real
 * PostgreSQL and NATS.
 *
 * A border duty officer records an urgent report whose oral report was 3 hours ago. A supervisor
 * signs in (keyboard only), sees the compliance heat map, finds the report overdue (escalated) and
 * drills down to its timeline; after the late written confirmation the verdict listing shows
 * CONFIRMED_LATE; the supervisor switches to English, exports the listing as CSV (header and row
 * checked) and XLSX, views the heat map, the trends and the printable report (saved as PDF by
 * Chromium). Every main screen is checked with axe-core (serious or critical violations fail) and
 * kept as a screenshot in test-artifacts/e2e/supervisor-*.png.
 *
 * Needs Debian's chromium and builds the consoles first (see ./browser.ts).
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { MarkEscalatedRequestSchema, MarkEscalatedResponseSchema, RpcMethod } from '@shekara/contracts';
import type { AuditMessage } from '@shekara/policy';
import { zonedTimeToInstant } from '@shekara/policy';
import { TestSystem, eventually } from '../support/harness';
import { BORDER, CUSTOMS, INTERIOR, urgentDetainedMigrants } from '../exchange/fixtures';
import { SupervisorHarness, sentEvent } from '../supervisor/harness';
import { parseCsv } from '../supervisor/xlsx';
import { ARTIFACTS, ROOT, WAIT, expectAccessible, keyboardSignIn, lastScreenshot, launchChromium, prepareConsoles, screenshot, typeCheck } from './browser';
import type { BrowserGlobals } from './browser';

jest.setTimeout(240_000);

const ZONE = 'Asia/Almaty';

const shot = (page: Page, name: string) => screenshot(page, `supervisor-${name}`);

function localDate(at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}
function addDays(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/**
 * A week of daily reports of the Nur Zholy level-4 group, published as the nodes' audit events:
 * on time mostly, one late, one early, one missing — so the heat map and the rates have a story.
 */
function dailyHistory(today: string): AuditMessage[] {
  const group = [BORDER, INTERIOR, CUSTOMS];
  const out: AuditMessage[] = [];
  for (let back = 6; back >= 1; back--) {
    const day = addDays(today, -back);
    for (const from of group) {
      let time = '07:30:00';
      if (from === INTERIOR && back === 3) time = '10:15:00'; // late
      if (from === BORDER && back === 5) time = '06:10:00'; // early
      if (from === CUSTOMS && back === 2) continue; // missing
      out.push({ id: randomUUID(), kind: 'DAILY', from, to: group.filter((u) => u !== from), sentAt: zonedTimeToInstant(day, time, ZONE), period: day });
    }
  }
  return out;
}

describe('supervisor console (headless Chromium)', () => {
  const sys = new TestSystem();
  let sup: SupervisorHarness;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    prepareConsoles();
    await sys.start();
    sup = SupervisorHarness.of(sys, { webDir: join(ROOT, 'dist', 'web', 'supervisor') });
    await sup.start();
    browser = await launchChromium();
    // UTC on purpose: the console must show the unit's zone, not the browser's.
    ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'ru-RU', timezoneId: 'UTC', acceptDownloads: true });
    page = await ctx.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  }, 180_000);

  afterEach(async () => {
    await lastScreenshot(page, 'supervisor-last');
  });

  afterAll(async () => {
    await browser?.close();
    await sup?.cleanup();
    await sys.cleanup();
  });

  it('the supervisor console type-checks', () => {
    expect(typeCheck('web/supervisor')).toBe('');
  });

  it('an urgent report confirmed late: overdue and escalated, then CONFIRMED_LATE; timeline, English, CSV and XLSX, heat map, trends, printable report', async () => {
    const today = localDate(new Date());
    const history = dailyHistory(today);
    await sup.publish(history.map((m) => sentEvent(m, `Daily information ${m.period}`)));

    // --- a border duty officer records an urgent report made orally 3 hours ago
    const token = await sys.login('border');
    const reportedAt = new Date(Date.now() - 3 * 3600_000);
    const summary = `Задержаны двое иностранцев на ПП «Нур Жолы» (${sys.runId})`;
    const body = urgentDetainedMigrants();
    const sent = await sys.api('border', 'POST', '/api/messages', { ...body, reportedAt: reportedAt.toISOString(), urgent: { ...body.urgent, summary } }, token);
    expect(sent.status).toBe(201);
    const id: string = sent.body.id;
    await eventually(async () => (await sup.get(`/api/overdue?unit=${BORDER}`)).body.items?.find((x: { ref: string }) => x.ref === id), 20_000, 'the urgent report overdue in the ledger');
    await eventually(async () => (await sup.get(`/api/verdicts?unit=${INTERIOR}&obligation=DAILY&verdict=LATE`)).body.total === 2, 20_000, 'the daily history in the ledger');
    // the scheduler is not part of this test: the escalation is marked as it would mark it
    await sup.rpc(RpcMethod.MarkEscalated, MarkEscalatedRequestSchema, { urgentId: id, at: timestampFromDate(new Date()) }, MarkEscalatedResponseSchema);

    // --- sign in with the keyboard only: skip link, language switch, user name, password, Enter
    await page.goto(sup.url + '/');
    await page.getByRole('heading', { level: 1, name: 'Вход в систему' }).waitFor(WAIT);
    await expectAccessible(page, 'sign-in');
    await shot(page, '01-sign-in');
    await keyboardSignIn(page, 'supervisor.border');

    // --- compliance at a glance
    await page.getByRole('heading', { level: 1, name: 'Исполнение: сводка' }).waitFor(WAIT);
    await page.locator('table.heatmap tbody tr').first().waitFor(WAIT);
    await page.locator('table.rates tbody tr').first().waitFor(WAIT);
    await expectAccessible(page, 'overview');
    await shot(page, '02-overview');

    // the heat map of the checkpoint's level-4 units in their region (server-side filters)
    await page.getByLabel('Уровень').selectOption('4');
    await page.getByLabel('Регион').selectOption('KZ-33');
    await page.getByRole('button', { name: 'Показать' }).click();
    await page.waitForURL(/level=4/);
    const borderRow = page.locator(`table.heatmap tr[data-unit="${BORDER}"]`);
    await borderRow.waitFor(WAIT);
    expect(await borderRow.locator(`td[data-day="${addDays(today, -1)}"]`).getAttribute('data-code')).toBe('O');
    expect(await borderRow.locator(`td[data-day="${addDays(today, -5)}"]`).getAttribute('data-code')).toBe('E');
    expect(await page.locator(`table.heatmap tr[data-unit="${INTERIOR}"] td[data-day="${addDays(today, -3)}"]`).getAttribute('data-code')).toBe('L');
    expect(await page.locator(`table.heatmap tr[data-unit="${CUSTOMS}"] td[data-day="${addDays(today, -2)}"]`).getAttribute('data-code')).toBe('M');
    // a cell's full meaning on hover and for screen readers
    expect(await page.locator(`table.heatmap tr[data-unit="${INTERIOR}"] td[data-day="${addDays(today, -3)}"]`).getAttribute('title')).toContain('с опозданием');
    await expectAccessible(page, 'heat map, level 4, KZ-33');
    await shot(page, '03-heatmap-filtered');

    // --- overdue now: the urgent report, unconfirmed and escalated
    await page.getByRole('navigation', { name: 'Основная навигация' }).getByRole('link', { name: 'Просрочено сейчас' }).click();
    await page.getByRole('heading', { level: 1, name: 'Просрочено сейчас' }).waitFor(WAIT);
    expect(await page.evaluate(() => (globalThis as unknown as BrowserGlobals).document.activeElement?.tagName)).toBe('H1');
    await page.getByLabel('Обязанность').selectOption('URGENT_CONFIRMATION');
    await page.getByRole('button', { name: 'Показать' }).click();
    const overdueRow = page.locator(`table.overdue tr[data-ref="${id}"]`);
    await overdueRow.waitFor(WAIT);
    expect(await overdueRow.getAttribute('data-verdict')).toBe('UNCONFIRMED');
    await overdueRow.getByText('эскалировано').waitFor(WAIT);
    // the deadline in the unit's local time with its zone; the full instant on hover
    const due = overdueRow.locator('time').first();
    expect(await due.textContent()).toMatch(/^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2} \(Asia\/[A-Za-z_]+, UTC\+05:00\)$/);
    expect(await due.getAttribute('title')).toContain(new Date(reportedAt.getTime() + 2 * 3600_000).toISOString().slice(0, 16));
    await expectAccessible(page, 'overdue');
    await shot(page, '04-overdue');

    // drill down to the timeline with the keyboard
    await overdueRow.getByRole('link', { name: summary }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: /журнал сообщения/ }).waitFor(WAIT);
    await page.locator('ol.timeline li[data-action="SENT"]').waitFor(WAIT);
    await page.locator('[data-verdict="UNCONFIRMED"]').waitFor(WAIT);
    await expectAccessible(page, 'timeline (unconfirmed)');
    await shot(page, '05-timeline-unconfirmed');

    // --- the written confirmation, an hour late
    const confirmation = await sys.api(
      'border',
      'POST',
      '/api/messages',
      { ...body, urgent: undefined, correlationId: id, urgentConfirmation: { urgentMessageId: id, text: 'Подтверждаю письменно.', urgent: { ...body.urgent, summary } } },
      token,
    );
    expect(confirmation.status).toBe(201);
    await eventually(async () => (await sup.get(`/api/messages/${id}/timeline`)).body.confirmations?.length > 0, 20_000, 'the confirmation in the ledger');

    // --- the verdict listing: CONFIRMED_LATE
    await page.getByRole('navigation', { name: 'Основная навигация' }).getByRole('link', { name: 'Оценки' }).click();
    await page.getByRole('heading', { level: 1, name: 'Оценки исполнения' }).waitFor(WAIT);
    await page.getByLabel('Обязанность').selectOption('URGENT_CONFIRMATION');
    await page.getByRole('button', { name: 'Показать' }).click();
    const verdictRow = page.locator(`table.verdicts tr[data-ref="${id}"]`);
    await verdictRow.waitFor(WAIT);
    expect(await verdictRow.getAttribute('data-verdict')).toBe('CONFIRMED_LATE');
    await verdictRow.getByText('подтверждено с опозданием').waitFor(WAIT);
    await expectAccessible(page, 'verdicts');
    await shot(page, '06-verdicts-confirmed-late');

    // drill down: the timeline now has the confirmation and the verdict
    await verdictRow.getByRole('link', { name: /^срочное донесение/ }).click();
    await page.getByRole('heading', { level: 1, name: /журнал сообщения/ }).waitFor(WAIT);
    await page.locator('[data-verdict="CONFIRMED_LATE"]').waitFor(WAIT);
    await page.getByRole('heading', { name: 'Письменные подтверждения' }).waitFor(WAIT);
    await page.locator('ol.timeline li[data-action="DELIVERED"]').first().waitFor(WAIT);
    await expectAccessible(page, 'timeline (confirmed late)');
    await shot(page, '07-timeline-confirmed-late');

    // --- English
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Urgent report — message timeline' }).waitFor(WAIT);
    await page.getByText('confirmed late').first().waitFor(WAIT);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await expectAccessible(page, 'timeline (English)');
    await shot(page, '08-timeline-english');
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: 'Verdicts' }).waitFor(WAIT);
    await verdictRow.getByText('confirmed late').waitFor(WAIT);

    // --- exports of the listing as filtered
    const [csv] = await Promise.all([page.waitForEvent('download', WAIT), page.getByRole('button', { name: 'Export the whole selection to CSV' }).click()]);
    expect(csv.suggestedFilename()).toMatch(/^verdicts-.*\.csv$/);
    const csvPath = join(ARTIFACTS, 'supervisor-verdicts.csv');
    await csv.saveAs(csvPath);
    // A file for people in the console's language: names beside ids, the deadline in the unit's local time, verdicts in words.
    const lines = parseCsv(readFileSync(csvPath, 'utf8'));
    expect(lines[0]).toEqual(['obligation', 'obligation (in words)', 'from', 'sender (name)', 'to', 'counterpart (name)', 'period', 'ref', 'due', 'due (local time)', 'verdict', 'verdict (in words)', 'message', 'late_by_s']);
    const row = lines.find((l) => l.includes(id));
    expect(row).toBeDefined();
    expect(row).toEqual([
      'URGENT_CONFIRMATION', 'written confirmation of an urgent report', BORDER, expect.stringMatching(/Nur Zholy/), '', '', '', id, expect.any(String),
      expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \(Asia\/Almaty, UTC\+05:00\)$/), 'CONFIRMED_LATE', 'confirmed late', confirmation.body.id, expect.stringMatching(/^\d+$/),
    ]);
    expect(lines.slice(1).every((l) => l[0] === 'URGENT_CONFIRMATION')).toBe(true);
    await page.getByText(/File verdicts-.*\.csv saved\./).waitFor(WAIT);
    const [xlsx] = await Promise.all([page.waitForEvent('download', WAIT), page.getByRole('button', { name: 'Export the whole selection to Excel (XLSX)' }).click()]);
    expect(xlsx.suggestedFilename()).toMatch(/^verdicts-.*\.xlsx$/);
    const xlsxPath = join(ARTIFACTS, 'supervisor-verdicts.xlsx');
    await xlsx.saveAs(xlsxPath);
    expect(statSync(xlsxPath).size).toBeGreaterThan(1000);
    expect(readFileSync(xlsxPath).subarray(0, 2).toString()).toBe('PK');
    await shot(page, '09-verdicts-english-exported');

    // --- trends: the chart of on-time rates and the per-unit rates
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Trends' }).click();
    await page.getByRole('heading', { level: 1, name: 'On-time rate over time' }).waitFor(WAIT);
    await page.locator('figure.chart svg[role="img"]').waitFor(WAIT);
    await page.locator('table.rates tbody tr').first().waitFor(WAIT);
    // the checkpoint's level-4 units: one line per agency, per-unit rates
    await page.getByLabel('Level').selectOption('4');
    await page.getByLabel('Region').selectOption('KZ-33');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/region=KZ-33/);
    await page.locator(`table.rates tr[data-unit="${INTERIOR}"]`).waitFor(WAIT);
    expect(await page.locator('figure.chart ul.chart-legend li').count()).toBe(4);
    await page.getByText('The chart’s data as a table').click();
    await expectAccessible(page, 'trends');
    await shot(page, '10-trends-english');

    // --- back to Russian: the printable report, saved as PDF
    await page.getByRole('button', { name: 'Русский' }).click();
    await page.getByRole('navigation', { name: 'Основная навигация' }).getByRole('link', { name: 'Отчёт' }).click();
    await page.getByRole('heading', { level: 1, name: 'Отчёт об исполнении' }).waitFor(WAIT);
    await page.locator('article.report').waitFor(WAIT);
    expect(page.url()).toContain('region=KZ-33'); // the filters travel with the navigation
    await page.getByRole('heading', { name: 'По ведомствам' }).waitFor(WAIT);
    // confirmed since: no longer among the overdue items
    expect(await page.locator('article.report').getByText(summary).count()).toBe(0);
    await expectAccessible(page, 'report');
    await shot(page, '11-report');
    await page.emulateMedia({ media: 'print' });
    await shot(page, '12-report-print');
    const pdfPath = join(ARTIFACTS, 'supervisor-report.pdf');
    await page.pdf({ path: pdfPath, format: 'A4', printBackground: true });
    await page.emulateMedia({ media: 'screen' });
    expect(readFileSync(pdfPath).subarray(0, 5).toString()).toBe('%PDF-');
    expect(statSync(pdfPath).size).toBeGreaterThan(10_000);

    expect(pageErrors).toEqual([]);
  });
});
