/**
 * End-to-end: persons across agencies at the duty desk, in headless Chromium against three agency
 * nodes (test/support/harness.ts). Border reports TURSUNOV AZIZ; interior then reports Турсунов
 * Азиз. The border officer opens the interior report and sees the possible match with its
 * explanation and confirms it, then checks a person in Cyrillic on the "Check a person" page, and a bad
 * citizenship is refused with its message in Russian; a stolen blank of the data bank is found by
 * the person's (misread) document number, linked to its bank record. axe runs on both screens (serious or
 * critical violations fail); screenshots are kept in test-artifacts/e2e/.
 */
import type { Browser, Page } from 'playwright-core';
import { TestSystem, eventually } from '../support/harness';
import { BORDER, CUSTOMS, INTERIOR, lateUtcEvening, urgentDetainedMigrants } from '../exchange/fixtures';
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
  // At an hour when the border unit's local date is a day ahead of UTC's.
  borderBody.urgent.occurredAt = lateUtcEvening();
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
    // The occurrence's local date where it happened (the border unit's zone).
    const me = await sys.api('border', 'GET', '/api/me', undefined, await sys.login('border'));
    expect(me.status).toBe(200);
    const zone: string = me.body.unit.zone;
    const localDay = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(borderBody.urgent.occurredAt));
    expect(localDay).not.toBe(borderBody.urgent.occurredAt.slice(0, 10));
    expect(text).toContain(`задержан как незаконный мигрант ${localDay}`);
    expect(text).toContain('TURSUNOV AZIZ BAKHTIYOROVICH');
    expect(text).toContain('транслитерация');
    expect(await page.locator('[data-person] >> text=Совпадений не найдено').count()).toBe(1);
    await expectAccessible(page, 'message matches');
    await screenshot(page, 'persons-message-matches');
    // The officer confirms the hit: recorded, shown, and in the message's timeline.
    await hit.getByRole('button', { name: 'Подтвердить совпадение' }).click();
    await page.locator(`li[data-match="${borderReport}:1"] [data-decision="CONFIRMED"]`).waitFor(WAIT);
    expect(await hit.getByRole('status').innerText()).toContain('Совпадение подтверждено · border.duty · Решение отправлено подразделению, сообщившему о лице.');
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

  it('finds a stolen blank of the data bank by the checked person’s document number, linked to the bank record', async () => {
    const blank = await sys.api('interior', 'POST', '/api/bank/records', {
      travelDocument: { number: 'FA 7654329', issuingState: 'UZB', documentType: 'DOCUMENT_TYPE_PASSPORT', status: 'TRAVEL_DOCUMENT_STATUS_STOLEN_BLANK', reportedOn: '2026-11-20' },
      classification: 'CLASSIFICATION_FOR_OFFICIAL_USE',
    }, await sys.login('interior'));
    expect(blank.status).toBe(201);
    await eventually(async () => (await sys.sql('border', `SELECT 1 FROM bank_records WHERE record_id = $1`, [blank.body.id])).length === 1, 30_000, 'the blank at border');
    // Still on "Check a person": the same person, with the document misread (O for 0, S for 5).
    await page.getByLabel('Номер документа').fill('FA76S4329');
    await page.getByLabel('Государство выдачи документа (ISO alpha-3)').fill('uzb');
    await page.getByRole('button', { name: 'Проверить' }).click();
    const hit = page.locator(`li[data-bank-record="${blank.body.id}"]`);
    await hit.waitFor(WAIT);
    expect(await hit.innerText()).toContain('Похищен бланк');
    expect(await hit.innerText()).toContain('номер совпадает с точностью до похожих символов');
    await hit.getByRole('link', { name: 'UZB FA 7654329' }).waitFor(WAIT);
    await expectAccessible(page, 'check a person (data bank document)');
    await screenshot(page, 'persons-check-bank');
    await hit.getByRole('link', { name: 'UZB FA 7654329' }).click();
    await page.waitForURL(`**/bank/records/${blank.body.id}`);
    expect(pageErrors).toEqual([]);
  });

  it('shows interior the decision border sent about its report', async () => {
    const other = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ru-RU', timezoneId: 'UTC' })).newPage();
    other.on('pageerror', (e) => pageErrors.push(e.message));
    await other.goto(sys.url('interior') + '/');
    await other.getByLabel('Имя пользователя').fill('interior.duty');
    await other.getByLabel('Пароль').fill(PASSWORD);
    await other.getByRole('button', { name: 'Войти' }).click();
    await other.getByRole('heading', { level: 1, name: 'Обстановка дежурной смены' }).waitFor(WAIT);
    // The decision is a message in interior's inbox ...
    await eventually(async () => (await sys.sql('interior', `SELECT 1 FROM messages WHERE kind = 'HIT_DECISION' AND correlation_id = $1`, [interiorReport])).length === 1, 30_000, 'hit decision at interior');
    // ... and is shown on the report it is about, with border's person.
    await other.goto(`${sys.url('interior')}/messages/${interiorReport}`);
    await other.getByRole('heading', { level: 2, name: 'Решения других ведомств о совпадениях' }).waitFor(WAIT);
    const decision = other.locator('li[data-hit-decision="CONFIRMED"]');
    const text = await decision.innerText();
    expect(text).toContain('Совпадение подтверждено · от Пограничной службы КНБ · border.duty');
    expect(text).toContain('лицо № 0 этого сообщения ↔ их лицо: TURSUNOV AZIZ BAKHTIYOROVICH, 1996-11-02');
    await expectAccessible(other, 'hit decision received');
    await screenshot(other, 'persons-hit-decision-received');
    // Opening the decision itself: its payload in Russian.
    await decision.getByRole('link', { name: 'Решение о совпадении лица' }).click();
    await other.getByText('совпадение подтверждено').first().waitFor(WAIT);
    await expectAccessible(other, 'hit decision message');
    await screenshot(other, 'persons-hit-decision-message');
    await other.context().close();
    expect(pageErrors).toEqual([]);
  });
});
