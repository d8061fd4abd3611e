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
    // (The outbox rows a report and its contributions write; audit events of earlier reports' receipts may still come.)
    const before = await sys.sql('interior', `SELECT (SELECT count(*)::int FROM messages) AS messages, (SELECT count(*)::int FROM bank_versions) AS versions, (SELECT count(*)::int FROM outbox WHERE kind IN ('ENVELOPE', 'BANK')) AS outbox`);
    // The database refuses every bank version from now on (as a crash would lose them).
    await sys.sql('interior', `CREATE FUNCTION test_no_bank() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'simulated failure of the bank write'; END $$`);
    await sys.sql('interior', `CREATE TRIGGER test_no_bank BEFORE INSERT ON bank_versions FOR EACH ROW EXECUTE FUNCTION test_no_bank()`);
    try {
      const body = okFixtures().get('advance-documents.json')!;
      const sent = await sys.api('interior', 'POST', '/api/messages', body, token.interior);
      expect(sent.status).not.toBe(201);
      const after = await sys.sql('interior', `SELECT (SELECT count(*)::int FROM messages) AS messages, (SELECT count(*)::int FROM bank_versions) AS versions, (SELECT count(*)::int FROM outbox WHERE kind IN ('ENVELOPE', 'BANK')) AS outbox`);
      expect(after).toEqual(before);
      // A report carrying nothing for the bank is not held up by it.
      const plain = await sys.api('interior', 'POST', '/api/messages', { ...daily('Nothing for the bank.'), senderUnit: INTERIOR, recipientUnits: [BORDER] }, token.interior);
      expect(plain.status).toBe(201);
    } finally {
      await sys.sql('interior', `DROP TRIGGER test_no_bank ON bank_versions`);
      await sys.sql('interior', `DROP FUNCTION test_no_bank()`);
    }
  });

  describe('lost and stolen documents of the bank in the person check', () => {
    const stolenBlank = (number: string, issuingState: string) => ({
      travelDocument: { number, issuingState, documentType: 'DOCUMENT_TYPE_PASSPORT', status: 'TRAVEL_DOCUMENT_STATUS_STOLEN_BLANK', reportedOn: '2026-11-20' },
      classification: 'CLASSIFICATION_FOR_OFFICIAL_USE',
    });
    let blankId: string;

    beforeAll(async () => {
      const made = await sys.api('interior', 'POST', '/api/bank/records', stolenBlank('N 0777-1234', 'KAZ'), token.interior);
      expect(made.status).toBe(201);
      blankId = made.body.id;
      await eventually(async () => (await sys.sql('customs', `SELECT 1 FROM bank_records WHERE record_id = $1`, [blankId])).length === 1, 30_000, 'the blank at customs');
    });

    it('finds a stolen blank by the document number of a checked person (misread), the bank record as its source', async () => {
      const r = await sys.api('customs', 'POST', '/api/persons/check', { surname: 'Нурланов', givenNames: 'Ерлан', documents: [{ number: 'NO777 1234', issuingState: 'KAZ' }] }, token.customs);
      expect(r.status).toBe(200);
      expect(r.body.documents).toEqual([
        expect.objectContaining({ document: { number: 'NO777 1234', issuingState: 'KAZ' }, record: expect.objectContaining({ id: blankId, ownerAgency: 'interior', exact: false, redacted: false, content: expect.objectContaining({ travelDocument: expect.objectContaining({ status: 'TRAVEL_DOCUMENT_STATUS_STOLEN_BLANK' }) }) }) }),
      ]);
      // The check is audited with the bank record it found.
      const audit = await sys.sql('customs', `SELECT details FROM audit_log WHERE action = 'person-checked' ORDER BY id DESC LIMIT 1`);
      expect(audit[0].details.bankRecords).toEqual([blankId]);
    });

    it('does not answer with the bank for another state, another number, or a withdrawn record', async () => {
      const ask = async (number: string, issuingState?: string) =>
        (await sys.api('customs', 'POST', '/api/persons/check', { surname: 'Нурланов', givenNames: 'Ерлан', documents: [{ number, ...(issuingState && { issuingState }) }] }, token.customs)).body.documents;
      expect(await ask('N07771234', 'UZB')).toEqual([]);
      expect(await ask('N07771235', 'KAZ')).toEqual([]);
      expect(await ask('N07771234')).toEqual([]);
      const other = await sys.api('interior', 'POST', '/api/bank/records', stolenBlank('M 5555555', 'KGZ'), token.interior);
      expect((await sys.api('interior', 'POST', `/api/bank/records/${other.body.id}/withdraw`, undefined, token.interior)).status).toBeLessThan(300);
      await eventually(async () => (await sys.sql('customs', `SELECT status FROM bank_records WHERE record_id = $1`, [other.body.id]))[0]?.status === 'WITHDRAWN', 30_000, 'the withdrawal at customs');
      expect(await ask('M5555555', 'KGZ')).toEqual([]);
    });

    it('shows the stolen document of a person a received report names among the message’s matches', async () => {
      const body = okFixtures().get('urgent-detained-migrants.json')!;
      const number = body.urgent.detainedMigrants.persons[0].travelDocument.number as string;
      const state = body.urgent.detainedMigrants.persons[0].travelDocument.issuingState as string;
      const made = await sys.api('interior', 'POST', '/api/bank/records', stolenBlank(number, state), token.interior);
      expect(made.status).toBe(201);
      await eventually(async () => (await sys.sql('customs', `SELECT 1 FROM bank_records WHERE record_id = $1`, [made.body.id])).length === 1, 30_000, 'the record at customs');
      const sent = await sys.api('border', 'POST', '/api/messages', body, token.border);
      expect(sent.status).toBe(201);
      const matches = await eventually(async () => {
        const r = await sys.api('customs', 'GET', `/api/messages/${sent.body.id}/matches`, undefined, token.customs);
        return r.status === 200 && r.body;
      }, 30_000, 'the report at customs');
      expect(matches[0].documents).toEqual([expect.objectContaining({ document: { number, issuingState: state }, record: expect.objectContaining({ id: made.body.id, exact: true }) })]);
      expect(matches[1].documents).toEqual([]);
    });
  });
});
