/**
 * End-to-end: persons across agencies at the duty desk, in headless Chromium against three agency
 * nodes (test/support/harness.ts). Border reports TURSUNOV AZIZ; interior then reports Турсунов
 * Азиз. The border officer opens the interior report and sees the possible match with its
 * explanation and confirms it, then checks a person in Cyrillic on the "Check a person" page, and a bad
 * citizenship is refused with its message in Russian. axe runs on both screens (serious or
 * critical violations fail); screenshots are kept in test-artifacts/e2e/.
 */
import type { Browser, Page } from 'playwright-core';
import { TestSystem, eventually } from '../support/harness';
import { BORDER, CUSTOMS, INTERIOR, urgentDetainedMigrants } from '../exchange/fixtures';
import { PASSWORD, WAIT, expectAccessible, lastScreenshot, launchChromium, prepareConsoles, screenshot } from './browser';

jest.setTimeout(240_000);

describe('persons at the duty desk (headless Chromium)', () => {
  const sys = new TestSystem();
  let browser: Browser;
  let page: Page;
  let borderReport: string;
  let interiorReport: string;
  /** The border report (its times are now's: see fresh() in the fixtures). */
  const borderBody = urgentDetainedMigrants();
  const pageErrors: string[] = [];

  beforeAll(async () => {
    prepareConsoles();
    await sys.start(['border', 'interior', 'customs']);
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ru-RU', timezoneId: 'UTC' })).newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const sent = await sys.api('border', 'POST', '/api/messages', borderBody, await sys.login('border'));
    expect(sent.status).toBe(201);
    borderReport = sent.body.id;
    const body = urgentDetainedMigrants();
    body.senderUnit = INTERIOR;
    body.recipientUnits = [BORDER, CUSTOMS];
    body.urgent.summary = 'Two foreign nationals detained at a market in Almaty without registration.';
    body.urgent.detainedMigrants.persons = [
      { surname: 'Турсунов', givenNames: 'Азиз', patronymic: 'Бахтиёрович', dateOfBirth: '1996-11-02', citizenship: 'UZB', sex: 'SEX_MALE' },
      { surname: 'Ким', givenNames: 'Ольга', dateOfBirth: '1988-02-11', citizenship: 'KAZ', sex: 'SEX_FEMALE' },
    ];
    const second = await sys.api('interior', 'POST', '/api/messages', body, await sys.login('interior'));
    expect(second.status).toBe(201);
    interiorReport = second.body.id;
    // Received and filed at border.
    await eventually(async () => (await sys.sql('border', `SELECT 1 FROM match_persons WHERE source = $1`, [interiorReport])).length === 2, 30_000, 'interior report filed at border');
  });

  afterEach(() => lastScreenshot(page, 'last-persons'));

  afterAll(async () => {
    await browser?.close();
    await sys.cleanup();
  });

  it('shows the possible match on the received report', async () => {
    await page.goto(sys.url('border') + '/');
    await page.getByLabel('Имя пользователя').fill('border.duty');
    await page.getByLabel('Пароль').fill(PASSWORD);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByRole('heading', { level: 1, name: 'Обстановка дежурной смены' }).waitFor(WAIT);
    await page.goto(`${sys.url('border')}/messages/${interiorReport}`);
    await page.getByRole('heading', { level: 2, name: 'Возможные совпадения' }).waitFor(WAIT);
    const hit = page.locator(`li[data-match="${borderReport}:1"][data-hit="true"]`);
    await hit.waitFor(WAIT);
    const text = await hit.innerText();
    expect(text).toContain('Возможное совпадение');
    expect(text).toContain(`задержан как незаконный мигрант ${borderBody.urgent.occurredAt.slice(0, 10)}`);
    expect(text).toContain('TURSUNOV AZIZ BAKHTIYOROVICH');
    expect(text).toContain('транслитерация');
    expect(await page.locator('[data-person] >> text=Совпадений не найдено').count()).toBe(1);
    await expectAccessible(page, 'message matches');
    await screenshot(page, 'persons-message-matches');
    // The officer confirms the hit: recorded, shown, and in the message's timeline.
    await hit.getByRole('button', { name: 'Подтвердить совпадение' }).click();
    await page.locator(`li[data-match="${borderReport}:1"] [data-decision="CONFIRMED"]`).waitFor(WAIT);
    expect(await hit.getByRole('status').innerText()).toContain('Совпадение подтверждено · border.duty');
    await page.reload();
    await page.locator('ol.timeline >> text=совпадение лица подтверждено').waitFor(WAIT);
    await expectAccessible(page, 'message matches (confirmed)');
    await screenshot(page, 'persons-message-confirmed');
    // The link leads to the other report.
    await hit.getByRole('link').click();
    await page.waitForURL(`**/messages/${borderReport}`);
  });

  it('checks a person from the "Check a person" page and refuses a bad citizenship in Russian', async () => {
    await page.getByRole('link', { name: 'Проверка лица' }).click();
    await page.getByRole('heading', { level: 1, name: 'Проверка лица' }).waitFor(WAIT);
    await page.getByLabel('Фамилия').fill('Турсунов');
    await page.getByLabel('Имя').fill('Азиз');
    await page.getByLabel('Гражданство').fill('u1');
    await page.getByRole('button', { name: 'Проверить' }).click();
    await page.locator('#check-citizenship-error').waitFor(WAIT);
    expect(await page.locator('#check-citizenship-error').innerText()).toContain('должно быть кодом ISO 3166 alpha-3');
    await expectAccessible(page, 'check a person (error)');
    await page.getByLabel('Гражданство').fill('UZB');
    await page.getByLabel('Дата рождения').fill('1996-11-02');
    await page.getByRole('button', { name: 'Проверить' }).click();
    await page.getByRole('heading', { level: 2, name: 'Возможных совпадений: 2' }).waitFor(WAIT);
    expect(await page.locator(`li[data-match="${borderReport}:1"][data-hit="true"]`).count()).toBe(1);
    expect(await page.locator(`li[data-match="${interiorReport}:0"][data-hit="true"]`).count()).toBe(1);
    await expectAccessible(page, 'check a person');
    await screenshot(page, 'persons-check');
    expect(pageErrors).toEqual([]);
  });
});
