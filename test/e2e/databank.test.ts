/**
 * End-to-end: the Data Bank at the duty desk, in headless Chromium against two agency nodes. The
 * border officer adds a stolen passport through the form, checks it on the home page with a
 * misread number (hit), is refused a number with a Cyrillic letter (in Russian), and finds an
 * interior material by full text with the hit marked. axe runs on each screen.
 */
import type { Browser, Page } from 'playwright-core';
import { TestSystem, eventually } from '../support/harness';
import { PASSWORD, WAIT, expectAccessible, lastScreenshot, launchChromium, prepareConsoles, screenshot } from './browser';

jest.setTimeout(240_000);

describe('the data bank at the duty desk (headless Chromium)', () => {
  const sys = new TestSystem();
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    prepareConsoles();
    await sys.start(['border', 'interior']);
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ru-RU', timezoneId: 'UTC' })).newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const made = await sys.api(
      'interior',
      'POST',
      '/api/bank/records',
      { material: { kind: 'MATERIAL_KIND_REVIEW', title: 'Контрабанда сигарет через Хоргос', body: 'Каналы контрабанды сигарет в грузовых автомобилях.', language: 'BANK_LANGUAGE_RU' }, classification: 'CLASSIFICATION_UNCLASSIFIED' },
      await sys.login('interior'),
    );
    expect(made.status).toBe(201);
    await eventually(async () => (await sys.sql('border', `SELECT 1 FROM bank_records WHERE record_id = $1`, [made.body.id])).length === 1, 30_000, 'material at border');
  });

  afterEach(() => lastScreenshot(page, 'last-databank'));

  afterAll(async () => {
    await browser?.close();
    await sys.cleanup();
  });

  it('adds a stolen passport through the form and checks it on the home page', async () => {
    await page.goto(sys.url('border') + '/');
    await page.getByLabel('Имя пользователя').fill('border.duty');
    await page.getByLabel('Пароль').fill(PASSWORD);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByRole('heading', { level: 2, name: 'Проверка документа' }).waitFor(WAIT);
    await expectAccessible(page, 'home with the document check');

    await page.goto(sys.url('border') + '/bank/new');
    await page.getByLabel('Номер документа').fill('KB 1234567');
    await page.getByLabel('Государство выдачи (ISO alpha-3)').fill('KAZ');
    await page.getByLabel('Статус').selectOption('TRAVEL_DOCUMENT_STATUS_STOLEN_FROM_HOLDER');
    await page.getByLabel('Дата сообщения').fill('2026-11-30');
    await expectAccessible(page, 'new bank record');
    await page.getByRole('button', { name: 'Сохранить' }).click();
    await page.getByRole('heading', { level: 1, name: 'KAZ KB 1234567' }).waitFor(WAIT);
    expect(await page.locator('li[data-version="1"]').innerText()).toContain('создана');
    await expectAccessible(page, 'bank record');
    await screenshot(page, 'databank-record');

    await page.goto(sys.url('border') + '/');
    await page.getByLabel('Номер документа').fill('K8-I234567');
    await page.getByLabel('Государство выдачи (ISO alpha-3)').fill('kaz');
    await page.getByRole('button', { name: 'Проверить' }).click();
    const status = page.locator('[data-hit="true"]');
    await status.waitFor(WAIT);
    expect(await status.innerText()).toContain('Найден в банке данных');

    await page.getByLabel('Номер документа').fill('КВ1234567');
    await page.getByRole('button', { name: 'Проверить' }).click();
    await page.locator('#checkdoc-number-error').waitFor(WAIT);
    expect(await page.locator('#checkdoc-number-error').innerText()).toContain('латинских букв');
    await expectAccessible(page, 'document check refused');
  });

  it('finds a material of another agency by full text, the hit marked', async () => {
    await page.goto(sys.url('border') + '/bank');
    await page.getByRole('searchbox', { name: 'Поиск по тексту' }).fill('контрабанда сигареты');
    await page.getByRole('button', { name: 'Найти' }).click();
    await page.getByRole('heading', { level: 2, name: 'Найдено: 1' }).waitFor(WAIT);
    expect(await page.locator('.snippet mark').first().innerText()).toMatch(/контрабанд/i);
    await expectAccessible(page, 'bank search');
    await screenshot(page, 'databank-search');
    expect(pageErrors).toEqual([]);
  });
});
