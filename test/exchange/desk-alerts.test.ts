import { TestSystem, eventually } from '../support/harness';
import { BORDER, INTERIOR, urgentDetainedMigrants } from './fixtures';

jest.setTimeout(90_000);

interface NotificationView {
  id: string;
  code: string;
  messageId: string | null;
  params: Record<string, string>;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
}

describe('duty desk: an incoming urgent report alerts; notifications are live, acknowledged, paged', () => {
  const sys = new TestSystem();
  let borderToken: string;
  let interiorToken: string;

  beforeAll(async () => {
    await sys.start(['border', 'interior']);
    borderToken = await sys.login('border');
    interiorToken = await sys.login('interior');
  });
  afterAll(() => sys.cleanup());

  const notifications = async (q = '') => (await sys.api('interior', 'GET', `/api/notifications${q}`, undefined, interiorToken)).body as { items: NotificationView[]; total: number; unacknowledged: number };

  it('an urgent report raises one URGENT_RECEIVED notification per recipient unit, live, with its parameters', async () => {
    const live = await sys.liveEvents('interior', interiorToken);
    try {
      const told = live.next((e) => e.type === 'notification', 20_000);
      const body = urgentDetainedMigrants();
      body.urgent.summary = 'Two migrants detained near post 214';
      const sent = await sys.api('border', 'POST', '/api/messages', body, borderToken);
      expect(sent.status).toBe(201);
      const event = await told;
      const list = await notifications();
      const n = list.items.find((x) => x.id === event.id)!;
      expect(n).toMatchObject({
        code: 'URGENT_RECEIVED',
        messageId: sent.body.id,
        acknowledgedAt: null,
        params: { senderUnit: BORDER, topic: 'URGENT_TOPIC_DETAINED_MIGRANTS', classification: 'FOR_OFFICIAL_USE', summary: 'Two migrants detained near post 214', reportedAt: expect.any(String) },
      });
      expect(list.unacknowledged).toBeGreaterThanOrEqual(1);
      // Stored once: a re-sent copy (same message id) raises nothing new.
      const rows = await sys.sql('interior', `SELECT key FROM notifications WHERE message_id = $1`, [sent.body.id]);
      expect(rows).toEqual([{ key: `urgent:${sent.body.id}:${INTERIOR}` }]);
    } finally {
      live.close();
    }
  });

  it('a CONFIDENTIAL urgent report alerts without its summary', async () => {
    const body = urgentDetainedMigrants();
    body.classification = 'CLASSIFICATION_CONFIDENTIAL';
    body.urgent.summary = 'Secret operation details';
    const sent = await sys.api('border', 'POST', '/api/messages', body, borderToken);
    expect(sent.status).toBe(201);
    const n = await eventually(async () => (await notifications()).items.find((x) => x.messageId === sent.body.id), 20_000, 'the alert');
    expect(n.params.classification).toBe('CONFIDENTIAL');
    expect(n.params.summary).toBeUndefined();
    const [{ text }] = await sys.sql('interior', `SELECT text FROM notifications WHERE id = $1`, [n.id]);
    expect(text).not.toContain('Secret');
  });

  it('acknowledging: by id or all, told live, only for duty officers, never another unit’s', async () => {
    // A notification of another unit of the same node: its officers are not ours.
    const other = 'interior.l4.CP-CN-B-01';
    await sys.sql('interior', `INSERT INTO notifications (id, key, unit_id, type, text, at) VALUES ('019cad00-0000-7000-8000-00000000aaaa', 'test:other', $1, 'REMINDER', 'x', now())`, [other]);
    const open = await notifications('?open=true');
    expect(open.items.length).toBe(open.unacknowledged);
    const first = open.items[0];

    const supervisor = await sys.login('interior', 'supervisor');
    expect((await sys.api('interior', 'POST', '/api/notifications/ack', { ids: [first.id] }, supervisor)).status).toBe(403);
    const bad = await sys.api('interior', 'POST', '/api/notifications/ack', { ids: ['nope'] }, interiorToken, undefined, { 'accept-language': 'ru' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({ field: 'ids', code: 'MESSAGE_ID' });

    const live = await sys.liveEvents('interior', interiorToken);
    try {
      const told = live.next((e) => e.type === 'notification' && e.id === first.id);
      const one = await sys.api('interior', 'POST', '/api/notifications/ack', { ids: [first.id, '019cad00-0000-7000-8000-00000000aaaa'] }, interiorToken);
      expect(one.body).toEqual({ acknowledged: 1 });
      await told;
    } finally {
      live.close();
    }
    const after = await notifications();
    expect(after.items.find((x) => x.id === first.id)).toMatchObject({ acknowledgedBy: 'interior.duty', acknowledgedAt: expect.any(String) });
    expect(after.unacknowledged).toBe(open.unacknowledged - 1);
    // Again: nothing more to acknowledge.
    expect((await sys.api('interior', 'POST', '/api/notifications/ack', { ids: [first.id] }, interiorToken)).body).toEqual({ acknowledged: 0 });
    expect((await sys.api('interior', 'POST', '/api/notifications/ack', {}, interiorToken)).body).toEqual({ acknowledged: after.unacknowledged });
    expect((await notifications()).unacknowledged).toBe(0);
    const [{ acknowledged_at }] = await sys.sql('interior', `SELECT acknowledged_at FROM notifications WHERE key = 'test:other'`);
    expect(acknowledged_at).toBeNull();
  });

  it('pages', async () => {
    const all = await notifications('?pageSize=1');
    expect(all.items).toHaveLength(1);
    expect(all.total).toBeGreaterThanOrEqual(2);
    const second = await notifications('?pageSize=1&page=2');
    expect(second.items[0].id).not.toBe(all.items[0].id);
    expect((await sys.api('interior', 'GET', '/api/notifications?open=maybe', undefined, interiorToken)).status).toBe(400);
  });

  describe('search of messages', () => {
    let id: string;
    const search = async (q: string, token = borderToken, agency: 'border' | 'interior' = 'border') => {
      const r = await sys.api(agency, 'GET', `/api/messages?box=all&${q}`, undefined, token);
      expect(r.status).toBe(200);
      return (r.body.items as { id: string }[]).map((m) => m.id);
    };

    beforeAll(async () => {
      const body = urgentDetainedMigrants();
      body.urgent.summary = 'Задержаны двое иностранцев в грузовике';
      body.urgent.detainedMigrants.persons[1].surname = 'ТУРСУНОВ';
      body.urgent.detainedMigrants.methods = 'Спрятались в спальном отсеке грузового автомобиля';
      const sent = await sys.api('border', 'POST', '/api/messages', body, borderToken);
      expect(sent.status).toBe(201);
      id = sent.body.id;
      // The recipient's searches below need it delivered.
      await eventually(async () => (await sys.sql('interior', `SELECT 1 FROM messages WHERE id = $1`, [id])).length === 1, 20_000, 'the report at interior');
    });

    it('by person (surname, given names, any case, any script), document number, checkpoint', async () => {
      expect(await search('surname=wang')).toContain(id);
      expect(await search(`surname=${encodeURIComponent('турсунов')}&givenNames=aziz`)).toContain(id);
      expect(await search('surname=WANG&givenNames=LEI')).toContain(id);
      expect(await search('surname=WANG&givenNames=AZIZ')).not.toContain(id); // both are named, but not as one person
      expect(await search('surname=NOBODY')).toEqual([]);
      expect(await search('document=ea1234567')).toContain(id);
      expect(await search('document=EA12345')).not.toContain(id);
      expect(await search('checkpoint=CP-CN-A-01&kind=URGENT')).toContain(id);
      expect(await search('checkpoint=CP-KG-01')).not.toContain(id);
    });

    it('by free text of the whole payload, in Russian (word forms) and English, not only the summary', async () => {
      expect(await search(`text=${encodeURIComponent('спальный отсек')}`)).toContain(id); // from "methods", other word forms
      expect(await search(`text=${encodeURIComponent('иностранцы')}`)).toContain(id);
      expect(await search('text=travel%20agencies')).toContain(id); // visaAcquisitionDetails, English stems
      expect(await search('text=Tashkent%20-Almaty')).not.toContain(id);
      expect(await search(`text=${encodeURIComponent("'); DROP TABLE messages; --")}`)).toEqual([]);
    });

    it('only among the messages the unit is party to; the recipient finds it too; bad filters are 400', async () => {
      expect(await search('surname=wang', interiorToken, 'interior')).toContain(id);
      expect(await search('surname=wang&period=2026-01-01')).toEqual([]);
      const bad = await sys.api('border', 'GET', '/api/messages?box=all&checkpoint=nowhere', undefined, borderToken, undefined, { 'accept-language': 'ru' });
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0]).toMatchObject({ field: 'checkpoint', code: 'CHECKPOINT_ID', messages: [expect.stringContaining('пункта пропуска')] });
    });

    it('an opened message carries its signature block (signer unit, key id, fingerprint, time) for printing', async () => {
      const opened = await sys.api('interior', 'GET', `/api/messages/${id}`, undefined, interiorToken);
      expect(opened.body.signature).toEqual({ signerUnit: BORDER, keyId: expect.stringMatching(new RegExp(`^${BORDER}#`)), fingerprint: expect.stringMatching(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/), signedAt: opened.body.createdAt });
    });

    it('the outbox marks an urgent report awaiting its written confirmation', async () => {
      const out = await sys.api('border', 'GET', '/api/messages?box=outbox&kind=URGENT', undefined, borderToken);
      expect(out.body.items.find((m: { id: string }) => m.id === id)).toMatchObject({ confirmedBy: null });
    });
  });
});
