/**
 * End-to-end: the duty desk console in headless Chromium against the real running system (three
 * agency nodes in this process on the real PostgreSQL and NATS, see test/support/harness.ts).
 *
 * A border duty officer signs in, sends an urgent report about detained migrants, the migration
 * post officer sees it arrive live and opens it, the border officer sees DELIVERED then READ and
 * confirms in writing before the 2-hour deadline. Every main screen is checked with axe-core
 * (serious or critical violations fail the test) and kept as a screenshot in test-artifacts/e2e/.
 *
 * Needs Debian's chromium and builds the console first (see ./browser.ts).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { TestSystem } from '../support/harness';
import { PASSWORD, WAIT, expectAccessible, lastScreenshot, keyboardSignIn, launchChromium, prepareConsoles, screenshot as shot } from './browser';
import type { BrowserGlobals } from './browser';

jest.setTimeout(180_000);

const BORDER = 'border.l4.CP-CN-A-01';
const INTERIOR = 'interior.l4.CP-CN-A-01';

/** "#f-urgent-detainedMigrants-persons-0-surname": the id the console gives the field at a dotted path. */
const field = (path: string) => `#f-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;

async function signIn(page: Page, base: string, username: string): Promise<void> {
  await page.goto(base + '/');
  await page.getByLabel('Имя пользователя').fill(username);
  await page.getByLabel('Пароль').fill(PASSWORD);
  await page.getByRole('button', { name: 'Войти' }).click();
  await page.getByRole('heading', { level: 1, name: 'Обстановка дежурной смены' }).waitFor(WAIT);
}

/** The same sign-in with the keyboard only: skip link, language switch, user name, password, Enter. */
async function signInWithKeyboard(page: Page, base: string, username: string): Promise<void> {
  await page.goto(base + '/');
  await page.getByRole('heading', { level: 1, name: 'Вход в систему' }).waitFor(WAIT);
  await keyboardSignIn(page, username);
  await page.getByRole('heading', { level: 1, name: 'Обстановка дежурной смены' }).waitFor(WAIT);
}

async function recipientStatus(page: Page, unit: string, status: string): Promise<void> {
  await page.locator(`table.recipients tr[data-unit="${unit}"][data-status="${status}"]`).waitFor(WAIT);
}

describe('duty desk console (headless Chromium)', () => {
  const sys = new TestSystem();
  let browser: Browser;
  let borderCtx: BrowserContext;
  let interiorCtx: BrowserContext;
  let border: Page;
  let interior: Page;
  const pageErrors: string[] = [];
  let options: Parameters<Browser['newContext']>[0];

  beforeAll(async () => {
    prepareConsoles();
    await sys.start();
    browser = await launchChromium();
    // The browsers run in UTC on purpose: the console must show the unit's zone, not the browser's.
    options = { viewport: { width: 1280, height: 900 }, locale: 'ru-RU', timezoneId: 'UTC' };
    borderCtx = await browser.newContext(options);
    interiorCtx = await browser.newContext(options);
    border = await borderCtx.newPage();
    interior = await interiorCtx.newPage();
    for (const [name, p] of [['border', border], ['interior', interior]] as const) {
      p.on('pageerror', (e) => pageErrors.push(`${name}: ${e.message}`));
    }
  });

  afterEach(async () => {
    // On failure these show where each officer was.
    await lastScreenshot(border, 'last-border');
    await lastScreenshot(interior, 'last-interior');
  });

  afterAll(async () => {
    await browser?.close();
    await sys.cleanup();
  });

  it('urgent report about detained migrants: sent, seen live, opened, DELIVERED → READ, confirmed in writing in time', async () => {
    // --- border officer signs in
    await border.goto(sys.url('border') + '/');
    await border.getByRole('heading', { level: 1, name: 'Вход в систему' }).waitFor(WAIT);
    await expectAccessible(border, 'sign-in');
    await shot(border, '01-sign-in');
    await signIn(border, sys.url('border'), 'border.duty');
    // one's unit and interaction groups at a glance
    await border.getByText('g.l4.CP-CN-A-01').waitFor(WAIT);
    await expectAccessible(border, 'overview');
    await shot(border, '02-overview-border');

    // --- the migration post officer watches the inbox
    await signInWithKeyboard(interior, sys.url('interior'), 'interior.duty');
    await interior.getByRole('navigation', { name: 'Основная навигация' }).getByRole('link', { name: /Входящие/ }).click();
    await interior.getByRole('heading', { level: 1, name: 'Входящие донесения' }).waitFor(WAIT);
    await interior.getByText('Сообщений нет.').waitFor(WAIT);
    await interior.locator('.live.on').waitFor(WAIT); // the event stream is open

    // --- compose: every kind and topic is one click away
    await border.getByRole('navigation', { name: 'Основная навигация' }).getByRole('link', { name: 'Новое донесение' }).click();
    await border.getByRole('heading', { level: 1, name: 'Новое донесение' }).waitFor(WAIT);
    await expectAccessible(border, 'compose index');
    await shot(border, '03-compose-index');
    await border.getByRole('link', { name: 'Задержанные незаконные мигранты' }).click();
    await border.getByRole('heading', { level: 1, name: 'Срочная информация' }).waitFor(WAIT);
    // focus moved to the new page's heading
    expect(await border.evaluate(() => (globalThis as unknown as BrowserGlobals).document.activeElement?.tagName)).toBe('H1');
    expect(await border.locator(field('urgent.topic')).inputValue()).toBe('URGENT_TOPIC_DETAINED_MIGRANTS');
    // recipients default to the interaction group's other members
    expect(await border.locator(`#rcpt-${INTERIOR.replace(/\./g, '\\.')}`).isChecked()).toBe(true);

    // client-side required checks land next to the fields
    await border.getByRole('button', { name: 'Отправить' }).click();
    await border.locator('.error-summary').waitFor(WAIT);
    expect(await border.locator(field('urgent.summary')).getAttribute('aria-invalid')).toBe('true');
    expect(await border.locator(`${field('urgent.detainedMigrants.persons.0.surname')}-err`).textContent()).toContain('Обязательное поле');
    await expectAccessible(border, 'urgent form with errors');
    await shot(border, '04-urgent-form-required');

    // fill in the 5.1 fields; a wrong citizenship code is refused by the server and shown at its field
    const summary = `Задержаны двое иностранцев в грузовике на ПП «Нур Жолы» (${sys.runId})`;
    await border.locator(field('urgent.summary')).fill(summary);
    const p0 = 'urgent.detainedMigrants.persons.0';
    await border.locator(field(`${p0}.surname`)).fill('Wang');
    await border.locator(field(`${p0}.givenNames`)).fill('Lei');
    await border.locator(field(`${p0}.dateOfBirth`)).fill('1991-07-14');
    await border.locator(field(`${p0}.citizenship`)).fill('CH');
    await border.locator(field(`${p0}.sex`)).selectOption('SEX_MALE');
    await border.locator(field(`${p0}.travelDocument.type`)).selectOption('DOCUMENT_TYPE_PASSPORT');
    await border.locator(field(`${p0}.travelDocument.number`)).fill('EA1234567');
    await border.locator(field(`${p0}.travelDocument.issuingState`)).fill('CHN');
    await border.getByRole('button', { name: 'Добавить: лицо' }).click();
    const p1 = 'urgent.detainedMigrants.persons.1';
    await border.locator(field(`${p1}.surname`)).fill('Tursunov');
    await border.locator(field(`${p1}.givenNames`)).fill('Aziz');
    await border.locator(field(`${p1}.dateOfBirth`)).fill('1996-11-02');
    await border.locator(field(`${p1}.citizenship`)).fill('UZB');
    await border.locator(field(`${p1}.sex`)).selectOption('SEX_MALE');
    const dm = 'urgent.detainedMigrants';
    await border.locator(field(`${dm}.departureState`)).fill('CHN');
    await border.locator(field(`${dm}.checkpointId`)).fill('CP-CN-A-01');
    await border.locator(field(`${dm}.route`)).fill('Урумчи — Хоргос — Нур Жолы — Алматы');
    await border.locator(field(`${dm}.declaredPurpose`)).fill('транзит в Узбекистан на работу');
    await border.locator(field(`${dm}.movement`)).selectOption('MOVEMENT_GROUP');
    await border.locator(field(`${dm}.groupSize`)).fill('2');
    await border.locator(field(`${dm}.visaAcquisition`)).selectOption('VISA_ACQUISITION_ELECTRONIC_INVITATION');
    await border.locator(field(`${dm}.methods`)).fill('Укрывались в спальном отсеке грузовика.');
    await border.locator(field(`${dm}.measuresTaken`)).fill('Задержаны, переданы в миграционную полицию.');
    await border.getByRole('button', { name: 'Отправить' }).click();
    const citizenshipErr = border.locator(`${field(`${p0}.citizenship`)}-err`);
    await citizenshipErr.waitFor(WAIT);
    expect(await border.locator(field(`${p0}.citizenship`)).getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(border, 'urgent form with server errors');
    await shot(border, '05-urgent-form-server-error');
    await border.locator(field(`${p0}.citizenship`)).fill('CHN');
    await border.getByRole('button', { name: 'Отправить' }).click();

    // --- sent: the message page with the live 2-hour countdown
    await border.getByText('Отправлено.').waitFor(WAIT);
    await border.getByRole('heading', { level: 1, name: 'Срочная информация' }).waitFor(WAIT);
    const urgentId = /\/messages\/([0-9a-f-]{36})/.exec(border.url())![1];
    await border.getByText(/Осталось 1:5\d:\d\d/).waitFor(WAIT);
    const view = (await sys.api('border', 'GET', `/api/messages/${urgentId}`, undefined, await sys.login('border'))).body;
    expect(view.kind).toBe('URGENT');
    expect(view.payload.urgent.detainedMigrants.persons).toHaveLength(2);
    expect(view.recipientUnits.sort()).toEqual([INTERIOR, 'customs.l4.CP-CN-A-01'].sort());
    // times in the unit's zone with the zone and offset; the full instant on hover
    const created = border.locator('dl.meta time').first();
    expect(await created.textContent()).toMatch(/^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2} \(Asia\/[A-Za-z_]+, UTC\+0[56]:00\)$/);
    expect(await created.getAttribute('title')).toContain(new Date(view.createdAt).toISOString());

    // --- DELIVERED at the migration post, and the officer there sees it arrive without reloading
    await recipientStatus(border, INTERIOR, 'DELIVERED');
    await expectAccessible(border, 'urgent message (sender)');
    await shot(border, '06-urgent-sent-delivered');
    const row = interior.locator('table.messages tr.unread', { hasText: summary });
    await row.waitFor(WAIT);
    expect(await interior.locator('nav .count').textContent()).toBe('1');
    await expectAccessible(interior, 'inbox');
    await shot(interior, '07-inbox-live-arrival');
    await row.getByRole('link', { name: summary }).click();
    await interior.getByRole('heading', { level: 1, name: 'Срочная информация' }).waitFor(WAIT);
    // exact: the possible-matches panel may also name him ("TURSUNOV AZIZ, 1996-11-02").
    await interior.getByText('TURSUNOV', { exact: true }).waitFor(WAIT);
    // Read: the unread count in the navigation goes, without reloading.
    await interior.locator('nav .count').waitFor({ ...WAIT, state: 'detached' });
    await expectAccessible(interior, 'urgent message (recipient)');
    await shot(interior, '08-urgent-opened-by-interior');

    // --- the sender sees READ, live
    await recipientStatus(border, INTERIOR, 'READ');
    await border.locator('ol.timeline').getByText('прочитано').waitFor(WAIT);
    await shot(border, '09-urgent-read-timeline');

    // --- confirm in writing, prefilled from the oral report, before the deadline
    await border.getByRole('link', { name: 'Подтвердить письменно' }).click();
    await border.getByRole('heading', { level: 1, name: 'Письменное подтверждение' }).waitFor(WAIT);
    expect(await border.locator(field('urgentConfirmation.urgent.detainedMigrants.persons.1.surname')).inputValue()).toBe('TURSUNOV');
    expect(await border.locator(field('urgentConfirmation.text')).inputValue()).toContain(summary);
    await border.locator(field('urgentConfirmation.urgent.detainedMigrants.measuresTaken')).fill('Задержаны, переданы в миграционную полицию Панфиловского района.');
    await expectAccessible(border, 'confirmation form');
    await shot(border, '10-confirmation-form');
    await border.getByRole('button', { name: 'Отправить' }).click();
    await border.getByRole('heading', { level: 1, name: 'Письменное подтверждение' }).waitFor(WAIT);
    await border.getByText('Отправлено.').waitFor(WAIT);
    const confirmationId = /\/messages\/([0-9a-f-]{36})/.exec(border.url())![1];
    const confirmation = (await sys.api('border', 'GET', `/api/messages/${confirmationId}`, undefined, await sys.login('border'))).body;
    expect(confirmation.kind).toBe('URGENT_CONFIRMATION');
    expect(confirmation.confirms).toBe(urgentId);
    expect(new Date(confirmation.createdAt).getTime()).toBeLessThan(new Date(view.reportedAt).getTime() + 2 * 3600_000);

    // the urgent report now shows it confirmed
    await border.goto(`${sys.url('border')}/messages/${urgentId}`);
    await border.locator('.deadline.done').waitFor(WAIT);

    // --- outbox with per-recipient statuses; English on demand
    await border.getByRole('navigation', { name: 'Основная навигация' }).getByRole('link', { name: 'Исходящие' }).click();
    await border.getByRole('heading', { level: 1, name: 'Исходящие донесения' }).waitFor(WAIT);
    await border.locator('table.messages tbody tr').nth(1).waitFor(WAIT);
    await expectAccessible(border, 'outbox');
    await shot(border, '11-outbox');
    await border.getByRole('button', { name: 'Switch to English' }).click();
    await border.getByRole('heading', { level: 1, name: 'Outbox' }).waitFor(WAIT);
    expect(await border.evaluate(() => (globalThis as unknown as BrowserGlobals).document.documentElement.lang)).toBe('en');
    await border.getByLabel('Kind').selectOption('URGENT');
    await border.waitForURL(/kind=URGENT/);
    await border.getByText('Total: 1').waitFor(WAIT);
    expect(await border.locator('table.messages tbody tr').count()).toBe(1);
    await shot(border, '12-outbox-en-filtered');
    await border.getByRole('link', { name: 'Overview' }).click();
    await border.getByRole('heading', { level: 1, name: 'Duty shift overview' }).waitFor(WAIT);
    await expectAccessible(border, 'overview (en)');
    await shot(border, '13-overview-en');

    expect(pageErrors).toEqual([]);
  });

  it('every scheduled and advance kind has its form, with attachments, and sends', async () => {
    const ctx = await browser.newContext(options);
    const page = await ctx.newPage();
    page.on('pageerror', (e) => pageErrors.push(`border-2: ${e.message}`));
    await signIn(page, sys.url('border'), 'border.duty');
    const base = sys.url('border');
    // Sent from the keyboard (focus the button, Enter), as a duty officer may: a pointer click near
    // the bottom of the viewport landed on the form instead of the button after scrolling.
    const send = async (h1: RegExp) => {
      await page.getByRole('button', { name: 'Отправить' }).focus();
      await page.keyboard.press('Enter');
      await page.getByText('Отправлено.').waitFor(WAIT);
      await page.getByRole('heading', { level: 1, name: h1 }).waitFor(WAIT);
    };

    // daily (5.2): summary and one checkpoint's change with counts
    await page.goto(`${base}/compose/daily`);
    await page.getByRole('heading', { level: 1, name: 'Ежедневная информация' }).waitFor(WAIT);
    expect(await page.locator(field('daily.period')).inputValue()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await page.locator(field('daily.summary')).fill('Обстановка на участке без изменений.');
    await page.getByRole('button', { name: 'Добавить: изменение' }).click();
    await page.locator(field('daily.changes.0.checkpointId')).fill('CP-CN-A-01');
    await page.locator(field('daily.changes.0.situation')).fill('Увеличен поток грузового транспорта.');
    await page.locator(field('daily.changes.0.counts.personsCrossed')).fill('1240');
    await expectAccessible(page, 'daily form');
    await shot(page, '14-daily-form');
    await send(/^Ежедневная информация \d{4}-\d{2}-\d{2}$/);

    // monthly (5.3) with an attachment; a file over the contract's 1 MiB is refused at once
    await page.goto(`${base}/compose/monthly`);
    await page.getByRole('heading', { level: 1, name: 'Ежемесячная информация' }).waitFor(WAIT);
    await page.locator(field('monthly.borderSituation')).fill('Обстановка стабильная; задержано 14 нарушителей.');
    await page.locator(field('monthly.violatorTactics')).fill('Использование поддельных электронных приглашений.');
    await page.locator(field('monthly.attachments')).setInputFiles({ name: 'big.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(1048577, 1) });
    await page.getByText('Файл big.bin больше 1 МиБ').waitFor(WAIT);
    await page.locator(field('monthly.attachments')).setInputFiles({ name: 'svodka.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 demo\n') });
    await page.getByText('svodka.pdf').waitFor(WAIT);
    await expectAccessible(page, 'monthly form');
    await shot(page, '15-monthly-form');
    await send(/^Ежемесячная информация \d{4}-\d{2}$/);
    const monthlyId = /\/messages\/([0-9a-f-]{36})/.exec(page.url())![1];
    await page.getByRole('link', { name: 'svodka.pdf' }).waitFor(WAIT);
    const monthly = (await sys.api('border', 'GET', `/api/messages/${monthlyId}`, undefined, await sys.login('border'))).body;
    expect(Buffer.from(monthly.payload.monthly.attachments[0].content, 'base64').toString()).toBe('%PDF-1.4 demo\n');
    expect(monthly.payload.monthly.attachments[0]).toMatchObject({ filename: 'svodka.pdf', mediaType: 'application/pdf' });

    // advance (5.4): a planned expulsion
    await page.goto(`${base}/compose/advance`);
    await page.getByRole('heading', { level: 1, name: 'Заблаговременная информация' }).waitFor(WAIT);
    await page.locator(field('advance.eventAt')).fill('2030-01-15T10:00');
    await page.locator(field('advance.subject')).selectOption('expulsion');
    await page.locator(field('advance.expulsion.place')).fill('ПП «Нур Жолы»');
    await page.locator(field('advance.expulsion.personsCount')).fill('3');
    await page.locator(field('advance.expulsion.citizenships')).fill('afg, pak');
    await expectAccessible(page, 'advance form');
    await shot(page, '16-advance-form');
    await send(/^Заблаговременная информация$/);
    const advanceId = /\/messages\/([0-9a-f-]{36})/.exec(page.url())![1];
    const advance = (await sys.api('border', 'GET', `/api/messages/${advanceId}`, undefined, await sys.login('border'))).body;
    expect(advance.payload.advance.expulsion.citizenships).toEqual(['AFG', 'PAK']);
    // the event time was entered as the unit's local time (Asia/Almaty, UTC+05:00 in 2030)
    expect(advance.payload.advance.eventAt).toBe('2030-01-15T05:00:00Z');

    // semiannual (5.5): one material for the Unified Data Bank
    await page.goto(`${base}/compose/semiannual`);
    await page.getByRole('heading', { level: 1, name: /Полугодовая информация/ }).waitFor(WAIT);
    await page.locator(field('semiannual.materials.0.kind')).selectOption('MATERIAL_KIND_REVIEW');
    await page.locator(field('semiannual.materials.0.title')).fill('Обзор каналов незаконной миграции');
    await page.locator(field('semiannual.materials.0.text')).fill('Текст обзора.');
    await expectAccessible(page, 'semiannual form');
    await shot(page, '17-semiannual-form');
    await send(/^Полугодовая информация \(ЕБД\) \d{4}-H[12]$/);

    // the outbox filters by kind on the server
    await page.goto(`${base}/outbox?kind=MONTHLY`);
    await page.getByRole('heading', { level: 1, name: 'Исходящие донесения' }).waitFor(WAIT);
    await page.getByText('Всего: 1').waitFor(WAIT);
    await ctx.close();
    expect(pageErrors).toEqual([]);
  });
});
