/**
 * End-to-end: the duty desk's compose form as an officer uses it (issue #15 items 1 and 4), in
 * headless Chromium against three agency nodes whose clock the test sets (the nodes take `Clock`;
 * the clock ticks from the instant set, so the bus and outbox run as usual; sessions are judged by
 * that clock too, so the officer signs in again after each jump).
 *
 * 1. Defaults are the obligation being fulfilled now, in the unit's zone: daily today (with a note
 *    when its window is ahead or closed), monthly the month whose window opened last, semi-annual
 *    the current half; a daily report sent in the window counts for today on "due now".
 * 2. Composing: Enter does not send, focus goes to an added item, a change row starts at the unit's
 *    checkpoint, the form is kept in the browser until sent and offered back, Cancel with changes
 *    asks, a 3,800-character word does not widen the recipient's inbox or message page.
 */
import { create } from '@bufbuild/protobuf';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Clock } from '@shekara/common';
import { MessageKind, PrepareDraftsRequestSchema, PrepareDraftsResponseSchema, RpcMethod } from '@shekara/contracts';
import { rpcCall } from '@shekara/messaging';
import { TestSystem } from '../support/harness';
import { WAIT, expectAccessible, focused, lastScreenshot, launchChromium, prepareConsoles, screenshot as shot } from './browser';
import type { BrowserGlobals } from './browser';

jest.setTimeout(240_000);

/** Real time moved to a chosen instant: it keeps ticking from there. */
class ShiftedClock extends Clock {
  private offset = 0;
  private frozen: number | null = null;
  /** Now is `iso`, ticking from there, or standing still there when `stopped` (exact window edges). */
  at(iso: string, stopped = false): void {
    this.offset = new Date(iso).getTime() - Date.now();
    this.frozen = stopped ? new Date(iso).getTime() : null;
  }
  now(): Date {
    return new Date(this.frozen ?? Date.now() + this.offset);
  }
}

const field = (path: string) => `#f-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;

async function signIn(page: Page, base: string, username: string): Promise<void> {
  await page.goto(base + '/');
  await page.getByLabel('Имя пользователя').fill(username);
  await page.getByLabel('Пароль').fill('shekara-demo');
  await page.getByRole('button', { name: 'Войти' }).click();
  await page.getByRole('heading', { level: 1, name: 'Обстановка дежурной смены' }).waitFor(WAIT);
}

/** Wider than the window means something (a long word) broke the layout. */
const overflows = (page: Page) =>
  page.evaluate(() => {
    const d = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
    return d.scrollWidth - d.clientWidth;
  });

describe('duty desk compose form (headless Chromium, the nodes on a set clock)', () => {
  const sys = new TestSystem();
  const clock = new ShiftedClock();
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    prepareConsoles();
    // Kazakhstan is UTC+05:00 throughout; dates after today so that no session or bound sees them as past.
    clock.at('2027-06-30T07:30:00+05:00');
    sys.clock = clock;
    await sys.start();
    browser = await launchChromium();
    // The browser runs in UTC: the defaults must follow the unit's zone, not the browser's.
    ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ru-RU', timezoneId: 'UTC' });
    page = await ctx.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await signIn(page, sys.url('border'), 'border.duty');
  });

  afterEach(async () => {
    await lastScreenshot(page, 'last-compose');
  });

  afterAll(async () => {
    await browser?.close();
    await sys.cleanup();
  });

  /** A token issued at the clock's now (sessions and tokens are judged by the nodes' clock, so none is kept across a jump). */
  const freshToken = async (): Promise<string> => {
    const r = await sys.api('border', 'POST', '/api/auth/login', { username: 'border.duty', password: 'shekara-demo' });
    if (r.status !== 200) throw new Error(`login: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.accessToken;
  };
  /** Moves the nodes' clock and signs the officer in again (a shift's session does not survive days or a step back). */
  const jump = async (iso: string) => {
    clock.at(iso);
    await ctx.clearCookies();
    await signIn(page, sys.url('border'), 'border.duty');
  };
  const open = async (kind: string, h1: RegExp | string) => {
    await page.goto(`${sys.url('border')}/compose/${kind}`);
    await page.getByRole('heading', { level: 1, name: h1 }).waitFor(WAIT);
  };
  const period = async (kind: string) =>
    kind === 'semiannual' ? `${await page.locator(field('semiannual.period')).inputValue()}-${await page.locator(`${field('semiannual.period')}-half`).inputValue()}` : page.locator(field(`${kind}.period`)).inputValue();
  const note = () => page.locator('#compose-note');

  it('GET /api/due/periods: the periods now, in the unit zone, at the window edges', async () => {
    expect((await sys.api('border', 'GET', '/api/due/periods')).status).toBe(401);
    const cases: [string, string, string, string, string, string][] = [
      ['2027-06-15T06:59:00+05:00', '2027-06-15', 'before', '2027-05', 'closed', '2027-H1'],
      ['2027-06-15T07:00:00+05:00', '2027-06-15', 'open', '2027-05', 'closed', '2027-H1'],
      ['2027-06-15T09:00:00+05:00', '2027-06-15', 'open', '2027-05', 'closed', '2027-H1'],
      ['2027-06-15T09:01:00+05:00', '2027-06-15', 'closed', '2027-05', 'closed', '2027-H1'],
      ['2027-06-27T12:00:00+05:00', '2027-06-27', 'closed', '2027-05', 'closed', '2027-H1'],
      ['2027-06-28T00:00:01+05:00', '2027-06-28', 'before', '2027-06', 'open', '2027-H1'],
      ['2027-06-30T08:00:00+05:00', '2027-06-30', 'open', '2027-06', 'open', '2027-H1'],
      ['2027-07-01T08:00:00+05:00', '2027-07-01', 'open', '2027-06', 'open', '2027-H2'],
      ['2027-07-05T23:59:00+05:00', '2027-07-05', 'closed', '2027-06', 'open', '2027-H2'],
      ['2027-07-06T00:00:01+05:00', '2027-07-06', 'before', '2027-06', 'closed', '2027-H2'],
    ];
    try {
      for (const [at, day, dayState, month, monthState, half] of cases) {
        clock.at(at, true);
        const r = await sys.api('border', 'GET', '/api/due/periods', undefined, await freshToken());
        expect(r.status).toBe(200);
        expect([at, r.body.daily.period, r.body.daily.state, r.body.monthly.period, r.body.monthly.state, r.body.semiannual.period]).toEqual([at, day, dayState, month, monthState, half]);
        expect(r.body.zone).toMatch(/^Asia\//);
      }
    } finally {
      clock.at('2027-06-30T07:30:00+05:00');
    }
  });

  it('item 1: every form starts at the obligation due now; a daily report in the window counts for today', async () => {
    await jump('2027-06-30T07:30:00+05:00'); // 02:30 UTC: in UTC it is also the 30th, yesterday would be the 29th
    await open('daily', 'Ежедневная информация');
    expect(await period('daily')).toBe('2027-06-30');
    expect(await note().count()).toBe(0); // the window is open: nothing to warn about
    // a change row starts at the unit's own checkpoint, and focus goes there
    await page.getByRole('button', { name: 'Добавить: изменение' }).click();
    expect(await page.locator(field('daily.changes.0.checkpointId')).inputValue()).toBe('CP-CN-A-01');
    expect(await focused(page)).toBe('f-daily-changes-0-checkpointId');
    await page.locator(field('daily.summary')).fill('Обстановка на участке без изменений.');
    await page.locator(field('daily.changes.0.situation')).fill('Поток грузового транспорта в норме.');
    await expectAccessible(page, 'daily form (defaults)');
    await shot(page, 'compose-01-daily-defaults');
    await page.getByRole('button', { name: 'Отправить' }).click();
    await page.getByText('Отправлено.').waitFor(WAIT);
    await page.getByRole('heading', { level: 1, name: 'Ежедневная информация 2027-06-30' }).waitFor(WAIT);
    const dailyId = /\/messages\/([0-9a-f-]{36})/.exec(page.url())![1];

    // "due now": today's daily obligation is met towards every counterpart, by this report
    const due = (await sys.api('border', 'GET', '/api/due', undefined, await freshToken())).body;
    expect(due.daily.day).toBe('2027-06-30');
    expect(due.daily.state).toBe('open');
    expect(due.daily.counterparts.length).toBeGreaterThan(0);
    expect(due.daily.counterparts.every((c: { sentMessageId: string | null }) => c.sentMessageId === dailyId)).toBe(true);
    await page.getByRole('navigation', { name: 'Основная навигация' }).getByRole('link', { name: 'Обстановка' }).click();
    await page.getByRole('heading', { level: 1, name: 'Обстановка дежурной смены' }).waitFor(WAIT);
    await page.locator('.window.state-open').first().getByRole('link', { name: 'отправлено' }).first().waitFor(WAIT);
    expect(await page.locator('.window.state-open').first().getByText('не отправлено').count()).toBe(0);
    await shot(page, 'compose-02-due-now-daily-sent');

    // monthly: the window for June opened on the 28th; semi-annual: the first half
    await open('monthly', 'Ежемесячная информация');
    expect(await period('monthly')).toBe('2027-06');
    await open('semiannual', /Полугодовая информация/);
    expect(await period('semiannual')).toBe('2027-H1');

    // after the window closed: still today, with a note that it is late but owed
    clock.at('2027-06-30T09:01:00+05:00');
    await open('daily', 'Ежедневная информация');
    expect(await period('daily')).toBe('2027-06-30');
    await note().waitFor(WAIT);
    expect(await note().textContent()).toMatch(/Окно за 2027-06-30 закрылось 30\.06\.2027 09:00.*с опозданием/);
    await expectAccessible(page, 'daily form (late)');
    await shot(page, 'compose-03-daily-late-note');

    // before the window on 1 July: the day ahead, June still open for the monthly report, the second half
    await jump('2027-07-01T06:59:00+05:00');
    await open('daily', 'Ежедневная информация');
    expect(await period('daily')).toBe('2027-07-01');
    expect(await note().textContent()).toMatch(/Донесение за 2027-07-01: окно приёма откроется 01\.07\.2027 07:00/);
    await shot(page, 'compose-04-daily-ahead-note');
    await open('monthly', 'Ежемесячная информация');
    expect(await period('monthly')).toBe('2027-06');
    expect(await note().count()).toBe(0);
    await open('semiannual', /Полугодовая информация/);
    expect(await period('semiannual')).toBe('2027-H2');

    // from the 6th the June window has closed: June, late but owed
    await jump('2027-07-06T10:00:00+05:00');
    await open('monthly', 'Ежемесячная информация');
    expect(await period('monthly')).toBe('2027-06');
    expect(await note().textContent()).toMatch(/Окно за 2027-06 закрылось 05\.07\.2027 23:59/);
    await shot(page, 'compose-05-monthly-late-note');
    // "due now" still offers today's late daily report, and the form says it is late
    await page.getByRole('navigation', { name: 'Основная навигация' }).getByRole('link', { name: 'Обстановка' }).click();
    await page.getByRole('heading', { level: 1, name: 'Обстановка дежурной смены' }).waitFor(WAIT);
    await page.locator('.window.state-closed').first().getByRole('link', { name: 'Составить с опозданием' }).click();
    await page.getByRole('heading', { level: 1, name: 'Ежедневная информация' }).waitFor(WAIT);
    expect(await period('daily')).toBe('2027-07-06');
    expect(await note().textContent()).toMatch(/Окно за 2027-07-06 закрылось/);

    // English on demand
    await open('monthly', 'Ежемесячная информация');
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Monthly information' }).waitFor(WAIT);
    await page.goto(`${sys.url('border')}/compose/monthly`);
    await page.getByText(/The window for 2027-06 closed at .* still owed/).waitFor(WAIT);
    await page.getByRole('button', { name: 'Переключить на русский' }).click();
    await page.getByRole('heading', { level: 1, name: 'Ежемесячная информация' }).waitFor(WAIT);

    // a scheduler draft for an earlier day keeps its period, and the form says which one is owed now
    const nc = await sys.connectAs('scheduler');
    try {
      const req = create(PrepareDraftsRequestSchema, { kind: MessageKind.DAILY, period: '2027-07-05', unitIds: ['border.l4.CP-CN-A-01'] });
      await rpcCall(nc, sys.names.rpcFrom('border', 'scheduler', RpcMethod.PrepareDrafts), PrepareDraftsRequestSchema, req, PrepareDraftsResponseSchema);
    } finally {
      await nc.close();
    }
    const drafts = (await sys.api('border', 'GET', '/api/drafts', undefined, await freshToken())).body as { id: string; period: string }[];
    const old = drafts.find((d) => d.period === '2027-07-05')!;
    await page.goto(`${sys.url('border')}/compose/daily?draft=${old.id}`);
    await page.getByRole('heading', { level: 1, name: 'Ежедневная информация' }).waitFor(WAIT);
    expect(await period('daily')).toBe('2027-07-05');
    expect(await note().textContent()).toContain('Черновик составлен за 2027-07-05; сейчас подаётся донесение за 2027-07-06.');
    await jump('2027-06-30T07:30:00+05:00');
    expect(pageErrors).toEqual([]);
  });

  it('item 4: Enter does not send, focus to an added person, the form kept until sent, Cancel with changes asks', async () => {
    await page.goto(`${sys.url('border')}/compose`);
    await page.getByRole('link', { name: 'Задержанные незаконные мигранты' }).click();
    await page.getByRole('heading', { level: 1, name: 'Срочная информация' }).waitFor(WAIT);
    // the time of the oral report starts at the node's now (30 June 2027 07:3x in the unit's zone), not the browser's
    expect(await page.locator(field('reportedAt')).inputValue()).toMatch(/^2027-06-30T07:3\d$/);
    const surname0 = field('urgent.detainedMigrants.persons.0.surname');
    await page.locator(surname0).fill('Wang');
    // Enter in a one-line field: nothing is sent, no required-field check runs
    await page.locator(surname0).press('Enter');
    await page.waitForTimeout(500);
    expect(await page.locator('.error-summary').count()).toBe(0);
    expect(page.url()).toContain('/compose/urgent');
    // a new person: focus moves to its first field
    await page.getByRole('button', { name: 'Добавить: лицо' }).click();
    expect(await focused(page)).toBe('f-urgent-detainedMigrants-persons-1-surname');
    await page.keyboard.type('Tursunov');
    await page.locator(field('urgent.summary')).fill('Задержаны двое (черновик)');
    await shot(page, 'compose-06-urgent-added-person');

    // the browser closes the tab (reload): the form is offered back and restored
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Срочная информация' }).waitFor(WAIT);
    await page.getByText(/Есть неотправленный черновик этой формы/).waitFor(WAIT);
    await expectAccessible(page, 'urgent form (draft offered)');
    await shot(page, 'compose-07-draft-offered');
    await page.getByRole('button', { name: 'Восстановить черновик' }).click();
    expect(await page.locator(field('urgent.detainedMigrants.persons.1.surname')).inputValue()).toBe('TURSUNOV');
    expect(await page.locator(field('urgent.summary')).inputValue()).toBe('Задержаны двое (черновик)');

    // Cancel with changes asks; refusing keeps the form, accepting discards it and the kept draft
    const dialogs: string[] = [];
    page.once('dialog', (d) => (dialogs.push(d.message()), void d.dismiss()));
    await page.getByRole('link', { name: 'Отмена' }).click();
    await page.waitForTimeout(300);
    expect(dialogs).toEqual(['Отменить донесение? Введённые данные будут удалены.']);
    expect(page.url()).toContain('/compose/urgent');
    expect(await page.locator(field('urgent.summary')).inputValue()).toBe('Задержаны двое (черновик)');
    page.once('dialog', (d) => (dialogs.push(d.message()), void d.accept()));
    await page.getByRole('link', { name: 'Отмена' }).click();
    await page.getByRole('heading', { level: 1, name: 'Новое донесение' }).waitFor(WAIT);
    expect(dialogs).toHaveLength(2);
    await page.getByRole('link', { name: 'Задержанные незаконные мигранты' }).click();
    await page.getByRole('heading', { level: 1, name: 'Срочная информация' }).waitFor(WAIT);
    expect(await page.getByText(/Есть неотправленный черновик/).count()).toBe(0);
    expect(await page.locator(field('urgent.summary')).inputValue()).toBe('');
    // Cancel without changes does not ask
    await page.getByRole('link', { name: 'Отмена' }).click();
    await page.getByRole('heading', { level: 1, name: 'Новое донесение' }).waitFor(WAIT);
    expect(dialogs).toHaveLength(2);

    // kept per kind until sent: leave the daily form half-done, come back, restore, send; then nothing is offered
    await open('daily', 'Ежедневная информация');
    await page.locator(field('daily.summary')).fill('Без изменений (черновик)');
    await page.getByRole('navigation', { name: 'Основная навигация' }).getByRole('link', { name: 'Исходящие' }).click();
    await page.getByRole('heading', { level: 1, name: 'Исходящие донесения' }).waitFor(WAIT);
    await open('daily', 'Ежедневная информация');
    await page.getByRole('button', { name: 'Восстановить черновик' }).click();
    expect(await page.locator(field('daily.summary')).inputValue()).toBe('Без изменений (черновик)');
    await page.getByRole('button', { name: 'Отправить' }).click();
    await page.getByText('Отправлено.').waitFor(WAIT);
    await open('daily', 'Ежедневная информация');
    expect(await page.getByText(/Есть неотправленный черновик/).count()).toBe(0);
    expect(await page.locator(field('daily.summary')).inputValue()).toBe('');
    // the draft is the unit's and kind's: another kind has none
    await open('monthly', 'Ежемесячная информация');
    expect(await page.getByText(/Есть неотправленный черновик/).count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('item 4: a 3,800-character word wraps in the recipient inbox and on the message page', async () => {
    const word = 'Ж'.repeat(3800);
    await open('daily', 'Ежедневная информация');
    await page.locator(field('daily.summary')).fill(word);
    await page.getByRole('button', { name: 'Отправить' }).click();
    await page.getByText('Отправлено.').waitFor(WAIT);
    expect(await overflows(page)).toBeLessThanOrEqual(0);
    await shot(page, 'compose-08-long-word-sender');

    const ictx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ru-RU', timezoneId: 'UTC' });
    const interior = await ictx.newPage();
    interior.on('pageerror', (e) => pageErrors.push(`interior: ${e.message}`));
    try {
      await signIn(interior, sys.url('interior'), 'interior.duty');
      await interior.goto(`${sys.url('interior')}/inbox`);
      await interior.getByRole('heading', { level: 1, name: 'Входящие донесения' }).waitFor(WAIT);
      const row = interior.locator('table.messages tbody tr', { hasText: 'Ж'.repeat(40) });
      await row.first().waitFor(WAIT);
      expect(await overflows(interior)).toBeLessThanOrEqual(0);
      // the other columns keep a readable width
      const box = await interior.locator('table.messages tbody tr').first().locator('td').nth(2).boundingBox();
      expect(box!.width).toBeGreaterThan(80);
      await shot(interior, 'compose-09-long-word-inbox');
      await row.first().locator('td.summary a').click();
      await interior.getByRole('heading', { level: 1, name: /Ежедневная информация/ }).waitFor(WAIT);
      await interior.getByText('Ж'.repeat(40)).first().waitFor(WAIT);
      expect(await overflows(interior)).toBeLessThanOrEqual(0);
      await shot(interior, 'compose-10-long-word-message');
    } finally {
      await lastScreenshot(interior, 'last-compose-interior');
      await ictx.close();
    }
    expect(pageErrors).toEqual([]);
    expect(await page.evaluate(() => (globalThis as unknown as BrowserGlobals).document.documentElement.lang)).toBe('ru');
  });
});
