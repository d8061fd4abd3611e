// Sessions and sign-in at a real node (PostgreSQL, NATS): a shift-long session in an httpOnly cookie,
// short tokens with iss/aud/exp, refresh and sign-out, disabled and deleted users, no token in URLs,
// throttled sign-in and bounded password checks, and a node that refuses a published JWT secret.
import { request } from 'node:http';
import { createHmac } from 'node:crypto';
import { startAgencyNode, DEMO_PASSWORD } from '@shekara/agency-node';
import { AuthService } from '@shekara/auth';
import { JsonLogger } from '@shekara/common';
import { checkPassword } from '@shekara/security';
import { TestSystem } from '../support/harness';

jest.setTimeout(60_000);

const COOKIE = 'shekara_session_border';

interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/** One HTTP request from a chosen loopback address (the throttle keys on the client's address). */
function call(url: string, method: string, path: string, opts: { body?: unknown; token?: string; cookie?: string; accept?: string; from?: string } = {}): Promise<Res> {
  const u = new URL(url + path);
  const data = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method,
        localAddress: opts.from ?? '127.0.0.1',
        agent: false,
        headers: {
          ...(data ? { 'content-type': 'application/json' } : {}),
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          ...(opts.cookie ? { cookie: opts.cookie } : {}),
          accept: opts.accept ?? 'application/json',
        },
      },
      (res) => {
        if (opts.accept === 'text/event-stream') {
          res.destroy();
          return resolve({ status: res.statusCode ?? 0, headers: res.headers, body: null });
        }
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => {
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

function sessionCookie(res: Res): string {
  const set = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const c = set.find((s) => s.startsWith(`${COOKIE}=`));
  if (!c) throw new Error(`no session cookie in ${JSON.stringify(set)}`);
  return c;
}

const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());

/** An HS256 JWT made by hand with the node's secret (what only a holder of the secret can make). */
function forge(secret: string, payload: Record<string, unknown>): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

describe('sessions and sign-in', () => {
  const sys = new TestSystem();
  let url: string;
  let n = 0;
  /** A fresh loopback address per test, so one test's throttling does not reach the next. */
  const address = () => `127.0.${10 + Math.floor(++n / 250)}.${(n % 250) + 1}`;
  const login = (username: string, password = DEMO_PASSWORD, from = address()) => call(url, 'POST', '/api/auth/login', { body: { username, password }, from });

  beforeAll(async () => {
    await sys.start(['border']);
    url = sys.url('border');
  });
  afterAll(() => sys.cleanup());

  it('signs in with an httpOnly, same-site session cookie and a short token carrying iss, aud and exp', async () => {
    const r = await login('border.duty');
    expect(r.status).toBe(200);
    const cookie = sessionCookie(r);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\/api/);
    expect(cookie).toMatch(/Max-Age=86400/);
    const c = claims(r.body.accessToken);
    expect(c).toMatchObject({ iss: 'border', aud: 'border', username: 'border.duty' });
    expect(typeof c.exp).toBe('number');
    expect(typeof c.sid).toBe('string');
    expect((await call(url, 'GET', '/api/me', { token: r.body.accessToken })).status).toBe(200);
  });

  it('hashes the demo password once: the demo users share one argon2id hash, which checks the demo password and no other', async () => {
    const hashes = await sys.sql<{ password_hash: string }>('border', `SELECT DISTINCT password_hash FROM users WHERE username LIKE 'border.%'`);
    expect(hashes).toHaveLength(1);
    expect(hashes[0].password_hash).toMatch(/^\$argon2id\$/);
    expect(await checkPassword(hashes[0].password_hash, DEMO_PASSWORD)).toBe(true);
    expect(await checkPassword(hashes[0].password_hash, `${DEMO_PASSWORD}!`)).toBe(false);
    for (const who of ['border.duty', 'border.admin']) expect((await login(who)).status).toBe(200);
  });

  it('gives every tab a token from the one session (refresh), and sign-out ends it everywhere', async () => {
    const r = await login('border.duty');
    const cookie = sessionCookie(r).split(';')[0];
    const tab = await call(url, 'POST', '/api/auth/refresh', { cookie });
    expect(tab.status).toBe(200);
    expect(claims(tab.body.accessToken).sid).toBe(claims(r.body.accessToken).sid);
    expect((await call(url, 'GET', '/api/me', { token: tab.body.accessToken })).status).toBe(200);

    const out = await call(url, 'POST', '/api/auth/logout', { cookie, token: r.body.accessToken });
    expect(out.status).toBe(204);
    expect(([] as string[]).concat(out.headers['set-cookie'] ?? []).join()).toMatch(new RegExp(`${COOKIE}=;`));
    expect((await call(url, 'GET', '/api/me', { token: r.body.accessToken })).status).toBe(401);
    expect((await call(url, 'GET', '/api/me', { token: tab.body.accessToken })).status).toBe(401);
    expect((await call(url, 'POST', '/api/auth/refresh', { cookie })).status).toBe(401);
  });

  it('refuses a refresh without a session, and a forged or tampered cookie', async () => {
    expect((await call(url, 'POST', '/api/auth/refresh')).status).toBe(401);
    const r = await login('border.duty');
    const [name, value] = sessionCookie(r).split(';')[0].split('=');
    const [id] = value.split('.');
    expect((await call(url, 'POST', '/api/auth/refresh', { cookie: `${name}=${id}.${'A'.repeat(43)}` })).status).toBe(401);
    expect((await call(url, 'POST', '/api/auth/refresh', { cookie: `${name}=garbage` })).status).toBe(401);
  });

  it('refuses tokens without exp, with another issuer or audience, or for no session', async () => {
    const secret = sys.config('border').jwt.secret;
    const r = await login('border.duty');
    const good = claims(r.body.accessToken);
    const base = { sub: good.sub, username: good.username, unit: good.unit, role: good.role, sid: good.sid };
    const now = Math.floor(Date.now() / 1000);
    // The forging itself is right: the same claims with iss, aud and exp are accepted.
    expect((await call(url, 'GET', '/api/me', { token: forge(secret, { ...base, iat: now, exp: now + 60, iss: 'border', aud: 'border' }) })).status).toBe(200);
    for (const bad of [
      { ...base, iat: now, iss: 'border', aud: 'border' },
      { ...base, iat: now, exp: now + 60, iss: 'interior', aud: 'border' },
      { ...base, iat: now, exp: now + 60, iss: 'border', aud: 'supervisor' },
      { ...base, iat: now, exp: now + 60, aud: 'border' },
      { ...base, iat: now - 120, exp: now - 60, iss: 'border', aud: 'border' },
      { ...base, sid: '0190aaaa-0000-7000-8000-000000000000', iat: now, exp: now + 60, iss: 'border', aud: 'border' },
    ])
      expect((await call(url, 'GET', '/api/me', { token: forge(secret, bad) })).status).toBe(401);
  });

  it('asks the database once for a session that many requests check at once, and believes no check that began before a sign-out', async () => {
    const store = (sys.app('border').get(AuthService) as unknown as { store: { find(sid: string): Promise<unknown> } }).store;
    const real = store.find.bind(store);
    const find = jest.spyOn(store, 'find');
    try {
      const r = await login('border.duty');
      const sid = claims(r.body.accessToken).sid;
      // The first check takes a while (a busy database): the other requests arrive meanwhile.
      find.mockImplementationOnce(async (s: string) => {
        await new Promise((res) => setTimeout(res, 500));
        return real(s);
      });
      const answers = await Promise.all(Array.from({ length: 40 }, () => call(url, 'GET', '/api/me', { token: r.body.accessToken })));
      expect(answers.every((a) => a.status === 200)).toBe(true);
      expect(find.mock.calls.filter(([s]) => s === sid)).toHaveLength(1);

      // A check reads the session, then the user signs out before it answers: that request was
      // checked before the sign-out, but what it read is not kept for the next one.
      const other = await login('border.duty');
      const cookie = sessionCookie(other).split(';')[0];
      let release!: () => void;
      const gate = new Promise<void>((res) => (release = res));
      let read!: () => void;
      const hasRead = new Promise<void>((res) => (read = res));
      find.mockImplementationOnce(async (s: string) => {
        const row = await real(s);
        read();
        await gate;
        return row;
      });
      const before = call(url, 'GET', '/api/me', { token: other.body.accessToken });
      await hasRead;
      expect((await call(url, 'POST', '/api/auth/logout', { cookie, token: other.body.accessToken })).status).toBe(204);
      release();
      expect((await before).status).toBe(200);
      expect((await call(url, 'GET', '/api/me', { token: other.body.accessToken })).status).toBe(401);
    } finally {
      find.mockRestore();
    }
  });

  it('refuses a disabled user (sign-in, token and refresh) and a deleted one', async () => {
    const r = await login('border.admin');
    const cookie = sessionCookie(r).split(';')[0];
    await sys.sql('border', `UPDATE users SET disabled_at = now() WHERE username = 'border.admin'`);
    // Believed for at most 5 s after a change made behind the node's back.
    await new Promise((res) => setTimeout(res, 5_200));
    expect((await call(url, 'GET', '/api/me', { token: r.body.accessToken })).status).toBe(401);
    expect((await call(url, 'POST', '/api/auth/refresh', { cookie })).status).toBe(401);
    expect((await login('border.admin')).status).toBe(401);
    await sys.sql('border', `UPDATE users SET disabled_at = NULL WHERE username = 'border.admin'`);
    const again = await login('border.admin');
    expect(again.status).toBe(200);

    await sys.sql('border', `DELETE FROM users WHERE username = 'border.admin'`);
    await new Promise((res) => setTimeout(res, 5_200));
    expect((await call(url, 'GET', '/api/me', { token: again.body.accessToken })).status).toBe(401);
  });

  it('takes no token from the URL: the live-event stream authenticates by header or session cookie', async () => {
    const r = await login('border.duty');
    const token = r.body.accessToken;
    expect((await call(url, 'GET', `/api/messages/events?access_token=${token}`, { accept: 'text/event-stream' })).status).toBe(401);
    expect((await call(url, 'GET', '/api/messages/events', { accept: 'text/event-stream', cookie: sessionCookie(r).split(';')[0] })).status).toBe(200);
    expect((await call(url, 'GET', '/api/messages/events', { accept: 'text/event-stream', token })).status).toBe(200);
    // The cookie alone opens nothing else (no cross-site request can act with it).
    expect((await call(url, 'GET', '/api/me', { cookie: sessionCookie(r).split(';')[0] })).status).toBe(401);
  });

  it('locks a user name after repeated failures (429 with Retry-After), even with the right password then', async () => {
    for (let i = 0; i < 5; i++) expect((await login('border.supervisor', 'wrong-password', address())).status).toBe(401);
    const locked = await login('border.supervisor', DEMO_PASSWORD, address());
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('TOO_MANY_ATTEMPTS');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    // Other users are not affected.
    expect((await login('border.duty')).status).toBe(200);
  });

  it('locks an address that tries many user names', async () => {
    const from = address();
    for (let i = 0; i < 20; i++) expect((await login(`nobody-${i}`, 'x', from)).status).toBe(401);
    const r = await login('border.duty', DEMO_PASSWORD, from);
    expect(r.status).toBe(429);
    expect(r.headers['retry-after']).toBeDefined();
    expect((await login('border.duty')).status).toBe(200);
  });

  it('bounds the password checks running at once: a flood is refused quickly and a normal sign-in still gets through', async () => {
    const flood = await Promise.all(Array.from({ length: 60 }, (_, i) => login(`flood-${i}`, 'x', address())));
    const busy = flood.filter((r) => r.status === 429 && r.body.code === 'SIGN_IN_BUSY');
    // 2 at once and 8 waiting: the rest are refused at once, with Retry-After.
    expect(busy.length).toBeGreaterThanOrEqual(40);
    expect(busy.every((r) => r.headers['retry-after'] === '1')).toBe(true);
    expect(flood.filter((r) => r.status === 401).length).toBeLessThanOrEqual(20);
    expect((await login('border.duty')).status).toBe(200);
  });

  it('refuses to start with a JWT secret published in the repository, before connecting to anything', async () => {
    const config = { ...sys.config('border'), databaseUrl: 'postgres://nobody@127.0.0.1:1/none', jwt: { secret: 'change-me-border-0123456789abcdef012345', ttlSeconds: 900 } };
    await expect(startAgencyNode(config, { logger: new JsonLogger('border-test', 'silent') })).rejects.toThrow(/^refusing to start: the JWT secret is a value published in the repository/);
  });
});
