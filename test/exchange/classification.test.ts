/**
 * Classification means something (#15 item 7): a CONFIDENTIAL report opens only for users cleared
 * for it. Every way an uncleared duty officer could read it is attacked — opening it, the inbox and
 * outbox listings, free-text search, the live-event stream, the person check and the persons of the
 * message — and must give no payload and no summary; opening it (and the refused attempt) is
 * audited; the ledger's audit events carry no text of it; an administrator sets a clearance.
 */
import { TestSystem, eventually } from '../support/harness';
import { BORDER, INTERIOR, daily } from './fixtures';

jest.setTimeout(90_000);

const SECRET = 'SECRETWORD operation near post 214';

describe('a CONFIDENTIAL report opens only for users cleared for it', () => {
  const sys = new TestSystem();
  let id: string;
  let openId: string;
  let duty: string;
  let senior: string;
  let live: Awaited<ReturnType<TestSystem['liveEvents']>>;
  const seen: unknown[] = [];

  beforeAll(async () => {
    await sys.start(['border', 'interior']);
    duty = await sys.login('interior', 'duty');
    senior = await sys.login('interior', 'senior');
    live = await sys.liveEvents('interior', duty);
    const body = { ...daily(SECRET), recipientUnits: [INTERIOR], classification: 'CLASSIFICATION_CONFIDENTIAL' };
    const sent = await sys.api('border', 'POST', '/api/messages', body, await sys.login('border', 'senior'));
    expect(sent.status).toBe(201);
    id = sent.body.id;
    seen.push(await live.next((e) => e.id === id));
    // A FOR_OFFICIAL_USE report beside it: the control that the checks below can fail.
    const open = await sys.api('border', 'POST', '/api/messages', { ...daily('OPENWORD all quiet'), recipientUnits: [INTERIOR] }, await sys.login('border'));
    openId = open.body.id;
    await eventually(async () => (await sys.sql('interior', `SELECT 1 FROM messages WHERE id = ANY($1::uuid[])`, [[id, openId]])).length === 2, 20_000, 'both delivered');
  });
  afterAll(async () => {
    live?.close();
    await sys.cleanup();
  });

  it('the uncleared officer lists it as restricted, with no summary; the cleared one sees it', async () => {
    const inbox = await sys.api('interior', 'GET', '/api/messages?box=inbox', undefined, duty);
    const item = inbox.body.items.find((m: { id: string }) => m.id === id);
    expect(item).toMatchObject({ restricted: true, summary: '', classification: 'CONFIDENTIAL', senderUnit: BORDER });
    expect(item.payload).toBeUndefined();
    expect(JSON.stringify(inbox.body)).not.toContain('SECRETWORD');
    expect(JSON.stringify(inbox.body)).toContain('OPENWORD');
    const cleared = await sys.api('interior', 'GET', '/api/messages?box=inbox', undefined, senior);
    expect(cleared.body.items.find((m: { id: string }) => m.id === id)).toMatchObject({ summary: SECRET });
    expect(cleared.body.items.find((m: { id: string }) => m.id === id).restricted).toBeUndefined();
    // The sender's unit: its uncleared duty officer sees it restricted in the outbox too.
    const outbox = await sys.api('border', 'GET', '/api/messages?box=outbox', undefined, await sys.login('border'));
    expect(outbox.body.items.find((m: { id: string }) => m.id === id)).toMatchObject({ restricted: true, summary: '' });
  });

  it('free-text search does not match a restricted text for the uncleared officer', async () => {
    expect((await sys.api('interior', 'GET', '/api/messages?box=inbox&q=SECRETWORD', undefined, duty)).body.total).toBe(0);
    expect((await sys.api('interior', 'GET', '/api/messages?box=inbox&q=OPENWORD', undefined, duty)).body.total).toBe(1);
    expect((await sys.api('interior', 'GET', '/api/messages?box=inbox&q=SECRETWORD', undefined, senior)).body.total).toBe(1);
  });

  it('the live-event stream carries no text', () => {
    expect(JSON.stringify(seen)).not.toContain('SECRETWORD');
  });

  it('opening it uncleared is refused (403 NOT_CLEARED, nothing read) and audited; cleared, it opens and is audited', async () => {
    const refused = await sys.api('interior', 'GET', `/api/messages/${id}`, undefined, duty);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('NOT_CLEARED');
    expect(JSON.stringify(refused.body)).not.toContain('SECRETWORD');
    expect((await sys.sql('interior', `SELECT status FROM message_recipients WHERE message_id = $1`, [id]))[0].status).toBe('DELIVERED');
    expect((await sys.api('interior', 'GET', `/api/messages/${id}/matches`, undefined, duty)).status).toBe(403);

    const opened = await sys.api('interior', 'GET', `/api/messages/${id}`, undefined, senior);
    expect(opened.status).toBe(200);
    expect(opened.body.payload.daily.summary).toBe(SECRET);
    expect((await sys.sql('interior', `SELECT status FROM message_recipients WHERE message_id = $1`, [id]))[0].status).toBe('READ');

    const audit = await sys.sql('interior', `SELECT actor, action, details FROM audit_log WHERE message_id = $1 AND action LIKE 'classified-%' ORDER BY id`, [id]);
    expect(audit).toEqual([
      { actor: 'interior.duty', action: 'classified-refused', details: { classification: 'CONFIDENTIAL', clearance: 'FOR_OFFICIAL_USE' } },
      { actor: 'interior.senior', action: 'classified-opened', details: { classification: 'CONFIDENTIAL', clearance: 'CONFIDENTIAL' } },
    ]);
    // A FOR_OFFICIAL_USE report opens for the duty officer, without a classified-* entry.
    expect((await sys.api('interior', 'GET', `/api/messages/${openId}`, undefined, duty)).status).toBe(200);
    expect(await sys.sql('interior', `SELECT 1 FROM audit_log WHERE message_id = $1 AND action LIKE 'classified-%'`, [openId])).toEqual([]);
  });

  it('the ledger’s audit events (sent and received) carry no text of it', async () => {
    const hasText = async (agency: 'border' | 'interior', word: string) =>
      (await sys.sql(agency, `SELECT count(*)::int AS n FROM outbox WHERE kind <> 'ENVELOPE' AND position(convert_to($1, 'UTF8') in payload) > 0`, [word]))[0].n as number;
    await eventually(async () => (await hasText('border', 'OPENWORD')) > 0 && (await hasText('interior', 'OPENWORD')) > 0, 10_000, 'the control report’s audit events');
    expect(await hasText('border', 'SECRETWORD')).toBe(0);
    expect(await hasText('interior', 'SECRETWORD')).toBe(0);
  });

  it('an administrator sets a clearance (audited); nobody else can; bad values change nothing', async () => {
    const admin = await sys.login('interior', 'admin');
    const path = '/api/admin/users/interior.duty/clearance';
    expect((await sys.api('interior', 'PUT', path, { clearance: 'CONFIDENTIAL' }, duty)).status).toBe(403);
    expect((await sys.api('interior', 'PUT', path, { clearance: 'CONFIDENTIAL' }, senior)).status).toBe(403);
    expect((await sys.api('interior', 'PUT', path, { clearance: 'TOP_SECRET' }, admin)).status).toBe(400);
    expect((await sys.api('interior', 'PUT', '/api/admin/users/nobody/clearance', { clearance: 'CONFIDENTIAL' }, admin)).status).toBe(404);
    expect((await sys.api('interior', 'GET', `/api/messages/${id}`, undefined, duty)).status).toBe(403);

    const set = await sys.api('interior', 'PUT', path, { clearance: 'CONFIDENTIAL' }, admin);
    expect(set).toMatchObject({ status: 200, body: { username: 'interior.duty', clearance: 'CONFIDENTIAL' } });
    expect((await sys.api('interior', 'GET', `/api/messages/${id}`, undefined, duty)).status).toBe(200);
    expect(await sys.sql('interior', `SELECT actor, details FROM audit_log WHERE action = 'clearance-set'`)).toEqual([{ actor: 'interior.admin', details: { user: 'interior.duty', clearance: 'CONFIDENTIAL' } }]);

    await sys.api('interior', 'PUT', path, { clearance: 'UNCLASSIFIED' }, admin);
    // UNCLASSIFIED: even a FOR_OFFICIAL_USE report is restricted.
    expect((await sys.api('interior', 'GET', `/api/messages/${openId}`, undefined, duty)).status).toBe(403);
  });
});
