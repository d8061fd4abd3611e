/**
 * Errors in the user's language, details included (#15): a refusal's detail and a field error of
 * the node's own checks come back in Russian to a Russian console and in English to an English one,
 * and nothing changes.
 */
import { TestSystem } from '../support/harness';
import { BORDER, INTERIOR, daily } from './fixtures';

/** Another border unit (not the signed-in officer's). */
const OTHER = 'border.l4.CP-CN-B-01';

jest.setTimeout(90_000);

const ENGLISH_WORDS = /\b(only|must|the|send|reports?|not)\b/i;

describe('refusals answer their detail in the user’s language', () => {
  const sys = new TestSystem();
  beforeAll(() => sys.start(['border']));
  afterAll(() => sys.cleanup());

  it('a duty officer who sends as another unit is refused with the detail in Russian or English', async () => {
    const duty = await sys.login('border');
    const body = { ...daily('attempt'), senderUnit: OTHER, recipientUnits: [INTERIOR] };
    const ru = await sys.api('border', 'POST', '/api/messages', body, duty, undefined, { 'accept-language': 'ru' });
    expect(ru.status).toBe(403);
    expect(ru.body.code).toBe('NOT_OWN_UNIT');
    expect(ru.body.message).toBe(`Отправлять можно только от своего подразделения. Ваше подразделение: ${BORDER}.`);
    expect(ru.body.message).not.toMatch(ENGLISH_WORDS);
    const en = await sys.api('border', 'POST', '/api/messages', body, duty, undefined, { 'accept-language': 'en' });
    expect(en.body.message).toBe(`You may send only as your own unit. You belong to ${BORDER}.`);
    expect(await sys.sql('border', `SELECT 1 FROM messages WHERE direction = 'OUT'`)).toEqual([]);
  });

  it('a field error of the node’s own checks (handover box) is rendered from its code in Russian', async () => {
    const duty = await sys.login('border');
    const ru = await sys.api('border', 'GET', '/api/handovers?box=sideways', undefined, duty, undefined, { 'accept-language': 'ru' });
    expect(ru.status).toBe(400);
    expect(ru.body.errors[0]).toMatchObject({ field: 'box', code: 'ENUM', params: { values: 'in, out' }, messages: ['box: выберите одно из значений: in, out'] });
    const en = await sys.api('border', 'GET', '/api/handovers?box=sideways', undefined, duty, undefined, { 'accept-language': 'en' });
    expect(en.body.errors[0].messages).toEqual(['box must be "in" or "out"']);
  });
});
