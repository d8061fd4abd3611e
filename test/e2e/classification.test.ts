/**
 * Classification in the duty desk (#15 item 7), as officers use it, in headless Chromium against
 * real nodes: a CONFIDENTIAL report from border reaches the migration post. Its duty officer
 * (cleared FOR_OFFICIAL_USE) sees it in the inbox only as restricted, without its text, and opening
 * it is refused in Russian; the senior duty officer (cleared CONFIDENTIAL) opens it under its
 * marking. A FOR_OFFICIAL_USE report prints with its marking. A CONFIDENTIAL urgent report is shown
 * without its text to the uncleared duty officers of the sending unit ("due now") and of the
 * receiving one (a notification stored with the summary, as older nodes stored it). Screenshots in
 * test-artifacts/e2e/classification-*.png.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { TestSystem, eventually } from '../support/harness';
import { BORDER, INTERIOR, daily, urgentDetainedMigrants } from '../exchange/fixtures';
import { WAIT, expectAccessible, lastScreenshot, launchChromium, prepareConsoles, screenshot } from './browser';
import { PASSWORD } from './browser';

jest.setTimeout(180_000);

const SECRET = 'SECRETWORD: operation near post 214';
const OFFICIAL = 'OPENWORD: all quiet at the post';
const shot = (page: Page, name: string) => screenshot(page, `classification-${name}`);

async function signIn(page: Page, base: string, username: string): Promise<void> {
  await page.goto(base + '/');
  await page.getByLabel('Имя пользователя').fill(username);
  await page.getByLabel('Пароль').fill(PASSWORD);
  await page.getByRole('button', { name: 'Войти' }).click();
  await page.getByRole('heading', { level: 1, name: 'Обстановка дежурной смены' }).waitFor(WAIT);
}

async function inbox(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Основная навигация' }).getByRole('link', { name: /Входящие/ }).click();
  await page.getByRole('heading', { level: 1, name: 'Входящие донесения' }).waitFor(WAIT);
}

describe('classification at the duty desk (headless Chromium)', () => {
  const sys = new TestSystem();
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let page: Page | undefined;
  let secretId: string;
  let officialId: string;

  beforeAll(async () => {
    prepareConsoles();
    await sys.start(['border', 'interior']);
    browser = await launchChromium();
    const secret = await sys.api('border', 'POST', '/api/messages', { ...daily(SECRET), recipientUnits: [INTERIOR], classification: 'CLASSIFICATION_CONFIDENTIAL' }, await sys.login('border', 'senior'));
    const official = await sys.api('border', 'POST', '/api/messages', { ...daily(OFFICIAL), recipientUnits: [INTERIOR] }, await sys.login('border'));
    secretId = secret.body.id;
    officialId = official.body.id;
    await eventually(async () => (await sys.sql('interior', `SELECT 1 FROM messages WHERE id = ANY($1::uuid[])`, [[secretId, officialId]])).length === 2, 20_000, 'both delivered');
  });
  afterEach(() => lastScreenshot(page, 'classification-last'));
  afterAll(async () => {
    await browser?.close();
    await sys.cleanup();
  });

  async function newPage(): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ru-RU', timezoneId: 'UTC' });
    contexts.push(ctx);
    page = await ctx.newPage();
    return page;
  }

  it('the duty officer cleared FOR_OFFICIAL_USE sees it restricted and cannot open it', async () => {
    const p = await newPage();
    await signIn(p, sys.url('interior'), 'interior.duty');
    await inbox(p);
    const row = p.getByRole('link', { name: /Ограниченный доступ: гриф «Конфиденциально» выше вашего допуска/ });
    await row.waitFor(WAIT);
    await p.getByRole('link', { name: OFFICIAL }).waitFor(WAIT);
    expect(await p.content()).not.toContain('SECRETWORD');
    await expectAccessible(p, 'inbox with a restricted report');
    await shot(p, '01-inbox-restricted');
    await row.click();
    await p.getByText('Сообщение имеет гриф выше вашего допуска').waitFor(WAIT);
    expect(await p.content()).not.toContain('SECRETWORD');
    await shot(p, '02-open-refused');
    expect((await sys.sql('interior', `SELECT status FROM message_recipients WHERE message_id = $1`, [secretId]))[0].status).toBe('DELIVERED');
  });

  it('the senior duty officer cleared CONFIDENTIAL opens it under its marking (audited)', async () => {
    const p = await newPage();
    await signIn(p, sys.url('interior'), 'interior.senior');
    await inbox(p);
    await p.getByRole('link', { name: SECRET }).click();
    await p.getByText('Гриф: Конфиденциально').waitFor(WAIT);
    await p.locator('.lead', { hasText: SECRET }).waitFor(WAIT);
    await expectAccessible(p, 'confidential report opened');
    await shot(p, '03-opened-cleared');
    // Every opening is recorded (the page reloads the report once its READ is recorded: two).
    const opened = await sys.sql('interior', `SELECT DISTINCT actor FROM audit_log WHERE message_id = $1 AND action = 'classified-opened'`, [secretId]);
    expect(opened).toEqual([{ actor: 'interior.senior' }]);
  });

  it('a FOR_OFFICIAL_USE report prints with its marking', async () => {
    const p = page!;
    await inbox(p);
    await p.getByRole('link', { name: OFFICIAL }).click();
    await p.locator('.lead', { hasText: OFFICIAL }).waitFor(WAIT);
    await p.emulateMedia({ media: 'print' });
    const marking = p.getByText('Гриф: ДСП (для служебного пользования)');
    await marking.waitFor(WAIT);
    expect(await marking.isVisible()).toBe(true);
    await shot(p, '04-print-for-official-use');
    await p.emulateMedia({ media: 'screen' });
  });

  it('a CONFIDENTIAL urgent report: the uncleared officers see its marking, not its text, in "due now" and in the notifications', async () => {
    const body = urgentDetainedMigrants();
    body.recipientUnits = [INTERIOR];
    body.classification = 'CLASSIFICATION_CONFIDENTIAL';
    body.urgent.summary = 'SECRETWORD: two detained near post 214';
    const sent = await sys.api('border', 'POST', '/api/messages', body, await sys.login('border', 'senior'));
    expect(sent.status).toBe(201);
    const urgentId: string = sent.body.id;
    // The alert as older nodes stored it: with the summary (in params and in the Russian text).
    const [{ id }] = await eventually(async () => {
      const rows = await sys.sql('interior', `SELECT id FROM notifications WHERE message_id = $1`, [urgentId]);
      return rows.length ? rows : undefined;
    }, 20_000, 'the alert stored');
    await sys.sql('interior', `UPDATE notifications SET params = params || jsonb_build_object('summary', $2::text), text = $3 WHERE id = $1`, [id, body.urgent.summary, `Поступило срочное донесение от ${BORDER}: «${body.urgent.summary}».`]);

    // The sending unit's duty officer (FOR_OFFICIAL_USE): the report awaits its confirmation, shown by its marking.
    const sender = await newPage();
    await signIn(sender, sys.url('border'), 'border.duty');
    const owed = sender.getByTestId('pending-confirmation').filter({ hasText: 'Ограниченный доступ: гриф «Конфиденциально» выше вашего допуска' });
    await owed.waitFor(WAIT);
    expect(await sender.content()).not.toContain('SECRETWORD');
    await expectAccessible(sender, 'due now with a restricted urgent report');
    await shot(sender, '05-due-restricted');

    // The receiving unit's duty officer: the notification without the summary, with the note that it is restricted.
    const recipient = await newPage();
    await signIn(recipient, sys.url('interior'), 'interior.duty');
    await recipient.locator('.notifications').getByText(/гриф выше вашего допуска, содержание по допуску/).first().waitFor(WAIT);
    expect(await recipient.content()).not.toContain('SECRETWORD');
    await shot(recipient, '06-notification-restricted');

    // Cleared (the senior officer of the sending unit): the summary with its countdown.
    const cleared = await newPage();
    await signIn(cleared, sys.url('border'), 'border.senior');
    await cleared.getByTestId('pending-confirmation').filter({ hasText: 'SECRETWORD' }).waitFor(WAIT);
  });
});
