/**
 * What reports contribute to the data bank, and where the bank answers beyond its own pages:
 * - a SEMIANNUAL or ADVANCE report's contributions are written in the report's own transaction:
 *   stored when the report is accepted, and nothing of either when the contributions cannot be
 *   written (the crash between the two that lost them before cannot happen);
 * - "check a person" by document number finds a stolen document of the bank, the bank record as
 *   its source.
 */
import { TestSystem, eventually } from '../support/harness';
import { BORDER, INTERIOR, daily, okFixtures } from '../exchange/fixtures';

jest.setTimeout(180_000);

describe('data bank contributions of reports', () => {
  const sys = new TestSystem();
  const token: Record<string, string> = {};

  beforeAll(async () => {
    await sys.start(['border', 'interior', 'customs']);
    for (const a of ['border', 'interior', 'customs']) token[a] = await sys.login(a as never);
  });
  afterAll(() => sys.cleanup());

  it('stores an advance notice’s contributions in the report’s transaction, queued for the other nodes', async () => {
    const body = okFixtures().get('advance-documents.json')!;
    const sent = await sys.api('interior', 'POST', '/api/messages', body, token.interior);
    expect(sent.status).toBe(201);
    // Accepted means committed, with the contributions: no waiting.
    const versions = await sys.sql('interior', `SELECT record_id::text, version, action FROM bank_versions WHERE source_message_id = $1 ORDER BY record_id`, [sent.body.id]);
    expect(versions).toHaveLength(3);
    expect(versions.every((v) => v.version === 1 && v.action === 'CREATE')).toBe(true);
    const audit = await sys.sql('interior', `SELECT count(*)::int AS n FROM audit_log WHERE action = 'bank-changed' AND details->>'sourceMessageId' = $1`, [sent.body.id]);
    expect(audit[0].n).toBe(3);
    // And they reach the other nodes.
    await eventually(async () => {
      const r = await sys.sql('border', `SELECT count(*)::int AS n FROM bank_versions WHERE source_message_id = $1`, [sent.body.id]);
      return r[0].n === 3;
    }, 30_000, 'the three contributions at border');
  });

  it('stores neither the report nor its contributions when the contributions cannot be written', async () => {
    const before = await sys.sql('interior', `SELECT (SELECT count(*)::int FROM messages) AS messages, (SELECT count(*)::int FROM bank_versions) AS versions, (SELECT count(*)::int FROM outbox) AS outbox`);
    // The database refuses every bank version from now on (as a crash would lose them).
    await sys.sql('interior', `CREATE FUNCTION test_no_bank() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'simulated failure of the bank write'; END $$`);
    await sys.sql('interior', `CREATE TRIGGER test_no_bank BEFORE INSERT ON bank_versions FOR EACH ROW EXECUTE FUNCTION test_no_bank()`);
    try {
      const body = okFixtures().get('advance-documents.json')!;
      const sent = await sys.api('interior', 'POST', '/api/messages', body, token.interior);
      expect(sent.status).not.toBe(201);
      const after = await sys.sql('interior', `SELECT (SELECT count(*)::int FROM messages) AS messages, (SELECT count(*)::int FROM bank_versions) AS versions, (SELECT count(*)::int FROM outbox) AS outbox`);
      expect(after).toEqual(before);
      // A report carrying nothing for the bank is not held up by it.
      const plain = await sys.api('interior', 'POST', '/api/messages', { ...daily('Nothing for the bank.'), senderUnit: INTERIOR, recipientUnits: [BORDER] }, token.interior);
      expect(plain.status).toBe(201);
    } finally {
      await sys.sql('interior', `DROP TRIGGER test_no_bank ON bank_versions`);
      await sys.sql('interior', `DROP FUNCTION test_no_bank()`);
    }
  });
});
