import { TestSystem } from '../support/harness';
import { BORDER, CUSTOMS, INTERIOR, daily, urgentDetainedMigrants } from './fixtures';

jest.setTimeout(60_000);

describe('duty desk HTTP API: bad input changes nothing', () => {
  const sys = new TestSystem();
  let token: string;
  const count = async () => (await sys.sql('border', `SELECT count(*)::int AS n FROM messages`))[0].n as number;

  beforeAll(async () => {
    await sys.start(['border']);
    token = await sys.login('border');
  });
  afterAll(() => sys.cleanup());

  it('requires a bearer token', async () => {
    expect((await sys.api('border', 'GET', '/api/messages')).status).toBe(401);
    expect((await sys.api('border', 'GET', '/api/messages', undefined, 'not-a-jwt')).status).toBe(401);
    expect((await sys.api('border', 'POST', '/api/auth/login', { username: 'border.duty', password: 'wrong' })).status).toBe(401);
  });

  it('400 with per-field errors for an invalid body, nothing stored', async () => {
    const before = await count();
    const body = urgentDetainedMigrants();
    body.urgent.detainedMigrants.persons[0].dateOfBirth = '1990-02-30';
    delete body.classification;
    body.unexpected = true;
    const r = await sys.api('border', 'POST', '/api/messages', body, token);
    expect(r.status).toBe(400);
    const fields = r.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['urgent.detainedMigrants.persons.0.dateOfBirth', 'classification', 'unexpected']));
    expect(await count()).toBe(before);

    const notJson = await sys.api('border', 'POST', '/api/messages', undefined, token, '{"senderUnit":');
    expect(notJson.status).toBe(400);
    const wrongType = await sys.api('border', 'POST', '/api/messages', [1, 2, 3], token);
    expect(wrongType.status).toBe(400);
    expect(await count()).toBe(before);
  });

  it('400 for bad list filters', async () => {
    const r = await sys.api('border', 'GET', '/api/messages?box=trash&pageSize=100000', undefined, token);
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['box', 'pageSize']);
  });

  it('field errors are codes with parameters, their messages in the language the console asks for', async () => {
    const body = urgentDetainedMigrants();
    body.urgent.checkpointId = 'checkpoint 7';
    body.urgent.summary = 'x'.repeat(4001);
    const errorsIn = async (language: string) => {
      const r = await sys.api('border', 'POST', '/api/messages', body, token, undefined, { 'accept-language': language });
      expect(r.status).toBe(400);
      return r.body.errors as { field: string; code: string; params?: Record<string, string>; messages: string[] }[];
    };
    const ru = await errorsIn('ru');
    expect(ru).toEqual(
      expect.arrayContaining([
        { field: 'urgent.checkpointId', code: 'CHECKPOINT_ID', messages: ['urgent.checkpointId: должно быть кодом пункта пропуска вида «CP-CN-A-01»'] },
        { field: 'urgent.summary', code: 'TOO_LONG', params: { max: '4000' }, messages: ['urgent.summary: не длиннее 4000 символов'] },
      ]),
    );
    const en = await errorsIn('en-GB,en;q=0.9');
    expect(en).toEqual(
      expect.arrayContaining([
        { field: 'urgent.checkpointId', code: 'CHECKPOINT_ID', messages: ['checkpointId must be a checkpoint id like "CP-CN-A-01"'] },
        { field: 'urgent.summary', code: 'TOO_LONG', params: { max: '4000' }, messages: ['summary must be at most 4000 characters long'] },
      ]),
    );
    // Query parameters too (the HTTP edge's own validation pipe).
    const page = await sys.api('border', 'GET', '/api/messages?page=0', undefined, token, undefined, { 'accept-language': 'ru' });
    expect(page.body.errors).toEqual([expect.objectContaining({ field: 'page', code: expect.any(String), messages: [expect.stringMatching(/^page: /)] })]);
  });

  it('400 for a body nested 20,000 deep and for hidden characters in text, nothing stored', async () => {
    const before = await count();
    const deep = '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000);
    const r = await sys.api('border', 'POST', '/api/messages', undefined, token, deep);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: 'INVALID_BODY', message: expect.stringMatching(/nested deeper than 32/) });
    for (const summary of ['Detained \u202eenilno\u202c near post 214', 'Call \u001b[31m555\u001b[0m', 'WA\u200bNG detained']) {
      const body = urgentDetainedMigrants();
      body.urgent.summary = summary;
      const hidden = await sys.api('border', 'POST', '/api/messages', body, token);
      expect(hidden.status).toBe(400);
      expect(hidden.body.errors).toEqual([{ field: 'urgent.summary', code: 'HIDDEN_CHARACTERS', messages: [expect.stringMatching(/control, zero-width or text-direction/)] }]);
    }
    expect(await count()).toBe(before);
  });

  it('400 for page numbers no listing has (1e308 was OFFSET Infinity, a 500)', async () => {
    for (const path of ['/api/messages?page=', '/api/notifications?page=']) {
      for (const page of ['1e308', '100001', '0', '-1', '1.5', 'NaN']) {
        const r = await sys.api('border', 'GET', `${path}${page}`, undefined, token);
        expect(r.status).toBe(400);
        expect(r.body.errors.map((e: { field: string }) => e.field)).toEqual(['page']);
      }
      expect((await sys.api('border', 'GET', `${path}100000`, undefined, token)).status).toBe(200);
    }
  });

  it('400 for implausible times, with the field, a code and its bounds; nothing stored', async () => {
    const before = await count();
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    const urgentAt = (reportedAt: string, occurredAt = '1999-01-01T00:00:00Z') => {
      const b = urgentDetainedMigrants();
      return { ...b, reportedAt, urgent: { ...b.urgent, occurredAt } };
    };
    const cases: [string, Record<string, any>, string, string][] = [
      ['a report from 1900', urgentAt('1900-01-01T00:00:00Z', '1900-01-01T00:00:00Z'), 'reportedAt', 'REPORTED_TOO_LONG_AGO'],
      ['a report two days old', urgentAt(iso(now - 48 * 3600_000)), 'reportedAt', 'REPORTED_TOO_LONG_AGO'],
      ['a report from 2030', urgentAt('2030-01-01T00:00:00Z'), 'reportedAt', 'REPORTED_IN_FUTURE'],
      ['a report from 9999', urgentAt('9999-12-31T23:59:59Z'), 'reportedAt', 'REPORTED_IN_FUTURE'],
      ['an event after its report', urgentAt(iso(now - 3600_000), iso(now - 60_000)), 'urgent.occurredAt', 'OCCURRED_AFTER_REPORTED'],
      ['a day long past', { ...daily(), daily: { ...daily().daily, period: '2001-01-01' } }, 'daily.period', 'PERIOD_OUT_OF_RANGE'],
      ['a day years ahead', { ...daily(), daily: { ...daily().daily, period: '2030-01-01' } }, 'daily.period', 'PERIOD_OUT_OF_RANGE'],
    ];
    const future = urgentDetainedMigrants();
    future.reportedAt = iso(now - 60_000);
    future.urgent.detainedMigrants.persons[0].dateOfBirth = '2099-01-01';
    cases.push(['a person born in 2099', future, 'urgent.detainedMigrants.persons.0.dateOfBirth', 'BORN_IN_FUTURE']);
    for (const [what, body, field, code] of cases) {
      const r = await sys.api('border', 'POST', '/api/messages', body, token);
      expect({ what, status: r.status }).toEqual({ what, status: 400 });
      expect(r.body.errors).toEqual([expect.objectContaining({ field, code, messages: [expect.any(String)], params: expect.any(Object) })]);
    }
    expect(await count()).toBe(before);
    // Just inside the bounds: accepted.
    expect((await sys.api('border', 'POST', '/api/messages', urgentAt(iso(now - 23 * 3600_000)), token)).status).toBe(201);
  });

  it('413 for an oversized body, nothing stored', async () => {
    const before = await count();
    const r = await sys.api('border', 'POST', '/api/messages', daily('x'.repeat(300 * 1024)), token);
    expect(r.status).toBe(413);
    expect(await count()).toBe(before);
  });

  it('403 when sending as another unit or to a unit outside one’s groups, nothing stored', async () => {
    const before = await count();
    const asOther = await sys.api('border', 'POST', '/api/messages', { ...daily(), senderUnit: 'border.l4.CP-CN-A-02', recipientUnits: ['interior.l4.CP-CN-A-02'] }, token);
    expect(asOther.status).toBe(403);
    expect(asOther.body.code).toBe('NOT_OWN_UNIT');
    const outside = await sys.api('border', 'POST', '/api/messages', { ...daily(), recipientUnits: [INTERIOR, 'customs.l4.CP-KG-A-01'] }, token);
    expect(outside.status).toBe(403);
    expect(outside.body.code).toBe('RECIPIENT_OUTSIDE_GROUPS');
    const supervisorToken = await sys.login('border', 'supervisor');
    const bySupervisor = await sys.api('border', 'POST', '/api/messages', daily(), supervisorToken);
    expect(bySupervisor.status).toBe(403);
    expect(await count()).toBe(before);
  });

  it('403 for non-admins on the dead-letter listing', async () => {
    expect((await sys.api('border', 'GET', '/api/admin/dead-letters', undefined, token)).status).toBe(403);
    expect((await sys.api('border', 'GET', '/api/admin/dead-letters', undefined, await sys.login('border', 'admin'))).status).toBe(200);
  });

  it('accepts a valid report: 201, PENDING or SENT per recipient, listed in the outbox', async () => {
    const r = await sys.api('border', 'POST', '/api/messages', daily(), token);
    expect(r.status).toBe(201);
    expect(r.body.recipients.map((x: { unitId: string }) => x.unitId).sort()).toEqual([CUSTOMS, INTERIOR]);
    const out = await sys.api('border', 'GET', '/api/messages?box=outbox&kind=DAILY&pageSize=5', undefined, token);
    expect(out.body.items[0].id).toBe(r.body.id);
    expect(out.body.items[0].senderUnit).toBe(BORDER);
  });

  it('serves health, metrics and the OpenAPI document', async () => {
    const health = await sys.api('border', 'GET', '/health/ready');
    expect(health.status).toBe(200);
    expect(health.body.checks).toMatchObject({ postgres: { status: 'up' }, nats: { status: 'up' } });
    const metrics = await fetch(`${sys.url('border')}/metrics`).then((r) => r.text());
    expect(metrics).toContain('shekara_messages_sent_total');
    expect(metrics).toContain('shekara_outbox_depth');
    expect(metrics).toContain('shekara_consumer_lag');
    // Each answered request is timed by route pattern and status class (earlier tests sent reports; unknown paths are "other").
    await fetch(`${sys.url('border')}/api/no-such-thing`);
    const timed = await fetch(`${sys.url('border')}/metrics`).then((r) => r.text());
    const count = (labels: string) => Number(new RegExp(`^shekara_http_request_duration_seconds_count\\{${labels}\\} (\\d+)$`, 'm').exec(timed)?.[1] ?? 0);
    expect(count('method="POST",route="/api/messages",status="2xx"')).toBeGreaterThan(0);
    expect(count('method="GET",route="other",status="4xx"')).toBeGreaterThan(0);
    expect(timed).not.toContain('no-such-thing');
    const docs = (await fetch(`${sys.url("border")}/api/docs-json`).then((r) => r.json())) as { paths: Record<string, unknown> };
    expect(Object.keys(docs.paths)).toEqual(expect.arrayContaining(['/api/messages', '/api/auth/login', '/api/admin/dead-letters']));
  });
});
