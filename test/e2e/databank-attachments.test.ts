/**
 * End-to-end: files of the Data Bank at the duty desk, in headless Chromium against two agency
 * nodes. The border officer adds a material with a PDF (an executable named .pdf is refused, in
 * Russian, and not attached), downloads it from the record page; at interior's desk the same file,
 * arrived over the bus in chunks, is downloaded byte for byte. axe runs on each screen.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { AgencyCode } from '@shekara/contracts';
import type { AgencyNodeConfig } from '@shekara/agency-node';
import { TestSystem, eventually } from '../support/harness';
import { pdf } from '../databank/files';
import { ARTIFACTS, PASSWORD, WAIT, expectAccessible, lastScreenshot, launchChromium, prepareConsoles, screenshot } from './browser';

jest.setTimeout(300_000);

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

class System extends TestSystem {
  override config(agency: AgencyCode): AgencyNodeConfig {
    return { ...super.config(agency), bank: { retentionGraceDays: 365, retentionMs: 0, attachmentRetryMs: 4000 } };
  }
}

describe('files of the data bank at the duty desk (headless Chromium)', () => {
  const sys = new System();
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const file = pdf('Ultraviolet fibres and microprinting of the new residence permit', 2 * 1024 * 1024 + 12345);

  const signIn = async (p: Page, agency: AgencyCode) => {
    await p.goto(sys.url(agency) + '/');
    await p.getByLabel('Имя пользователя').fill(`${agency}.duty`);
    await p.getByLabel('Пароль').fill(PASSWORD);
    await p.getByRole('button', { name: 'Войти' }).click();
    await p.getByRole('heading', { level: 2, name: 'Проверка документа' }).waitFor(WAIT);
  };

  beforeAll(async () => {
    prepareConsoles();
    await sys.start(['border', 'interior']);
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ru-RU', timezoneId: 'UTC', acceptDownloads: true })).newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterEach(() => lastScreenshot(page, 'last-databank-attachments'));

  afterAll(async () => {
    await browser?.close();
    await sys.cleanup();
  });

  it('uploads a PDF with a new material, refuses an executable named .pdf, downloads the file', async () => {
    await signIn(page, 'border');
    await page.goto(sys.url('border') + '/bank/new');
    await page.getByLabel('Вид записи').selectOption('MATERIAL');
    await page.getByLabel('Заголовок').fill('Признаки подлинности вида на жительство');
    await page.getByLabel('Текст', { exact: true }).fill('Описание защитных элементов; образец приложен.');
    await page.getByLabel('Язык').selectOption('BANK_LANGUAGE_RU');

    const files = page.getByLabel(/Приложить файлы/);
    await files.setInputFiles({ name: 'образец.pdf', mimeType: 'application/pdf', buffer: Buffer.concat([Buffer.from('MZ\x90\x00', 'latin1'), randomBytes(2048)]) });
    const refusal = page.locator('#bank-files-error');
    await refusal.waitFor(WAIT);
    expect(await refusal.innerText()).toContain('не является PDF');
    expect(await page.locator('ul.bank-attachments li').count()).toBe(0);

    await files.setInputFiles({ name: 'образец.pdf', mimeType: 'application/octet-stream', buffer: file });
    const item = page.locator(`ul.bank-attachments li[data-sha256="${sha(file)}"]`);
    await item.waitFor(WAIT);
    expect(await item.innerText()).toContain('application/pdf');
    expect(await page.locator('#bank-files-error').count()).toBe(0);
    await expectAccessible(page, 'new material with a file');
    await page.getByRole('button', { name: 'Сохранить' }).click();
    await page.getByRole('heading', { level: 1, name: 'Признаки подлинности вида на жительство' }).waitFor(WAIT);
    await expectAccessible(page, 'record with a file');
    await screenshot(page, 'databank-attachments-record');

    const [download] = await Promise.all([page.waitForEvent('download', WAIT), page.getByRole('button', { name: 'Скачать образец.pdf' }).click()]);
    expect(download.suggestedFilename()).toBe('образец.pdf');
    const saved = join(ARTIFACTS, 'databank-attachment-border.pdf');
    await download.saveAs(saved);
    expect(sha(readFileSync(saved))).toBe(sha(file));
    expect(pageErrors).toEqual([]);
  });

  it("downloads the file at another agency's desk once it arrived over the bus", async () => {
    const [row] = await eventually(async () => {
      const rows = await sys.sql('interior', `SELECT r.record_id FROM bank_records r JOIN bank_attachments a ON a.sha256 = $1 AND a.complete`, [sha(file)]);
      return rows.length ? rows : false;
    }, 120_000, 'the file at interior');
    const other = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ru-RU', timezoneId: 'UTC', acceptDownloads: true })).newPage();
    other.on('pageerror', (e) => pageErrors.push(e.message));
    await signIn(other, 'interior');
    await other.goto(`${sys.url('interior')}/bank/records/${row.record_id}`);
    const button = other.getByRole('button', { name: 'Скачать образец.pdf' });
    await button.waitFor(WAIT);
    await expectAccessible(other, 'record with a file at another node');
    const [download] = await Promise.all([other.waitForEvent('download', WAIT), button.click()]);
    const saved = join(ARTIFACTS, 'databank-attachment-interior.pdf');
    await download.saveAs(saved);
    expect(sha(readFileSync(saved))).toBe(sha(file));
    expect(pageErrors).toEqual([]);
  });
});
