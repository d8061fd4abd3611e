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
});
