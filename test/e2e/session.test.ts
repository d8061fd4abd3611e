/**
 * End-to-end: one sign-in per browser. A duty officer signs in in one tab; a second tab of the same
 * browser opens the desk without signing in again (the session cookie, never a token in storage or a
 * URL); signing out in one tab ends the session for the other too. Headless Chromium against a real node.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { TestSystem } from '../support/harness';
import { PASSWORD, WAIT, lastScreenshot, launchChromium, prepareConsoles, screenshot } from './browser';

jest.setTimeout(120_000);

const DESK = { level: 1, name: 'Обстановка дежурной смены' } as const;
const LOGIN = { level: 1, name: 'Вход в систему' } as const;

describe('sessions in the browser (headless Chromium)', () => {
  const sys = new TestSystem();
  let browser: Browser;
  let ctx: BrowserContext;

  beforeAll(async () => {
    prepareConsoles();
    await sys.start(['border']);
    browser = await launchChromium();
    ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ru-RU' });
  });
  afterAll(async () => {
    await browser?.close();
    await sys.cleanup();
  });

  it('signs in once for every tab, keeps no token in storage or URLs, and signs out everywhere', async () => {
    const base = sys.url('border');
    const first = await ctx.newPage();
    try {
      await first.goto(base + '/');
      await first.getByLabel('Имя пользователя').fill('border.duty');
      await first.getByLabel('Пароль').fill(PASSWORD);
      await first.getByRole('button', { name: 'Войти' }).click();
      await first.getByRole('heading', DESK).waitFor(WAIT);
      // Nothing like a JWT ("eyJ…") is kept where scripts could read it later.
      expect(await first.evaluate(() => { const g = globalThis as unknown as { sessionStorage: object; localStorage: object }; return JSON.stringify({ ...g.sessionStorage }) + JSON.stringify({ ...g.localStorage }); })).not.toMatch(/eyJ/);
      const cookies = await ctx.cookies(base + '/api/me');
      expect(cookies.find((c) => c.name === 'shekara_session_border')).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api' });

      const requests: string[] = [];
      const second = await ctx.newPage();
      second.on('request', (r) => requests.push(r.url()));
      await second.goto(base + '/');
      await second.getByRole('heading', DESK).waitFor(WAIT);
      await screenshot(second, 'session-second-tab');
      expect(requests.filter((u) => /token/i.test(new URL(u).search))).toEqual([]);

      await second.getByRole('button', { name: 'Выйти' }).click();
      await second.getByRole('heading', LOGIN).waitFor(WAIT);
      // The first tab's next request finds the session ended (its token is refused, no renewal): sign-in.
      await first.reload();
      await first.getByRole('heading', LOGIN).waitFor(WAIT);
      await screenshot(first, 'session-signed-out');
    } catch (err) {
      await lastScreenshot(first, 'session-failure');
      throw err;
    }
  });
});
