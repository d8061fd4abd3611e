import { randomUUID } from 'node:crypto';
import { TestSystem, eventually } from '../support/harness';
import { INTERIOR, daily } from './fixtures';

jest.setTimeout(60_000);

/**
 * The outbox relay records each claimed row's outcome in one statement: published receipts and
 * events are done, envelopes wait for their receipts, and a publication JetStream refused is
 * retried later with its error kept.
 */
describe('outbox relay outcomes', () => {
  const sys = new TestSystem();
  let token: string;

  beforeAll(async () => {
    await sys.start(['border']);
    token = await sys.login('border');
  });
  afterAll(() => sys.cleanup());

  it('a refused publication keeps its row, with the error and a later attempt; the others go on', async () => {
    // No stream listens on this subject: JetStream refuses the publication ("no responders").
    const id = randomUUID();
    await sys.sql(
      'border',
      `INSERT INTO outbox (message_id, kind, target_agency, subject, nats_msg_id, payload, created_at, next_attempt_at)
       VALUES ($1, 'AUDIT', 'border', $2, $3, '\\x00'::bytea, now(), now())`,
      [id, `nowhere.${id}`, id],
    );
    const sent = await sys.api('border', 'POST', '/api/messages', { ...daily('relay outcomes'), recipientUnits: [INTERIOR] }, token);
    expect(sent.status).toBe(201);

    const [failed] = await eventually(async () => {
      const rows = await sys.sql('border', `SELECT attempts, last_error, done_at, last_published_at, next_attempt_at > now() AS later FROM outbox WHERE message_id = $1`, [id]);
      return rows[0]?.attempts >= 1 ? rows : undefined;
    }, 20_000, 'the refused publication to be recorded');
    expect(failed).toMatchObject({ done_at: null, last_published_at: null, later: true });
    expect(failed.last_error).toEqual(expect.any(String));

    // The report sent meanwhile was published (its envelope is SENT and keeps its signed bytes),
    // and its audit event is done.
    await eventually(async () => {
      const [r] = await sys.sql('border', `SELECT status FROM message_recipients WHERE message_id = $1`, [sent.body.id]);
      return r?.status === 'SENT';
    }, 20_000, 'the report to be SENT');
    const rows = await sys.sql('border', `SELECT kind, attempts, done_at IS NOT NULL AS done, signed IS NOT NULL AS signed, last_error FROM outbox WHERE message_id = $1 ORDER BY kind`, [sent.body.id]);
    expect(rows).toEqual([
      { kind: 'AUDIT', attempts: 1, done: true, signed: false, last_error: null },
      { kind: 'ENVELOPE', attempts: 1, done: false, signed: true, last_error: null },
    ]);
    const [message] = await sys.sql('border', `SELECT signed IS NOT NULL AS signed FROM messages WHERE id = $1`, [sent.body.id]);
    expect(message.signed).toBe(true);
  });
});
