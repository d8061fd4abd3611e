/**
 * End-to-end: the supervisor's view of the Unified Data Bank against clause 5.5, in headless
 * Chromium, against the three agency nodes and the supervisor ledger on one bus prefix. Border's
 * headquarters sends its semi-annual materials (two records for the bank), interior adds a record
 * at its desk; the border supervisor opens "Data bank" and sees border's contributions only, the
 * semi-annual verdicts linked to the report and what it carried, and every version; an invalid
 * half-year is refused with a message; the verdict listing links a semi-annual verdict to the
 * contributions. axe on each screen; screenshots in test-artifacts/e2e/supervisor-bank-*.png.
 */
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '@shekara/agency-node';
import { loadDirectory, readAuthorityPublicKey } from '@shekara/directory';
import { TestSystem, eventually } from '../support/harness';
import { okFixtures } from '../exchange/fixtures';
import { SupervisorHarness } from '../supervisor/harness';
import { ROOT, WAIT, expectAccessible, keyboardSignIn, lastScreenshot, launchChromium, prepareConsoles, screenshot } from './browser';

jest.setTimeout(240_000);

const shot = (page: Page, name: string) => screenshot(page, `supervisor-bank-${name}`);
const local = new Date(Date.now() + 5 * 3600_000).toISOString();
const half = `${local.slice(0, 4)}-H${Number(local.slice(5, 7)) <= 6 ? 1 : 2}`;

describe('supervisor console: data bank contributions (headless Chromium)', () => {
  const sys = new TestSystem();
  let sup: SupervisorHarness;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let head: Record<string, string>;

  beforeAll(async () => {
    prepareConsoles();
    await sys.start();
    sup = SupervisorHarness.of(sys, { webDir: join(ROOT, 'dist', 'web', 'supervisor') });
    await sup.start();
    const directory = loadDirectory(sys.files.directoryPath, readAuthorityPublicKey(sys.files.authorityPublicKeyPath));
    head = Object.fromEntries(['border', 'interior', 'customs'].map((a) => [a, directory.units({ agency: a as never, level: 1 })[0].id]));
    await sys.sql('border', `INSERT INTO users (id, username, display_name, password_hash, unit_id, role, clearance, created_at)
      SELECT $1, 'border.hq', 'Border HQ duty officer', password_hash, $2, role, clearance, now() FROM users WHERE username = 'border.duty'`, [randomUUID(), head.border]);
    browser = await launchChromium();
    ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'ru-RU', timezoneId: 'UTC' });
    page = await ctx.newPage();
  }, 180_000);

  afterEach(async () => {
    await lastScreenshot(page, 'supervisor-bank-last');
  });

  afterAll(async () => {
    await browser?.close();
    await sup?.cleanup();
    await sys.cleanup();
  });

  it('shows a supervisor their agency’s contributions of the half-year against the 5.5 obligation, linked from the verdicts', async () => {
    const hq = (await sys.api('border', 'POST', '/api/auth/login', { username: 'border.hq', password: DEMO_PASSWORD })).body.accessToken;
    const sent = await sys.api('border', 'POST', '/api/messages', { ...okFixtures().get('semiannual.json')!, senderUnit: head.border, recipientUnits: [head.interior, head.customs] }, hq);
    expect(sent.status).toBe(201);
    const made = await sys.api('interior', 'POST', '/api/bank/records', {
      travelDocument: { number: 'N 0512-3456', issuingState: 'KAZ', documentType: 'DOCUMENT_TYPE_PASSPORT', status: 'TRAVEL_DOCUMENT_STATUS_LOST', reportedOn: '2026-11-20' },
      classification: 'CLASSIFICATION_FOR_OFFICIAL_USE',
    }, await sys.login('interior'));
    expect(made.status).toBe(201);
    await eventually(async () => {
      const r = await sup.get(`/api/bank/contributions?period=${half}`);
      const records = (a: string) => r.body.agencies?.find((x: { agency: string }) => x.agency === a)?.records;
      return records('border') === 2 && records('interior') === 1;
    }, 30_000, 'the contributions in the ledger');

    await page.goto(sup.url + '/');
    await page.getByRole('heading', { level: 1, name: 'Вход в систему' }).waitFor(WAIT);
    await keyboardSignIn(page, 'supervisor.border');
    await page.getByRole('heading', { level: 1, name: 'Исполнение: сводка' }).waitFor(WAIT);

    await page.getByRole('navigation', { name: 'Основная навигация' }).getByRole('link', { name: 'Банк данных' }).click();
    await page.getByRole('heading', { level: 1, name: 'Вклад в Единый банк данных' }).waitFor(WAIT);
    const border = page.locator('table.bank-agencies tr[data-agency="border"]');
    await border.waitFor(WAIT);
    expect(await border.getAttribute('data-records')).toBe('2');
    // Border's supervisor sees border only.
    expect(await page.locator('table.bank-agencies tbody tr').count()).toBe(1);
    // The 5.5 obligation towards each counterpart: met by the report, which carried two records.
    const verdicts = border.locator('li[data-verdict="ON_TIME"]');
    await verdicts.first().waitFor(WAIT);
    expect(await verdicts.count()).toBe(2);
    expect(await verdicts.first().getAttribute('data-contributed')).toBe('2');
    await verdicts.first().getByText('внесено записей: 2').waitFor(WAIT);
    expect(await page.locator('table.bank-items tbody tr').count()).toBe(2);
    expect(await page.locator(`table.bank-items tr[data-record="${made.body.id}"]`).count()).toBe(0);
    await expectAccessible(page, 'data bank contributions');
    await shot(page, '01-contributions');

    // A half-year that is none: refused with a message, nothing asked.
    await page.getByLabel('Полугодие').fill('2026-H3');
    await page.getByRole('button', { name: 'Показать' }).click();
    await page.getByText('Укажите полугодие в виде ГГГГ-H1 или ГГГГ-H2.').waitFor(WAIT);
    expect(await page.getByLabel('Полугодие').getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(page, 'data bank contributions, bad half-year');

    // From the verdict listing: a semi-annual verdict links to the contributions of its half-year.
    await page.getByRole('navigation', { name: 'Основная навигация' }).getByRole('link', { name: 'Оценки' }).click();
    await page.getByRole('heading', { level: 1, name: 'Оценки исполнения' }).waitFor(WAIT);
    await page.getByLabel('Обязанность').selectOption('SEMIANNUAL');
    await page.getByRole('button', { name: 'Показать' }).click();
    await page.waitForURL(/obligation=SEMIANNUAL/);
    const row = page.locator(`table.verdicts tr[data-verdict="ON_TIME"]`).first();
    await row.waitFor(WAIT);
    await row.getByRole('link', { name: 'Вклад в банк данных' }).click();
    await page.getByRole('heading', { level: 1, name: 'Вклад в Единый банк данных' }).waitFor(WAIT);
    await page.waitForURL(new RegExp(`period=${half}`));
    await page.locator('table.bank-agencies tr[data-agency="border"][data-records="2"]').waitFor(WAIT);
    await shot(page, '02-from-verdicts');
  });
});
