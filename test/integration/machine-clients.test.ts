import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac } from 'node:crypto';
import { verifyWebhook } from '@shekara/agency-node';
import { TestSystem, eventually } from '../support/harness';
import { BORDER, INTERIOR, daily } from '../exchange/fixtures';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { DEMO_PASSWORD } from '@shekara/agency-node';
import { main } from '../../apps/cli/src/main';
import { OpenApiClient } from './openapi-client';
import type { OpenApiDoc } from './openapi-client';

jest.setTimeout(90_000);

/** An HS256 JWT made by hand (what an attacker holding, or guessing, a key could make). */
function hs256(claims: Record<string, unknown>, secret: string): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ iat: Math.floor(Date.now() / 1000), ...claims })}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}
const inAMinute = () => Math.floor(Date.now() / 1000) + 60;

/**
 * Machine clients of a node (docs/integration.md), on real nodes (border sends, interior receives),
 * PostgreSQL and NATS: service accounts and their tokens, the send API for bound units only, the
 * durable feed (redelivered after a client's crash and a node's restart), cursors refused, rate
 * limits, webhooks retried and stopped after the bound.
 */
describe('machine clients', () => {
  const WEBHOOK = { pollMs: 50, retryBaseMs: 50, retryMaxMs: 200, maxAttempts: 3, timeoutMs: 2000 };
  const sys = new TestSystem({}, { clientTokenTtlS: 300, feedPruneMs: 200, webhook: WEBHOOK });
  let borderAdmin: string;
  let interiorAdmin: string;
  const secrets = new Map<string, string>();

  const create = async (agency: 'border' | 'interior', clientId: string, units: string[], extra: Record<string, unknown> = {}) => {
    const r = await sys.api(agency, 'POST', '/api/admin/clients', { clientId, name: `${clientId} system`, units, ...extra }, agency === 'border' ? borderAdmin : interiorAdmin);
    expect(r.status).toBe(201);
    secrets.set(clientId, r.body.clientSecret);
    return r.body;
  };
  const token = async (agency: 'border' | 'interior', clientId: string, secret = secrets.get(clientId)) => {
    const r = await sys.api(agency, 'POST', '/api/integration/token', { grant_type: 'client_credentials', client_id: clientId, client_secret: secret });
    if (r.status !== 200) throw new Error(`token ${clientId}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.access_token as string;
  };
  const messages = async (agency: 'border' | 'interior') => (await sys.sql(agency, `SELECT count(*)::int AS n FROM messages`))[0].n as number;

  beforeAll(async () => {
    await sys.start(['border', 'interior']);
    borderAdmin = await sys.login('border', 'admin');
    interiorAdmin = await sys.login('interior', 'admin');
    await create('border', 'border-eps', [BORDER]);
    await create('interior', 'interior-reg', [INTERIOR]);
    await create('interior', 'interior-other', [INTERIOR]);
  });
  afterAll(() => sys.cleanup());

  describe('service accounts', () => {
    it('are managed by administrators only, for units of the node’s agency, once per client id', async () => {
      const duty = await sys.login('border', 'duty');
      expect((await sys.api('border', 'POST', '/api/admin/clients', { clientId: 'x-sys', name: 'x', units: [BORDER] }, duty)).status).toBe(403);
      const foreign = await sys.api('border', 'POST', '/api/admin/clients', { clientId: 'x-sys', name: 'x', units: [INTERIOR] }, borderAdmin);
      expect(foreign).toMatchObject({ status: 400, body: { code: 'UNKNOWN_UNIT' } });
      const twice = await sys.api('border', 'POST', '/api/admin/clients', { clientId: 'border-eps', name: 'x', units: [BORDER] }, borderAdmin);
      expect(twice).toMatchObject({ status: 409, body: { code: 'CLIENT_ID_TAKEN' } });
      const list = await sys.api('border', 'GET', '/api/admin/clients', undefined, borderAdmin);
      expect(list.body).toEqual([expect.objectContaining({ clientId: 'border-eps', units: [BORDER], revokedAt: null, webhookState: 'NONE' })]);
      expect(JSON.stringify(list.body)).not.toContain(secrets.get('border-eps'));
      // Only the secret's hash is kept.
      const [row] = await sys.sql('border', `SELECT encode(secret_hash, 'hex') AS h FROM integration_clients WHERE client_id = 'border-eps'`);
      expect(row.h).toHaveLength(64);
    });

    it('a token for the right secret only; a token is good for the integration API only, a person’s token not for it', async () => {
      const wrong = await sys.api('border', 'POST', '/api/integration/token', { grant_type: 'client_credentials', client_id: 'border-eps', client_secret: 'guess' });
      expect(wrong).toMatchObject({ status: 401, body: { code: 'INVALID_CLIENT' } });
      const unknown = await sys.api('border', 'POST', '/api/integration/token', { grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'guess' });
      expect(unknown).toMatchObject({ status: 401, body: { code: 'INVALID_CLIENT' } });
      const badGrant = await sys.api('border', 'POST', '/api/integration/token', { grant_type: 'password', client_id: 'border-eps', client_secret: 'x' });
      expect(badGrant.status).toBe(400);
      const t = await token('border', 'border-eps');
      expect((await sys.api('border', 'GET', '/api/messages', undefined, t)).status).toBe(403);
      expect((await sys.api('border', 'GET', '/api/admin/clients', undefined, t)).status).toBe(403);
      expect((await sys.api('border', 'GET', '/api/feed', undefined, await sys.login('border', 'duty'))).status).toBe(403);
      expect((await sys.api('border', 'GET', '/api/feed', undefined, t)).status).toBe(200);
    });

    it('an expired or forged token is refused (the same JWT checks as users’)', async () => {
      const [{ id }] = await sys.sql('border', `SELECT id FROM integration_clients WHERE client_id = 'border-eps'`);
      const secret = sys.config('border').jwt.secret;
      const claims = { sub: id, typ: 'client', cid: 'border-eps' };
      const good = hs256({ ...claims, iss: 'border', aud: 'border', exp: inAMinute() }, secret);
      // The hand-made token is right (so the refusals below are for what each one changes).
      expect((await sys.api('border', 'GET', '/api/feed', undefined, good)).status).toBe(200);
      const expired = hs256({ ...claims, iss: 'border', aud: 'border', exp: Math.floor(Date.now() / 1000) - 10 }, secret);
      expect((await sys.api('border', 'GET', '/api/feed', undefined, expired)).status).toBe(401);
      const noExpiry = hs256({ ...claims, iss: 'border', aud: 'border' }, secret);
      expect((await sys.api('border', 'GET', '/api/feed', undefined, noExpiry)).status).toBe(401);
      const forged = hs256({ ...claims, iss: 'border', aud: 'border', exp: inAMinute() }, 'another-secret-another-secret-1234567890');
      expect((await sys.api('border', 'GET', '/api/feed', undefined, forged)).status).toBe(401);
      const otherNode = hs256({ ...claims, iss: 'interior', aud: 'interior', exp: inAMinute() }, secret);
      expect((await sys.api('border', 'GET', '/api/feed', undefined, otherNode)).status).toBe(401);
      const renamed = hs256({ ...claims, cid: 'someone-else', iss: 'border', aud: 'border', exp: inAMinute() }, secret);
      expect((await sys.api('border', 'GET', '/api/feed', undefined, renamed)).status).toBe(401);
    });

    it('a revoked account: its live token and its secret, replayed, are refused at once', async () => {
      await create('border', 'border-old', [BORDER]);
      const t = await token('border', 'border-old');
      expect((await sys.api('border', 'GET', '/api/feed', undefined, t)).status).toBe(200);
      expect((await sys.api('border', 'POST', '/api/admin/clients/border-old/revoke', undefined, borderAdmin)).status).toBe(204);
      expect((await sys.api('border', 'GET', '/api/feed', undefined, t)).status).toBe(401);
      const again = await sys.api('border', 'POST', '/api/integration/token', { grant_type: 'client_credentials', client_id: 'border-old', client_secret: secrets.get('border-old') });
      expect(again).toMatchObject({ status: 401, body: { code: 'INVALID_CLIENT' } });
      expect((await sys.api('border', 'POST', '/api/admin/clients/nobody/revoke', undefined, borderAdmin)).status).toBe(404);
    });
  });

  describe('sending', () => {
    it('sends as a bound unit through the desk’s use case, authored and audited as the system', async () => {
      const t = await token('border', 'border-eps');
      const r = await sys.api('border', 'POST', '/api/integration/messages', { ...daily('Sent by the EPS.'), recipientUnits: [INTERIOR] }, t);
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ senderUnit: BORDER, createdBy: 'client:border-eps' });
      const audit = await sys.sql('border', `SELECT actor, action, message_id, details FROM audit_log WHERE actor = 'client:border-eps' ORDER BY id`);
      expect(audit).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ action: 'sent', message_id: r.body.id }),
          expect.objectContaining({ action: 'client-call', message_id: r.body.id, details: expect.objectContaining({ method: 'POST', path: '/api/integration/messages', status: 201 }) }),
        ]),
      );
      await eventually(async () => (await sys.sql('interior', `SELECT 1 FROM messages WHERE id = $1`, [r.body.id])).length > 0, 15_000, 'the report at interior');
    });

    it('acting for a unit it is not bound to: 403, nothing stored; an invalid body: 400, nothing stored', async () => {
      const t = await token('border', 'border-eps');
      const before = await messages('border');
      const other = await sys.api('border', 'POST', '/api/integration/messages', { ...daily(), senderUnit: 'border.l4.CP-CN-A-02', recipientUnits: ['interior.l4.CP-CN-A-02'] }, t);
      expect(other).toMatchObject({ status: 403, body: { code: 'NOT_BOUND_UNIT' } });
      const ru = await fetch(`${sys.url('border')}/api/integration/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${t}`, 'accept-language': 'ru' },
        body: JSON.stringify({ ...daily(), senderUnit: 'border.l4.CP-CN-A-02' }),
      });
      expect(((await ru.json()) as { message: string }).message).toMatch(/не может действовать/);
      const invalid = await sys.api('border', 'POST', '/api/integration/messages', { senderUnit: BORDER, recipientUnits: [INTERIOR] }, t);
      expect(invalid).toMatchObject({ status: 400, body: { code: 'INVALID_BODY' } });
      expect(await messages('border')).toBe(before);
      const refused = await sys.sql('border', `SELECT details FROM audit_log WHERE actor = 'client:border-eps' AND action = 'client-call' AND (details->>'status')::int = 403`);
      expect(refused.length).toBeGreaterThan(0);
    });
  });

  describe('the feed', () => {
    let sent: string;

    it('delivers a report received, again after a client’s crash between fetch and ack, not after the ack', async () => {
      const bt = await token('border', 'border-eps');
      sent = (await sys.api('border', 'POST', '/api/integration/messages', { ...daily('For the feed.'), recipientUnits: [INTERIOR] }, bt)).body.id;
      const t = await token('interior', 'interior-reg');
      const first = await eventually(async () => {
        const r = await sys.api('interior', 'GET', '/api/feed', undefined, t);
        return r.body.events.some((e: { messageId: string }) => e.messageId === sent) && r.body;
      }, 15_000, 'the report in the feed');
      const ev = first.events.find((e: { messageId: string }) => e.messageId === sent);
      expect(ev).toMatchObject({ type: 'message', unitId: INTERIOR, status: 'DELIVERED', message: { kind: 'DAILY', senderUnit: BORDER, summary: 'For the feed.' } });
      // The client "crashed" before acknowledging: the same events come again.
      const again = await sys.api('interior', 'GET', '/api/feed', undefined, t);
      expect(again.body.events.map((e: { cursor: string }) => e.cursor)).toEqual(first.events.map((e: { cursor: string }) => e.cursor));
      const ack = await sys.api('interior', 'POST', '/api/feed/ack', { cursor: first.next }, t);
      expect(ack).toMatchObject({ status: 200, body: { acked: first.next } });
      expect((await sys.api('interior', 'GET', '/api/feed', undefined, t)).body.events.filter((e: { messageId: string }) => e.messageId === sent)).toEqual([]);
      // An older cursor acknowledged later moves nothing back.
      expect((await sys.api('interior', 'POST', '/api/feed/ack', { cursor: first.events[0].cursor }, t)).body.acked).toBe(first.next);
    });

    it('tells the sending system the statuses of its report', async () => {
      const t = await token('border', 'border-eps');
      await eventually(async () => {
        const r = await sys.api('border', 'GET', '/api/feed?limit=500', undefined, t);
        const statuses = r.body.events.filter((e: { messageId: string }) => e.messageId === sent).map((e: { status: string }) => e.status);
        return statuses.includes('DELIVERED') && statuses;
      }, 15_000, 'a DELIVERED status event at border');
    });

    it('survives a node restart: what was not acknowledged is delivered after it', async () => {
      const bt = await token('border', 'border-eps');
      const id = (await sys.api('border', 'POST', '/api/integration/messages', { ...daily('Before the restart.'), recipientUnits: [INTERIOR] }, bt)).body.id;
      const t = await token('interior', 'interior-reg');
      await eventually(async () => (await sys.api('interior', 'GET', '/api/feed', undefined, t)).body.events.some((e: { messageId: string }) => e.messageId === id), 15_000, 'the report in the feed');
      await sys.stopNode('interior');
      await sys.startNode('interior');
      const after = await sys.api('interior', 'GET', '/api/feed', undefined, t);
      expect(after.status).toBe(200);
      expect(after.body.events.map((e: { messageId: string }) => e.messageId)).toContain(id);
      expect((await sys.api('interior', 'POST', '/api/feed/ack', { cursor: after.body.next }, t)).status).toBe(200);
    });

    it('refuses a cursor of another account, from the future or malformed; nothing changes', async () => {
      const t = await token('interior', 'interior-reg');
      const other = await token('interior', 'interior-other');
      const [before] = await sys.sql('interior', `SELECT acked_tx::text, acked_seq::text FROM integration_clients WHERE client_id = 'interior-reg'`);
      const mine = (await sys.api('interior', 'GET', '/api/feed', undefined, t)).body.acked as string;
      const foreign = await sys.api('interior', 'GET', `/api/feed?after=${mine}`, undefined, other);
      expect(foreign).toMatchObject({ status: 403, body: { code: 'FEED_CURSOR_FOREIGN' } });
      expect((await sys.api('interior', 'POST', '/api/feed/ack', { cursor: mine }, other)).status).toBe(403);
      const [{ id }] = await sys.sql('interior', `SELECT id FROM integration_clients WHERE client_id = 'interior-reg'`);
      const future = Buffer.from(`${id}.999999999999.1`).toString('base64url');
      expect(await sys.api('interior', 'GET', `/api/feed?after=${future}`, undefined, t)).toMatchObject({ status: 409, body: { code: 'FEED_CURSOR_FUTURE' } });
      expect(await sys.api('interior', 'POST', '/api/feed/ack', { cursor: future }, t)).toMatchObject({ status: 409, body: { code: 'FEED_CURSOR_FUTURE' } });
      expect(await sys.api('interior', 'POST', '/api/feed/ack', { cursor: 'bm90LWEtY3Vyc29y' }, t)).toMatchObject({ status: 400, body: { code: 'FEED_CURSOR_INVALID' } });
      expect((await sys.api('interior', 'GET', '/api/feed?limit=0', undefined, t)).status).toBe(400);
      const [after] = await sys.sql('interior', `SELECT acked_tx::text, acked_seq::text FROM integration_clients WHERE client_id = 'interior-reg'`);
      expect(after).toEqual(before);
    });
  });

  it('rate limits each account: 429 with Retry-After, others unaffected', async () => {
    await create('border', 'border-slow', [BORDER], { ratePerMinute: 30 });
    const t = await token('border', 'border-slow');
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${sys.url('border')}/api/feed`, { headers: { authorization: `Bearer ${t}` } });
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
      await res.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect((await sys.api('border', 'GET', '/api/feed', undefined, await token('border', 'border-eps'))).status).toBe(200);
  });

  it('OpenAPI: a client made from the served document alone creates an account, gets a token, sends, pulls and acknowledges', async () => {
    const docOf = async (agency: 'border' | 'interior') => new OpenApiClient((await fetch(`${sys.url(agency)}/api/docs-json`).then((r) => r.json())) as OpenApiDoc, sys.url(agency));
    const border = await docOf('border');
    const interior = await docOf('interior');
    for (const id of ['issueToken', 'sendMessage', 'pullFeed', 'ackFeed']) expect(border.operation(id)).toBeDefined();
    // The checker is not blind: a page that is not one is refused by the document's schema.
    expect(border.check(border.operation('pullFeed').responses['200'].content!['application/json'].schema, { events: [{ cursor: 1 }], next: 'x' }, 'r')).toEqual(
      expect.arrayContaining(['r.acked: missing', 'r.events[0].cursor: number, not string', 'r.events[0].message: missing']),
    );
    const created = await border.call('createClient', { body: { clientId: 'border-oa', name: 'Generated client', units: [BORDER] }, token: borderAdmin });
    expect(created.status).toBe(201);
    const tok = await border.call('issueToken', { body: { grant_type: 'client_credentials', client_id: 'border-oa', client_secret: created.body.clientSecret } });
    const sent = await border.call('sendMessage', { body: { ...daily('Sent by a generated client.'), recipientUnits: [INTERIOR] }, token: tok.body.access_token });
    expect(sent).toMatchObject({ status: 201, body: { createdBy: 'client:border-oa' } });

    const reader = await interior.call('createClient', { body: { clientId: 'interior-oa', name: 'Generated reader', units: [INTERIOR] }, token: interiorAdmin });
    secrets.set('interior-oa', reader.body.clientSecret);
    const rt = (await interior.call('issueToken', { body: { grant_type: 'client_credentials', client_id: 'interior-oa', client_secret: reader.body.clientSecret } })).body.access_token;
    const page = await eventually(async () => {
      const r = await interior.call('pullFeed', { query: { limit: 500 }, token: rt });
      return r.body.events.some((e: { messageId: string }) => e.messageId === sent.body.id) && r.body;
    }, 15_000, 'the report in the generated client’s feed');
    expect((await interior.call('ackFeed', { body: { cursor: page.next }, token: rt })).status).toBe(200);
    expect((await interior.call('listClients', { token: interiorAdmin })).status).toBe(200);
    // What the document does not declare, the client cannot send.
    await expect(interior.call('pullFeed', { query: { since: 'x' }, token: rt })).rejects.toThrow(/no query parameter since/);
  });

  it('shekara clients create, list and revoke through the admin API', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shekara-clients-'));
    try {
      const passwordFile = join(dir, 'password');
      writeFileSync(passwordFile, DEMO_PASSWORD + '\n', { mode: 0o600 });
      const tokenFile = join(dir, 'token');
      writeFileSync(tokenFile, borderAdmin, { mode: 0o600 });
      // The first command signs in with the password file; the others use a token file (one argon2 check is enough).
      let auth = ['--user', 'border.admin', '--password-file', passwordFile];
      const run = async (...argv: string[]) => {
        const out = new PassThrough();
        const err = new PassThrough();
        let stdout = '';
        let stderr = '';
        out.on('data', (c) => (stdout += c));
        err.on('data', (c) => (stderr += c));
        const code = await main(['clients', ...argv, '--node', sys.url('border'), ...auth], { stdout: out, stderr: err, now: () => new Date() });
        auth = ['--token-file', tokenFile];
        return { code, stdout, stderr };
      };
      const created = await run('create', '--client-id', 'border-cli', '--name', 'Made by the CLI', '--unit', BORDER, '--rate', '120');
      expect(created).toMatchObject({ code: 0, stdout: expect.stringMatching(/^client_id=border-cli\nclient_secret=[A-Za-z0-9_-]{43}\n$/) });
      const secret = /client_secret=(\S+)/.exec(created.stdout)![1];
      expect((await token('border', 'border-cli', secret)).length).toBeGreaterThan(20);
      expect(await run('create', '--client-id', 'border-cli', '--name', 'again', '--unit', BORDER)).toMatchObject({ code: 1, stderr: expect.stringContaining('CLIENT_ID_TAKEN') });
      expect((await run('list')).stdout).toMatch(new RegExp(`^border-cli\tactive\t${BORDER.replace(/\./g, '\\.')}\tFOR_OFFICIAL_USE\t120/min`, 'm'));
      expect(await run('revoke', '--client-id', 'border-cli')).toMatchObject({ code: 0 });
      expect((await run('list')).stdout).toMatch(/^border-cli\trevoked /m);
      await expect(token('border', 'border-cli', secret)).rejects.toThrow(/401/);
      expect(await run('revoke', '--client-id', 'nobody')).toMatchObject({ code: 1, stderr: expect.stringContaining('CLIENT_NOT_FOUND') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('webhooks', () => {
    let server: Server;
    const received: { headers: IncomingHttpHeaders; body: string; status: number }[] = [];
    let answers: number[] = [];
    let url: string;

    beforeAll(async () => {
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          const status = answers.shift() ?? 200;
          received.push({ headers: req.headers, body, status });
          res.writeHead(status).end();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const send = async (summary: string) => {
      const bt = await token('border', 'border-eps');
      return (await sys.api('border', 'POST', '/api/integration/messages', { ...daily(summary), recipientUnits: [INTERIOR] }, bt)).body.id as string;
    };

    it('are signed, retried with backoff after failures, and move on once answered 2xx', async () => {
      received.length = 0;
      answers = [500, 503];
      const set = await sys.api('interior', 'PUT', '/api/admin/clients/interior-other/webhook', { url: `${url}/ok` }, interiorAdmin);
      expect(set.status).toBe(200);
      const id = await send('For the webhook.');
      const delivered = await eventually(async () => received.find((r) => r.status === 200 && r.body.includes(id)), 15_000, 'a delivery answered 200');
      expect(received.filter((r) => r.status !== 200).length).toBe(2);
      for (const r of received) expect(verifyWebhook(set.body.secret, r.body, r.headers['x-shekara-signature'] as string, new Date())).toBe(true);
      expect(verifyWebhook('not-the-secret-not-the-secret-123', delivered.body, delivered.headers['x-shekara-signature'] as string, new Date())).toBe(false);
      const payload = JSON.parse(delivered.body);
      expect(payload).toMatchObject({ clientId: 'interior-other', events: expect.arrayContaining([expect.objectContaining({ messageId: id, type: 'message' })]) });
      await new Promise((r) => setTimeout(r, 300));
      expect(received.filter((r) => r.body.includes(id) && r.status === 200)).toHaveLength(1);
      const [row] = (await sys.api('interior', 'GET', '/api/admin/clients', undefined, interiorAdmin)).body.filter((c: { clientId: string }) => c.clientId === 'interior-other');
      expect(row).toMatchObject({ webhookState: 'ACTIVE' });
    });

    it('stop after the documented bound of attempts and are marked failed', async () => {
      received.length = 0;
      answers = Array(20).fill(500);
      expect((await sys.api('interior', 'PUT', '/api/admin/clients/interior-other/webhook', { url: `${url}/down` }, interiorAdmin)).status).toBe(200);
      await send('Nobody answers.');
      const failed = await eventually(async () => {
        const list = (await sys.api('interior', 'GET', '/api/admin/clients', undefined, interiorAdmin)).body as { clientId: string; webhookState: string }[];
        return list.find((c) => c.clientId === 'interior-other' && c.webhookState === 'FAILED');
      }, 15_000, 'the webhook marked failed');
      expect(failed).toMatchObject({ webhookLastError: 'HTTP 500' });
      await new Promise((r) => setTimeout(r, 500));
      expect(received).toHaveLength(WEBHOOK.maxAttempts);
    });
  });

  it('prunes only the events every open account of the unit acknowledged; cursors stay valid', async () => {
    const count = async () => (await sys.sql('interior', `SELECT count(*)::int AS n FROM feed_events WHERE unit_id = $1`, [INTERIOR]))[0].n as number;
    // Every report border sent has reached interior, and its feed event is servable (below the oldest running transaction).
    const sent = (await sys.sql('border', `SELECT count(*)::int AS n FROM messages WHERE direction = 'OUT'`))[0].n as number;
    await eventually(async () => (await sys.sql('interior', `SELECT count(*)::int AS n FROM messages WHERE direction = 'IN'`))[0].n === sent, 15_000, 'every report at interior');
    await eventually(async () => (await sys.sql('interior', `SELECT bool_and(tx < pg_snapshot_xmin(pg_current_snapshot())) AS ok FROM feed_events`))[0].ok, 15_000, 'every event servable');
    const before = await count();
    expect(before).toBeGreaterThan(1);
    const drainAndAck = async (id: string) => {
      const t = await token('interior', id);
      let page = (await sys.api('interior', 'GET', '/api/feed?limit=500', undefined, t)).body;
      while (page.events.length) page = (await sys.api('interior', 'GET', `/api/feed?after=${page.next}&limit=500`, undefined, t)).body;
      expect((await sys.api('interior', 'POST', '/api/feed/ack', { cursor: page.next }, t)).status).toBe(200);
      return page.next as string;
    };
    const last = await drainAndAck('interior-reg');
    // Other accounts of the unit have not acknowledged: nothing goes.
    await new Promise((r) => setTimeout(r, 600));
    expect(await count()).toBe(before);
    await drainAndAck('interior-other');
    await drainAndAck('interior-oa');
    await eventually(async () => (await count()) <= 1, 10_000, 'the acknowledged events pruned');
    const after = await sys.api('interior', 'GET', `/api/feed?after=${last}`, undefined, await token('interior', 'interior-reg'));
    expect(after).toMatchObject({ status: 200, body: { events: [] } });
  });
});
