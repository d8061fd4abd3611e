/**
 * End-to-end (headless Chromium): the duty desk in Russian and in English as used on a shift.
 * The migration post officer works in English, the border officer in Russian. Each gets an urgent
 * report from the other: the notification arrives live in the officer's language (unit names from
 * the directory, topic label, local time), the tab title carries the count, a desktop notification
 * is raised (permission granted to the page), and it is acknowledged. A condition the server refuses
 * (a checkpoint id) comes back as a code and shows beside its field in each language. Then: the
 * countdown of an urgent report within its 2 hours, the outbox's "awaiting confirmation", search,
 * the printable view with the marking and the signature block, the summary's length limit, and
 * sign-out forgetting the drafts kept in the browser. Screenshots in test-artifacts/e2e/.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { TestSystem } from '../support/harness';
import { PASSWORD, WAIT, expectAccessible, lastScreenshot, launchChromium, prepareConsoles, screenshot as shot } from './browser';
import { urgentDetainedMigrants } from '../exchange/fixtures';

jest.setTimeout(240_000);

const BORDER = 'border.l4.CP-CN-A-01';
const INTERIOR = 'interior.l4.CP-CN-A-01';

async function signIn(page: Page, base: string, username: string, home: RegExp): Promise<void> {
  await page.goto(base + '/');
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(PASSWORD);
  await page.locator('form.login button[type=submit]').click();
  await page.getByRole('heading', { level: 1, name: home }).waitFor(WAIT);
}

/** The page's globals inside page.evaluate (the root tsconfig has no DOM library). */
type Dom = {
  document: { title: string; querySelector(selector: string): { textContent: string | null } | null };
  localStorage: { setItem(k: string, v: string): void; [key: string]: unknown };
};

/** Desktop notifications the page raised (the real Notification API, recorded on the way). */
const RECORD_NOTIFICATIONS = `(() => {
  const Real = window.Notification;
  window.__raised = [];
  class Recorded extends Real { constructor(title, options) { super(title, options); window.__raised.push({ title, body: options && options.body }); } }
  Object.defineProperty(Recorded, 'permission', { get: () => Real.permission });
  Recorded.requestPermission = (...a) => Real.requestPermission(...a);
  window.Notification = Recorded;
})();`;

describe('duty desk alerts, notifications, search and print, in Russian and English (headless Chromium)', () => {
  const sys = new TestSystem();
  let browser: Browser;
  let ruCtx: BrowserContext;
  let enCtx: BrowserContext;
  let border: Page; // Russian
  let interior: Page; // English
  const pageErrors: string[] = [];
  let borderNameEn = '';
  let interiorNameRu = '';

  beforeAll(async () => {
    prepareConsoles();
    await sys.start(['border', 'interior']);
    browser = await launchChromium();
    const options = { viewport: { width: 1280, height: 900 }, timezoneId: 'UTC' };
    ruCtx = await browser.newContext({ ...options, locale: 'ru-RU' });
    enCtx = await browser.newContext({ ...options, locale: 'en-GB' });
    await enCtx.addInitScript(() => (globalThis as unknown as Dom).localStorage.setItem('shekara.lang', 'en'));
    for (const [ctx, base] of [
      [ruCtx, sys.url('border')],
      [enCtx, sys.url('interior')],
    ] as const) {
      await ctx.grantPermissions(['notifications'], { origin: base });
      await ctx.addInitScript(RECORD_NOTIFICATIONS);
    }
    border = await ruCtx.newPage();
    interior = await enCtx.newPage();
    for (const [name, p] of [['border', border], ['interior', interior]] as const) p.on('pageerror', (e) => pageErrors.push(`${name}: ${e.message}`));
    const me = (await sys.api('interior', 'GET', '/api/me', undefined, await sys.login('interior'))).body;
    const units = [me.unit, ...me.groups.flatMap((g: { members: unknown[] }) => g.members)] as { id: string; nameRu: string; nameEn: string }[];
    borderNameEn = units.find((u) => u.id === BORDER)!.nameEn;
    interiorNameRu = units.find((u) => u.id === INTERIOR)!.nameRu;
  });

  afterEach(async () => {
    await lastScreenshot(border, 'alerts-last-border');
    await lastScreenshot(interior, 'alerts-last-interior');
  });

  afterAll(async () => {
    await browser?.close();
    await sys.cleanup();
  });

  it('an urgent report alerts the recipient live, in the recipient’s language; acknowledged, the alert goes', async () => {
    await signIn(border, sys.url('border'), 'border.duty', /Обстановка дежурной смены/);
    await signIn(interior, sys.url('interior'), 'interior.duty', /Duty shift overview/);
    await interior.locator('.live.on').waitFor(WAIT);
    await border.locator('.live.on').waitFor(WAIT);
    const titleBefore = await interior.title();

    // border → interior (the interior officer reads English) and interior → border (Russian)
    const toInterior = urgentDetainedMigrants();
    toInterior.recipientUnits = [INTERIOR];
    toInterior.urgent.summary = `Two foreigners detained in a truck (${sys.runId})`;
    const sentToInterior = await sys.api('border', 'POST', '/api/messages', toInterior, await sys.login('border'));
    expect(sentToInterior.status).toBe(201);
    const toBorder = urgentDetainedMigrants();
    toBorder.senderUnit = INTERIOR;
    toBorder.recipientUnits = [BORDER];
    toBorder.urgent.summary = `Задержаны двое на трассе (${sys.runId})`;
    const sentToBorder = await sys.api('interior', 'POST', '/api/messages', toBorder, await sys.login('interior'));
    expect(sentToBorder.status).toBe(201);

    const en = interior.locator('[data-testid=notification]', { hasText: toInterior.urgent.summary });
    await en.waitFor(WAIT);
    expect(await en.textContent()).toContain(`Urgent report from ${borderNameEn}: Detained illegal migrants — “${toInterior.urgent.summary}”`);
    const ru = border.locator('[data-testid=notification]', { hasText: toBorder.urgent.summary });
    await ru.waitFor(WAIT);
    expect(await ru.textContent()).toContain(`Срочное донесение от ${interiorNameRu}: Задержанные незаконные мигранты — «${toBorder.urgent.summary}»`);
    // no raw unit ids or codes in the text
    expect(await en.textContent()).not.toContain(BORDER);
    expect(await en.textContent()).not.toContain('URGENT_');

    // the tab title carries the count, the bar a badge, and a desktop notification was raised
    await interior.waitForFunction(() => (globalThis as unknown as Dom).document.title === '(1) Duty shift overview — Shekara', undefined, WAIT);
    expect(await interior.locator('[data-testid=alert-count]').textContent()).toBe('1');
    const raised = (await interior.evaluate(() => (globalThis as unknown as { __raised: { title: string; body: string }[] }).__raised)) ?? [];
    expect(raised).toEqual([{ title: 'Urgent report', body: expect.stringContaining(toInterior.urgent.summary) }]);
    await expectAccessible(interior, 'overview with a notification (en)');
    await shot(interior, 'alerts-01-notification-en');
    await shot(border, 'alerts-02-notification-ru');

    // acknowledged: the badge and the title's count go (live, without reloading)
    await en.getByRole('button', { name: 'Acknowledge' }).click();
    await interior.locator('[data-testid=alert-count]').waitFor({ ...WAIT, state: 'detached' });
    await interior.waitForFunction(() => (globalThis as unknown as Dom).document.title === 'Duty shift overview — Shekara', undefined, WAIT);
    expect(titleBefore).toBe('Duty shift overview — Shekara');
    await interior.locator('[data-testid=notification].acked', { hasText: toInterior.urgent.summary }).getByText(/acknowledged by interior\.duty/).waitFor(WAIT);
    await shot(interior, 'alerts-03-acknowledged-en');
  });

  it('the desk counts down an urgent report within its 2 hours; the outbox marks it awaiting confirmation', async () => {
    await border.reload();
    const pending = border.locator('[data-testid=pending-confirmation]').first();
    await pending.waitFor(WAIT);
    expect(await pending.locator('.countdown').textContent()).toMatch(/^Осталось 1:\d\d:\d\d$/);
    const first = await pending.locator('.countdown').textContent();
    await border.waitForFunction((f) => (globalThis as unknown as Dom).document.querySelector('[data-testid=pending-confirmation] .countdown')?.textContent !== f, first, WAIT);
    await shot(border, 'alerts-04-pending-countdown-ru');
    await border.getByRole('navigation').getByRole('link', { name: 'Исходящие' }).click();
    await border.locator('[data-testid=awaiting-confirmation]').first().waitFor(WAIT);
    expect(await border.locator('[data-testid=awaiting-confirmation]').first().textContent()).toBe('ждёт подтверждения');
    await expectAccessible(border, 'outbox awaiting confirmation');
  });

  it('search: by person and text; a checkpoint the server refuses shows its message in the officer’s language', async () => {
    await border.getByRole('navigation').getByRole('link', { name: 'Поиск' }).click();
    await border.getByRole('heading', { level: 1, name: 'Поиск донесений' }).waitFor(WAIT);
    await border.locator('#s-surname').fill('wang');
    await border.locator('#s-text').fill('foreigners');
    await border.getByRole('button', { name: 'Найти' }).click();
    await border.locator('[data-testid=search-total]').getByText('Найдено: 1').waitFor(WAIT);
    await expectAccessible(border, 'search results');
    await shot(border, 'alerts-05-search-ru');

    await border.locator('#s-surname').fill('');
    await border.locator('#s-text').fill('');
    await border.locator('#s-checkpoint').fill('nowhere');
    await border.getByRole('button', { name: 'Найти' }).click();
    await border.locator('#s-checkpoint-err').waitFor(WAIT);
    expect(await border.locator('#s-checkpoint-err').textContent()).toBe('должно быть кодом пункта пропуска вида «CP-CN-A-01»');
    await shot(border, 'alerts-06-search-error-ru');

    await interior.goto(sys.url('interior') + '/search?checkpoint=nowhere');
    await interior.locator('#s-checkpoint-err').waitFor(WAIT);
    expect(await interior.locator('#s-checkpoint-err').textContent()).toBe('must be a checkpoint id like "CP-CN-A-01"');
    await expectAccessible(interior, 'search with a server error (en)');
    await shot(interior, 'alerts-07-search-error-en');
  });

  it('prints one message with its marking and signature block', async () => {
    await border.goto(sys.url('border') + '/search?surname=wang&text=foreigners');
    await border.locator('table.messages a').first().click();
    await border.getByRole('link', { name: 'Версия для печати' }).click();
    await border.locator('[data-testid=signature-block]').waitFor(WAIT);
    expect(await border.locator('[data-testid=marking-top]').textContent()).toBe('ДСП (для служебного пользования)');
    expect(await border.locator('[data-testid=marking-bottom]').textContent()).toBe('ДСП (для служебного пользования)');
    const block = (await border.locator('[data-testid=signature-block]').textContent()) ?? '';
    expect(block).toContain(`${BORDER}#`);
    expect(block).toMatch(/([0-9A-F]{2}:){31}[0-9A-F]{2}/);
    await expectAccessible(border, 'print view');
    await border.emulateMedia({ media: 'print' });
    expect(await border.locator('header.top').isVisible()).toBe(false);
    await shot(border, 'alerts-08-print-ru');
    await border.emulateMedia({ media: 'screen' });
  });

  it('the summary has a length limit with a clear message; sign-out forgets the drafts of this browser', async () => {
    await border.goto(sys.url('border') + '/compose/urgent?topic=detained-migrants');
    await border.getByRole('heading', { level: 1, name: 'Срочная информация' }).waitFor(WAIT);
    await border.locator('#f-urgent-summary').fill('я'.repeat(4001));
    const counter = border.locator('[data-testid=f-urgent-summary-counter]');
    await counter.waitFor(WAIT);
    expect(await counter.textContent()).toBe('Слишком длинный текст: 4001 символов при пределе 4000. Сократите его, иначе донесение не будет отправлено.');
    await border.getByRole('button', { name: 'Отправить' }).click();
    expect(await border.locator('#f-urgent-summary-err').textContent()).toContain('4001');
    await shot(border, 'alerts-09-summary-too-long-ru');
    await border.waitForFunction(() => Object.keys((globalThis as unknown as Dom).localStorage).some((k) => k.startsWith('shekara.desk.draft.')), undefined, WAIT);
    await border.getByRole('button', { name: 'Выйти' }).click();
    await border.locator('#username').waitFor(WAIT);
    expect(await border.evaluate(() => Object.keys((globalThis as unknown as Dom).localStorage).filter((k) => k.startsWith('shekara.desk.draft.')))).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
