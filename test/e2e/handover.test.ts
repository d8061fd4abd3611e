/**
 * End-to-end: a handover act of clause 9.6 and the monthly reconciliation of clause 9.3 at two duty
 * desks (issue #21 item 3), in headless Chromium against the border and interior nodes.
 *
 * The border officer opens a detention report (detained migrants) and hands its persons over to the
 * migration post with the persons prefilled, adds seized goods, first with a negative quantity (the
 * node's coded error, in Russian, by the field; nothing sent); the migration officer sees the act in
 * the inbox with its countdown, tries a partial acceptance without a reason (refused by the node, its
 * error by the item, in Russian and then in English), then accepts the persons and refuses the goods
 * with a reason; both desks show the same chain of custody; the printable act carries both
 * signatures. On the reconciliation page the border unit's figure differs from the migration post's
 * and from the acts (DISCREPANCY), is explained (EXPLAINED), then corrected (AGREED); figures for a
 * month not yet begun are refused with the node's coded error. The supervisor ledger, fed only by
 * the nodes' signed audit batches, lists the discrepancy while it stands (its console page too, and
 * not to a supervisor of customs, no side of it), and no longer once it is resolved.
 */
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { TestSystem, eventually } from '../support/harness';
import { SupervisorHarness } from '../supervisor/harness';
import { PASSWORD, ROOT, WAIT, deskSignIn, expectAccessible, lastScreenshot, launchChromium, prepareConsoles, screenshot as shot } from './browser';

jest.setTimeout(300_000);

const BORDER = 'border.l4.CP-CN-A-01';
const INTERIOR = 'interior.l4.CP-CN-A-01';
const field = (path: string) => `#f-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;

/** "YYYY-MM" of an instant in Asia/Almaty (both units' zone), and the month after it. */
function months(at: Date): { now: string; next: string } {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Almaty', year: 'numeric', month: '2-digit' }).formatToParts(at).map((x) => [x.type, x.value]));
  const y = Number(p.year);
  const m = Number(p.month);
  return { now: `${y}-${String(m).padStart(2, '0')}`, next: m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}` };
}

describe('handover acts and reconciliation at the duty desks (headless Chromium)', () => {
  const sys = new TestSystem();
  let sup: SupervisorHarness;
  let browser: Browser;
  let borderCtx: BrowserContext;
  let interiorCtx: BrowserContext;
  let border: Page;
  let interior: Page;
  const pageErrors: string[] = [];
  let reportId: string;
  let actId: string;

  beforeAll(async () => {
    prepareConsoles();
    await sys.start(['border', 'interior']);
    sup = SupervisorHarness.of(sys, { webDir: join(ROOT, 'dist', 'web', 'supervisor') });
    await sup.start();
    browser = await launchChromium();
    const options = { viewport: { width: 1280, height: 900 }, locale: 'ru-RU', timezoneId: 'UTC' };
    borderCtx = await browser.newContext(options);
    interiorCtx = await browser.newContext(options);
    border = await borderCtx.newPage();
    interior = await interiorCtx.newPage();
    for (const [name, p] of [['border', border], ['interior', interior]] as const) p.on('pageerror', (e) => pageErrors.push(`${name}: ${e.message}`));
    await deskSignIn(border, sys.url('border'), 'border.duty');
    await deskSignIn(interior, sys.url('interior'), 'interior.duty');
    // The detention report the act starts from (sent by the border section, received by the migration post).
    const token = await sys.login('border');
    const now = Date.now();
    const r = await sys.api(
      'border',
      'POST',
      '/api/messages',
      {
        senderUnit: BORDER,
        recipientUnits: [INTERIOR],
        classification: 'CLASSIFICATION_FOR_OFFICIAL_USE',
        reportedAt: new Date(now - 5 * 60_000).toISOString(),
        urgent: {
          topic: 'URGENT_TOPIC_DETAINED_MIGRANTS',
          summary: 'Two foreign nationals detained in a cargo truck with forged invitations.',
          checkpointId: 'CP-CN-A-01',
          occurredAt: new Date(now - 15 * 60_000).toISOString(),
          detainedMigrants: {
            persons: [
              { surname: 'WANG', givenNames: 'LEI', dateOfBirth: '1991-07-14', citizenship: 'CHN', sex: 'SEX_MALE', travelDocument: { type: 'DOCUMENT_TYPE_PASSPORT', number: 'EA1234567', issuingState: 'CHN' } },
              { surname: 'TURSUNOV', givenNames: 'AZIZ', dateOfBirth: '1996-11-02', citizenship: 'UZB', sex: 'SEX_MALE' },
            ],
            departureState: 'CHN',
            route: 'Urumqi — Khorgos — Nur Zholy',
            declaredPurpose: 'transit for work',
            checkpointId: 'CP-CN-A-01',
            movement: 'MOVEMENT_GROUP',
            groupSize: 2,
            visaAcquisition: 'VISA_ACQUISITION_ELECTRONIC_INVITATION',
            measuresTaken: 'Detained; to be handed over to the migration police.',
          },
        },
      },
      token,
    );
    expect(r.status).toBe(201);
    reportId = r.body.id;
  });

  afterEach(async () => {
    await lastScreenshot(border, 'last-handover-border');
    await lastScreenshot(interior, 'last-handover-interior');
  });

  afterAll(async () => {
    await browser?.close();
    await sup?.cleanup();
    await sys.cleanup();
  });

  it('a new act from a detention report: its persons prefilled; a negative quantity gets the node’s coded error in Russian and sends nothing', async () => {
    await border.goto(`${sys.url('border')}/messages/${reportId}`);
    await border.getByRole('link', { name: 'Передать задержанных по донесению' }).click();
    await border.getByRole('heading', { level: 1, name: 'Новый акт приёма-передачи' }).waitFor(WAIT);
    await border.getByText(`Лица из донесения ${reportId} внесены в акт`).waitFor(WAIT);
    expect(await border.locator(field('items.0.person.surname')).inputValue()).toBe('WANG');
    expect(await border.locator(field('items.1.person.surname')).inputValue()).toBe('TURSUNOV');
    expect(await border.locator(field('items.0.itemId')).inputValue()).toBe('P1');
    expect(await border.locator(field('checkpointId')).inputValue()).toBe('CP-CN-A-01');
    await border.locator(field('receivingUnit')).selectOption(INTERIOR);
    await border.locator(field('legalGround')).fill('Ст. 510 КоАП РК; протокол задержания № 17');
    // Seized goods as a third item.
    await border.getByRole('button', { name: '+ Добавить предмет' }).click();
    await border.locator('#f-items-2-kind').selectOption('goods');
    expect(await border.locator(field('items.2.itemId')).inputValue()).toBe('G1');
    await border.locator(field('items.2.goods.description')).fill('Сигареты «Хунташань»');
    await border.locator(field('items.2.goods.quantity')).fill('-5');
    await border.locator(field('items.2.goods.measure')).fill('кг');
    await border.locator(field('items.2.goods.seals')).fill('KZ-0001, KZ-0002');
    const before = (await sys.sql('border', `SELECT count(*)::int AS n FROM messages`))[0].n;
    await border.getByRole('button', { name: 'Подписать и отправить акт' }).click();
    await border.getByTestId('server-error').getByText('Акт приёма-передачи неверен, см. ошибки полей. Ничего не изменено.').waitFor(WAIT);
    // The field error from its code, in Russian, by the field.
    await border.locator(`${field('items.2.goods.quantity')}-err`).getByText(/не меньше нуля/).waitFor(WAIT);
    expect(await border.locator(field('items.2.goods.quantity')).getAttribute('aria-invalid')).toBe('true');
    expect((await sys.sql('border', `SELECT count(*)::int AS n FROM messages`))[0].n).toBe(before);
    await expectAccessible(border, 'new act (server error)');
    await shot(border, 'handover-01-new-act-error');

    await border.locator(field('items.2.goods.quantity')).fill('12.5');
    await border.getByRole('button', { name: 'Подписать и отправить акт' }).click();
    await border.getByText('Шаг подписан и отправлен.').waitFor(WAIT);
    actId = /\/handovers\/([0-9a-f-]{36})/.exec(border.url())![1];
    await border.getByText('ожидает приёма').first().waitFor(WAIT);
    await border.getByTestId('countdown').getByText(/^Осталось \d:\d\d:\d\d$/).waitFor(WAIT);
    expect(await border.getByRole('link', { name: reportId }).count()).toBe(1);
    await expectAccessible(border, 'act proposed (handing side)');
    await shot(border, 'handover-02-proposed');
  });

  it('the receiving desk: the inbox with its countdown; a partial acceptance without a reason is refused (Russian, then English), then accepted in part', async () => {
    await interior.goto(`${sys.url('interior')}/handovers`);
    await interior.getByRole('heading', { level: 1, name: 'Акты приёма-передачи' }).waitFor(WAIT);
    const row = interior.locator(`tr[data-act="${actId}"]`);
    await eventually(
      async () => {
        await interior.reload();
        await interior.getByRole('heading', { level: 1, name: 'Акты приёма-передачи' }).waitFor(WAIT);
        return (await row.count()) > 0 || undefined;
      },
      30_000,
      'the act reaches the migration post',
    );
    // Persons in the act: the deadline is 3 hours from the handover (policy data).
    const left = await row.getByTestId('countdown').textContent();
    const m = /^Осталось (\d):(\d\d):(\d\d)$/.exec(left ?? '');
    expect(m).not.toBeNull();
    const secs = Number(m![1]) * 3600 + Number(m![2]) * 60 + Number(m![3]);
    expect(secs).toBeGreaterThan(2.5 * 3600);
    expect(secs).toBeLessThanOrEqual(3 * 3600);
    await expectAccessible(interior, 'handover inbox');
    await shot(interior, 'handover-03-inbox-countdown');

    await row.getByRole('link').click();
    await interior.getByRole('heading', { level: 1, name: 'Акт приёма-передачи' }).waitFor(WAIT);
    await interior.getByRole('heading', { name: 'Решение принимающего подразделения' }).waitFor(WAIT);
    await interior.locator('#refuse-G1').check();
    const before = (await sys.sql('interior', `SELECT count(*)::int AS n FROM messages`))[0].n;
    await interior.getByRole('button', { name: 'Принять частично' }).click();
    await interior.getByTestId('server-error').getByText('Акт приёма-передачи неверен, см. ошибки полей. Ничего не изменено.').waitFor(WAIT);
    await interior.locator('#reason-G1-err').getByText('обязательное поле').waitFor(WAIT);
    expect((await sys.sql('interior', `SELECT count(*)::int AS n FROM messages`))[0].n).toBe(before);
    await expectAccessible(interior, 'partial acceptance refused (ru)');
    await shot(interior, 'handover-04-reason-required-ru');
    // The same refusal in English.
    await interior.getByRole('button', { name: 'Switch to English' }).click();
    await interior.getByRole('button', { name: 'Accept in part' }).click();
    await interior.getByTestId('server-error').getByText('The handover act is invalid; see the field errors. Nothing was changed.').waitFor(WAIT);
    await interior.locator('#reason-G1-err').getByText('is required').waitFor(WAIT);
    await shot(interior, 'handover-05-reason-required-en');
    await interior.getByRole('button', { name: 'Переключить на русский' }).click();

    await interior.locator('#reason-G1').fill('Товары передаются таможне, не миграционной полиции');
    await interior.locator('#step-officer').fill('майор Д. Омаров');
    await interior.getByRole('button', { name: 'Принять частично' }).click();
    await interior.getByText('принят частично').first().waitFor(WAIT);
    await interior.locator('tr[data-item="G1"][data-status="REFUSED"]').waitFor(WAIT);
    expect(await interior.locator('tr[data-item][data-status="ACCEPTED"]').count()).toBe(2);
    await interior.locator('[data-testid="custody"] li[data-step="PARTLY_ACCEPTED"]').getByText(/майор Д\. Омаров/).waitFor(WAIT);
    await expectAccessible(interior, 'act partly accepted (receiving side)');
    await shot(interior, 'handover-06-partly-accepted');

    // Accepting twice: the decision form is gone; through the API the node refuses it with its code.
    expect(await interior.getByRole('button', { name: 'Принять частично' }).count()).toBe(0);
    const again = await sys.api('interior', 'POST', `/api/handovers/${actId}/accept`, {}, await sys.login('interior'));
    expect(again).toMatchObject({ status: 409, body: { code: 'HANDOVER_ALREADY_DECIDED' } });
  });

  it('the handing desk sees the same chain of custody; the printable act carries both signatures', async () => {
    await border.goto(`${sys.url('border')}/handovers/${actId}`);
    await eventually(
      async () => {
        await border.reload();
        await border.getByRole('heading', { level: 1, name: 'Акт приёма-передачи' }).waitFor(WAIT);
        return (await border.locator('[data-testid="custody"] li[data-step="PARTLY_ACCEPTED"]').count()) > 0 || undefined;
      },
      30_000,
      'the acceptance reaches the border section',
    );
    await border.locator('tr[data-item="G1"][data-status="REFUSED"]').getByText('Товары передаются таможне, не миграционной полиции').waitFor(WAIT);
    const steps = async (p: Page) => p.locator('[data-testid="custody"] li').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-step')} ${(e as unknown as { textContent: string }).textContent.match(/[0-9a-f-]{36}/)?.[0]}`));
    await interior.reload();
    await interior.locator('[data-testid="custody"] li[data-step="PARTLY_ACCEPTED"]').waitFor(WAIT);
    expect(await steps(border)).toEqual(await steps(interior));
    expect((await steps(border)).map((s) => s.split(' ')[0])).toEqual(['PROPOSED', 'PARTLY_ACCEPTED']);
    // Nothing more to decide on the handing side: no withdrawal after acceptance.
    expect(await border.getByRole('button', { name: 'Отозвать акт' }).count()).toBe(0);
    await expectAccessible(border, 'act partly accepted (handing side)');
    await shot(border, 'handover-07-handing-side');

    await border.getByRole('link', { name: 'Акт для подписи (печать)' }).click();
    await border.getByRole('heading', { level: 1, name: 'Печатная форма акта приёма-передачи' }).waitFor(WAIT);
    const frame = border.frameLocator('iframe.act-print');
    await frame.getByText('WANG').first().waitFor(WAIT);
    const text = (await frame.locator('body').textContent()) ?? '';
    expect(text).toContain('Акт приёма-передачи');
    expect(text.match(/(?:[0-9a-f]{4} ){15}[0-9a-f]{4}/g)?.length).toBe(2);
    await shot(border, 'handover-08-print');
  });

  it('reconciliation: a discrepancy found, explained, then corrected; a month not yet begun is refused with the node’s coded error', async () => {
    const { now: month, next } = months(new Date());
    // The migration post reports 2 persons received from the border section (as the acts say).
    const r = await sys.api(
      'interior',
      'POST',
      '/api/statistics',
      { recipientUnits: [BORDER], period: month, figures: [{ indicator: 'STATISTICS_INDICATOR_PERSONS_RECEIVED', counterpartUnit: BORDER, value: 2 }] },
      await sys.login('interior'),
    );
    expect(r.status).toBe(201);
    await border.goto(`${sys.url('border')}/reconciliation?period=${month}`);
    await border.getByRole('heading', { level: 1, name: 'Сверка статистики за месяц' }).waitFor(WAIT);
    const pair = border.locator(`tr[data-pair="${BORDER}>${INTERIOR}"]`);
    await eventually(
      async () => {
        await border.reload();
        await border.getByRole('heading', { level: 1, name: 'Сверка статистики за месяц' }).waitFor(WAIT);
        return (await pair.locator('td').nth(2).textContent()) === '2' || undefined;
      },
      30_000,
      'interior’s figures reach the border section',
    );
    expect(await pair.getAttribute('data-status')).toBe('AWAITING');
    // The border section sends 3 handed over: a discrepancy with the migration post and the acts.
    const counterpart = border.locator(`fieldset[data-counterpart="${INTERIOR}"]`);
    await counterpart.locator('#rec-h-0').fill('3');
    await border.getByRole('button', { name: 'Подписать и отправить показатели' }).click();
    await border.getByText('Показатели подписаны и отправлены.').waitFor(WAIT);
    await border.locator(`tr[data-pair="${BORDER}>${INTERIOR}"][data-status="DISCREPANCY"]`).waitFor(WAIT);
    expect(await pair.getByText('расхождение').count()).toBe(1);
    await expectAccessible(border, 'reconciliation with a discrepancy');
    await shot(border, 'handover-09-discrepancy');

    // The supervisor ledger knows it from the nodes' signed audit batches: figures, and the persons accepted in the act.
    const unreconciled = `/api/discrepancies?from=${month}&to=${month}`;
    const row = await eventually(
      async () => (await sup.get(unreconciled, 'supervisor.border')).body.items?.find((r: { handing_unit: string }) => r.handing_unit === BORDER),
      30_000,
      'the discrepancy in the ledger',
    );
    expect(row).toMatchObject({ period: month, receiving_unit: INTERIOR, handed_over: 3, received: 2, acts: 2, status: 'DISCREPANCY' });
    expect((await sup.get(unreconciled, 'supervisor.customs')).body.items).toEqual([]);
    const csv = await sup.get(`${unreconciled}&format=csv`, 'supervisor.interior');
    expect(csv.bytes.toString('utf8')).toContain(`${month},${BORDER},border,4,${INTERIOR},interior,4,3,2,2,DISCREPANCY`);
    // The supervisor's console page.
    const svCtx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'ru-RU', timezoneId: 'UTC' });
    const sv = await svCtx.newPage();
    sv.on('pageerror', (e) => pageErrors.push(`supervisor: ${e.message}`));
    await sv.goto(sup.url + '/');
    await sv.getByLabel('Имя пользователя').fill('supervisor.interior');
    await sv.getByLabel('Пароль').fill(PASSWORD);
    await sv.getByRole('button', { name: 'Войти' }).click();
    await sv.getByRole('link', { name: 'Сверка статистики' }).click();
    await sv.getByRole('heading', { level: 1, name: 'Расхождения статистики' }).waitFor(WAIT);
    await sv.locator(`tr[data-pair="${month} ${BORDER}>${INTERIOR}"][data-status="DISCREPANCY"]`).waitFor(WAIT);
    await expectAccessible(sv, 'supervisor discrepancies');
    await shot(sv, 'handover-09b-supervisor-discrepancies');

    // Resolved first by an explanation, then by corrected figures.
    await counterpart.locator('#rec-xh-0').fill('Третье лицо передано по акту от прошлого месяца');
    await border.getByRole('button', { name: 'Подписать и отправить показатели' }).click();
    await border.locator(`tr[data-pair="${BORDER}>${INTERIOR}"][data-status="EXPLAINED"]`).waitFor(WAIT);
    await pair.getByText('Третье лицо передано по акту от прошлого месяца').waitFor(WAIT);
    await shot(border, 'handover-10-explained');
    await counterpart.locator('#rec-h-0').fill('2');
    await counterpart.locator('#rec-xh-0').fill('');
    await border.getByRole('button', { name: 'Подписать и отправить показатели' }).click();
    await border.locator(`tr[data-pair="${BORDER}>${INTERIOR}"][data-status="AGREED"]`).waitFor(WAIT);
    expect(await pair.getByText('сходится').count()).toBe(1);
    await expectAccessible(border, 'reconciliation resolved');
    await shot(border, 'handover-11-agreed');
    // Resolved: no longer among the unreconciled in the ledger; agreed among all pairs.
    await eventually(async () => (await sup.get(`${unreconciled}&status=all`, 'supervisor.border')).body.items?.find((r: { status: string }) => r.status === 'AGREED'), 30_000, 'the correction in the ledger');
    expect((await sup.get(unreconciled, 'supervisor.border')).body.items).toEqual([]);
    await sv.reload();
    await sv.getByRole('heading', { level: 1, name: 'Расхождения статистики' }).waitFor(WAIT);
    await sv.getByText('Расхождений нет.').waitFor(WAIT);
    await svCtx.close();
    // The migration post sees the same.
    await interior.goto(`${sys.url('interior')}/reconciliation?period=${month}`);
    await eventually(
      async () => {
        await interior.reload();
        await interior.getByRole('heading', { level: 1, name: 'Сверка статистики за месяц' }).waitFor(WAIT);
        return (await interior.locator(`tr[data-pair="${BORDER}>${INTERIOR}"][data-status="AGREED"]`).count()) > 0 || undefined;
      },
      30_000,
      'the corrected figures reach the migration post',
    );

    // Figures for a month not yet begun: the node's coded error in Russian, nothing sent.
    await border.goto(`${sys.url('border')}/reconciliation?period=${next}`);
    await border.getByRole('heading', { level: 1, name: 'Сверка статистики за месяц' }).waitFor(WAIT);
    await border.getByText('За этот месяц показателей и актов нет.').waitFor(WAIT);
    await border.locator('#rec-add').selectOption(INTERIOR);
    await border.locator('#rec-h-0').fill('1');
    const before = (await sys.sql('border', `SELECT count(*)::int AS n FROM messages`))[0].n;
    await border.getByRole('button', { name: 'Подписать и отправить показатели' }).click();
    await border.getByTestId('server-error').locator('li[data-field="period"]').getByText(`показатели за ${next} нельзя отправить до начала месяца (в подразделении сейчас ${month})`, { exact: false }).waitFor(WAIT);
    expect((await sys.sql('border', `SELECT count(*)::int AS n FROM messages`))[0].n).toBe(before);
    await expectAccessible(border, 'reconciliation: month not begun');
    await shot(border, 'handover-12-month-not-begun');
    expect(pageErrors).toEqual([]);
  });

  it('the handing desk withdraws an act before acceptance (a missing reason refused by the node); the receiving desk can then no longer decide it', async () => {
    const r = await sys.api('border', 'POST', '/api/handovers', { receivingUnit: INTERIOR, legalGround: 'Протокол № 18', checkpointId: 'CP-CN-A-01', items: [{ itemId: 'V1', vehicle: { make: 'Toyota Hilux', registration: '123ABC02' } }] }, await sys.login('border'));
    expect(r.status).toBe(201);
    await border.goto(`${sys.url('border')}/handovers/${r.body.id}`);
    await border.getByRole('heading', { name: 'Отозвать акт' }).waitFor(WAIT);
    // Goods, vehicles, documents: 24 hours to accept (policy data).
    expect(await border.getByTestId('countdown').first().textContent()).toMatch(/^Осталось 2[34]:\d\d:\d\d$/);
    await border.getByRole('button', { name: 'Отозвать акт' }).click();
    await border.locator('#withdraw-reason-err').getByText('обязательное поле').waitFor(WAIT);
    await border.getByTestId('server-error').getByText('Акт приёма-передачи неверен, см. ошибки полей. Ничего не изменено.').waitFor(WAIT);
    await border.locator('#withdraw-reason').fill('Передано не тому посту');
    await border.getByRole('button', { name: 'Отозвать акт' }).click();
    await border.getByText('отозван').first().waitFor(WAIT);
    await border.locator('tr[data-item="V1"][data-status="RETURNED"]').waitFor(WAIT);
    await expectAccessible(border, 'act withdrawn');
    await shot(border, 'handover-13-withdrawn');
    await interior.goto(`${sys.url('interior')}/handovers/${r.body.id}`);
    await eventually(
      async () => {
        await interior.reload();
        await interior.getByRole('heading', { level: 1, name: 'Акт приёма-передачи' }).waitFor(WAIT);
        return (await interior.locator('[data-testid="custody"] li[data-step="WITHDRAWN"]').count()) > 0 || undefined;
      },
      30_000,
      'the withdrawal reaches the migration post',
    );
    expect(await interior.getByRole('button', { name: 'Принять целиком' }).count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
