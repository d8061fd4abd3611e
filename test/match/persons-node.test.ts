/**
 * Persons across agencies at the node: every person named in a report sent or received is filed
 * in the node's person index after the commit; the desk shows possible matches of a message's
 * persons (GET /api/messages/:id/matches) and answers "check a person" (POST /api/persons/check)
 * from everything the node holds, without any text of a CONFIDENTIAL report the user's unit is
 * no party to.
 */
import { TestSystem, eventually } from '../support/harness';
import { BORDER, CUSTOMS, INTERIOR, lateUtcEvening, urgentDetainedMigrants } from '../exchange/fixtures';

jest.setTimeout(120_000);

describe('persons across agencies at the node', () => {
  const sys = new TestSystem();
  let borderToken: string;
  let interiorToken: string;
  let borderReport: string;
  let interiorReport: string;
  /** The border report (its times are now's: see fresh() in the fixtures). */
  const borderBody = urgentDetainedMigrants();
  // At an hour when the border unit's local date is a day ahead of UTC's.
  borderBody.urgent.occurredAt = lateUtcEvening();

  beforeAll(async () => {
    await sys.start(['border', 'interior', 'customs']);
    borderToken = await sys.login('border');
    interiorToken = await sys.login('interior');
  });
  afterAll(() => sys.cleanup());

  it('files the persons of a report at the sender and at the recipients', async () => {
    // Border: TURSUNOV AZIZ BAKHTIYOROVICH, 1996-11-02, UZB, passport FA7654321 (and WANG LEI).
    const sent = await sys.api('border', 'POST', '/api/messages', borderBody, borderToken);
    expect(sent.status).toBe(201);
    borderReport = sent.body.id;
    for (const agency of ['border', 'interior', 'customs'] as const) {
      const rows = await eventually(async () => {
        const r = await sys.sql(agency, `SELECT id, record FROM match_persons WHERE source = $1 ORDER BY id`, [borderReport]);
        return r.length === 2 && r;
      }, 20_000, `persons of the border report filed at ${agency}`);
      expect(rows.map((r: any) => r.record.surname)).toEqual(['WANG', 'TURSUNOV']);
    }
  });

  it('shows the match at both nodes when interior names the same person in Cyrillic', async () => {
    const body = urgentDetainedMigrants();
    body.senderUnit = INTERIOR;
    body.recipientUnits = [BORDER, CUSTOMS];
    body.urgent.summary = 'Two foreign nationals detained at a market in Almaty without registration.';
    body.urgent.detainedMigrants.persons = [
      { surname: 'Турсунов', givenNames: 'Азиз', patronymic: 'Бахтиёрович', dateOfBirth: '1996-11-02', citizenship: 'UZB', sex: 'SEX_MALE' },
      { surname: 'Ким', givenNames: 'Ольга', dateOfBirth: '1988-02-11', citizenship: 'KAZ', sex: 'SEX_FEMALE' },
    ];
    const sent = await sys.api('interior', 'POST', '/api/messages', body, interiorToken);
    expect(sent.status).toBe(201);
    interiorReport = sent.body.id;

    // At interior (the sender), its report's Турсунов matches the border report it received.
    const atInterior = await eventually(async () => {
      const r = await sys.api('interior', 'GET', `/api/messages/${interiorReport}/matches`, undefined, interiorToken);
      return r.status === 200 && r.body[0]?.matches.length > 0 && r.body;
    }, 20_000, 'match at interior');
    expect(atInterior).toHaveLength(2);
    const hit = atInterior[0].matches[0];
    expect(hit).toMatchObject({ match: true, redacted: false, role: 'detained-migrant', person: { surname: 'TURSUNOV', givenNames: 'AZIZ' } });
    // The date is the occurrence's local date where it happened (the border unit's zone), not UTC's.
    const me = await sys.api('border', 'GET', '/api/me', undefined, borderToken);
    expect(me.status).toBe(200);
    const borderZone: string = me.body.unit.zone;
    const localDay = new Intl.DateTimeFormat('en-CA', { timeZone: borderZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(borderBody.urgent.occurredAt));
    expect(localDay).not.toBe(borderBody.urgent.occurredAt.slice(0, 10));
    expect(hit.source).toMatchObject({ messageId: borderReport, kind: 'URGENT', topic: 'URGENT_TOPIC_DETAINED_MIGRANTS', agency: 'border', direction: 'IN', date: localDay });
    expect(hit.source.summary).toContain('Nur Zholy');
    expect(hit.explanation.surname.how).toBe('transliteration');
    expect(hit.explanation.dateOfBirth.how).toBe('exact');
    expect(hit.score).toBeGreaterThanOrEqual(0.5);
    // Ким Ольга is nobody else's.
    expect(atInterior[1].matches).toEqual([]);

    // At border (a recipient of the interior report), the same person matches its own sent report.
    const atBorder = await eventually(async () => {
      const r = await sys.api('border', 'GET', `/api/messages/${interiorReport}/matches`, undefined, borderToken);
      return r.status === 200 && r.body[0]?.matches.length > 0 && r.body;
    }, 20_000, 'match at border');
    expect(atBorder[0].matches[0]).toMatchObject({ personId: `${borderReport}:1`, source: { messageId: borderReport, agency: 'border', direction: 'OUT' } });
    // And the border report's TURSUNOV matches the interior report received, once that is filed.
    const back = { body: await eventually(async () => {
      const r = await sys.api('border', 'GET', `/api/messages/${borderReport}/matches`, undefined, borderToken);
      return r.status === 200 && r.body[1]?.matches.length > 0 && r.body;
    }, 20_000, 'match of the border report at border') };
    expect(back.body[1].matches[0]).toMatchObject({ personId: `${interiorReport}:0`, source: { messageId: interiorReport, agency: 'interior', direction: 'IN' } });
    expect(back.body[0].matches).toEqual([]);
  });

  it('records and audits the officer confirming or rejecting a hit; refuses what is not theirs', async () => {
    const pair = { personId: `${borderReport}:1`, candidateId: `${interiorReport}:0` };
    const confirmed = await sys.api('border', 'POST', '/api/matches/decide', { ...pair, decision: 'CONFIRMED', note: 'same passport photo' }, borderToken);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ ...pair, decision: 'CONFIRMED', note: 'same passport photo', decidedBy: 'border.duty' });
    // The other record is interior's: one hit decision went to the interior unit that reported it.
    expect(confirmed.body.sentMessageIds).toHaveLength(1);
    const shown = await sys.api('border', 'GET', `/api/messages/${borderReport}/matches`, undefined, borderToken);
    expect(shown.body[1].matches[0].decision).toMatchObject({ decision: 'CONFIRMED', decidedBy: 'border.duty' });
    // Another unit's view of the same pair carries no decision of border.
    const atInterior = await sys.api('interior', 'GET', `/api/messages/${interiorReport}/matches`, undefined, interiorToken);
    expect(atInterior.body[0].matches[0].decision).toBeUndefined();
    // The latest decision stands; each one is in the audit log and the message's timeline.
    const rejected = await sys.api('border', 'POST', '/api/matches/decide', { ...pair, decision: 'REJECTED' }, borderToken);
    expect(rejected.status).toBe(200);
    expect(await sys.sql('border', `SELECT decision, note FROM match_decisions WHERE person_id = $1`, [pair.personId])).toEqual([{ decision: 'REJECTED', note: null }]);
    const audit = await sys.sql('border', `SELECT action, actor, details FROM audit_log WHERE message_id = $1 AND action LIKE 'match-%' ORDER BY id`, [borderReport]);
    expect(audit.map((a: any) => a.action)).toEqual(['match-confirmed', 'match-rejected']);
    expect(audit[0].details).toMatchObject({ candidateId: pair.candidateId, candidateMessageId: interiorReport, note: 'same passport photo' });
    const timeline = await sys.api('border', 'GET', `/api/messages/${borderReport}/timeline`, undefined, borderToken);
    expect(timeline.body.map((e: any) => e.action)).toEqual(expect.arrayContaining(['match-confirmed', 'match-rejected']));

    const refusals: Array<[unknown, number, string, string?]> = [
      [{ ...pair, decision: 'MAYBE' }, 400, 'INVALID_DECISION', 'decision'],
      [{ ...pair, decision: 'CONFIRMED', note: 'x'.repeat(501) }, 400, 'INVALID_DECISION', 'note'],
      [{ ...pair, decision: 'CONFIRMED', extra: 1 }, 400, 'INVALID_DECISION', 'extra'],
      [{ personId: 'nope', candidateId: pair.candidateId, decision: 'CONFIRMED' }, 400, 'INVALID_DECISION', 'personId'],
      [[], 400, 'INVALID_DECISION', 'body'],
      // A person of no message of the unit, a person who does not exist, a pair from one message.
      [{ personId: '00000000-0000-7000-8000-000000000000:0', candidateId: pair.candidateId, decision: 'CONFIRMED' }, 404, 'PERSON_NOT_FOUND'],
      [{ personId: `${borderReport}:7`, candidateId: pair.candidateId, decision: 'CONFIRMED' }, 404, 'PERSON_NOT_FOUND'],
      [{ personId: pair.personId, candidateId: `${interiorReport}:9`, decision: 'CONFIRMED' }, 404, 'PERSON_NOT_FOUND'],
      [{ personId: pair.personId, candidateId: `${borderReport}:0`, decision: 'CONFIRMED' }, 404, 'PERSON_NOT_FOUND'],
    ];
    for (const [body, status, code, field] of refusals) {
      const r = await sys.api('border', 'POST', '/api/matches/decide', body, borderToken);
      expect({ status: r.status, code: r.body.code, field: r.body.errors?.[0]?.field }).toEqual({ status, code, field });
    }
    // A supervisor may look but not decide.
    const supervisor = await sys.api('border', 'POST', '/api/matches/decide', { ...pair, decision: 'CONFIRMED' }, await sys.login('border', 'supervisor'));
    expect(supervisor.status).toBe(403);
    expect(await sys.sql('border', `SELECT count(*)::int AS n FROM match_decisions`)).toEqual([{ n: 1 }]);
  });

  it('sends each decision, signed, to the agency that owns the other record, which sees it on its message', async () => {
    // Border decided twice on a person of interior's report (confirmed, then rejected): interior
    // received both as HIT_DECISION messages from border and shows them on its report, newest first.
    const pair = { personId: `${borderReport}:1`, candidateId: `${interiorReport}:0` };
    const received = await eventually(async () => {
      const r = await sys.api('interior', 'GET', `/api/messages/${interiorReport}/hit-decisions`, undefined, interiorToken);
      return r.status === 200 && r.body.length === 2 && r.body;
    }, 20_000, 'hit decisions at interior');
    expect(received.map((d: any) => d.outcome)).toEqual(['REJECTED', 'CONFIRMED']);
    expect(received[1]).toMatchObject({
      senderUnit: BORDER,
      agency: 'border',
      personId: pair.candidateId,
      matchedMessageId: borderReport,
      note: 'same passport photo',
      decidedBy: 'border.duty',
      person: { surname: 'TURSUNOV', givenNames: 'AZIZ', dateOfBirth: '1996-11-02', citizenship: 'UZB', documentNumber: 'FA7654321' },
    });
    expect(received[1].score).toBeGreaterThanOrEqual(0.5);
    // Each is a message in interior's inbox (signed by border, verified on arrival), delivered back.
    const inbox = await sys.sql('interior', `SELECT kind, sender_unit, correlation_id, summary FROM messages WHERE id = $1`, [received[1].id]);
    expect(inbox).toEqual([{ kind: 'HIT_DECISION', sender_unit: BORDER, correlation_id: interiorReport, summary: expect.stringMatching(/^CONFIRMED: TURSUNOV AZIZ/) }]);
    const opened = await sys.api('interior', 'GET', `/api/messages/${received[1].id}`, undefined, interiorToken);
    expect(opened.status).toBe(200);
    expect(opened.body).toMatchObject({ kind: 'HIT_DECISION', direction: 'IN' });
    await eventually(async () => {
      const s = await sys.sql('border', `SELECT status FROM message_recipients WHERE message_id = $1`, [received[1].id]);
      return s[0]?.status === 'DELIVERED' || s[0]?.status === 'READ';
    }, 20_000, 'hit decision delivered');
    // A hit decision is no person of its own: it is not filed in the index.
    expect(await sys.sql('interior', `SELECT count(*)::int AS n FROM match_persons WHERE source = $1`, [received[1].id])).toEqual([{ n: 0 }]);
    // Customs, also a recipient of interior's report, hears nothing of border's decision.
    const customsToken = await sys.login('customs');
    const atCustoms = await sys.api('customs', 'GET', `/api/messages/${interiorReport}/hit-decisions`, undefined, customsToken);
    expect(atCustoms.status).toBe(200);
    expect(atCustoms.body).toEqual([]);
    // Customs holds both records as received reports (border's and interior's): its decision goes to both units.
    const byCustoms = await sys.api('customs', 'POST', '/api/matches/decide', { personId: `${interiorReport}:0`, candidateId: `${borderReport}:1`, decision: 'CONFIRMED' }, customsToken);
    expect(byCustoms.status).toBe(200);
    expect(byCustoms.body.sentMessageIds).toHaveLength(2);
    const atBorder = await eventually(async () => {
      const r = await sys.api('border', 'GET', `/api/messages/${borderReport}/hit-decisions`, undefined, borderToken);
      return r.status === 200 && r.body.length === 1 && r.body;
    }, 20_000, "customs' decision at border");
    expect(atBorder[0]).toMatchObject({ agency: 'customs', outcome: 'CONFIRMED', personId: `${borderReport}:1`, matchedMessageId: interiorReport, person: { surname: 'Турсунов', givenNames: 'Азиз' } });
    await eventually(async () => {
      const r = await sys.api('interior', 'GET', `/api/messages/${interiorReport}/hit-decisions`, undefined, interiorToken);
      return r.body.length === 3 && r.body[0].agency === 'customs' && r.body[0].matchedMessageId === borderReport;
    }, 20_000, "customs' decision at interior");
    // No decision is shown for a message the unit is no party to.
    expect((await sys.api('interior', 'GET', `/api/messages/00000000-0000-7000-8000-000000000000/hit-decisions`, undefined, interiorToken)).status).toBe(404);
  });

  it('checks a person in any script from everything the node holds', async () => {
    const r = await sys.api('customs', 'POST', '/api/persons/check', { surname: 'ТУРСУНОВ', givenNames: 'АЗИЗ', dateOfBirth: '1996-02-11', citizenship: 'UZB' }, await sys.login('customs'));
    expect(r.status).toBe(200);
    const hits = r.body.candidates.filter((c: any) => c.match);
    expect(hits.map((c: any) => c.source.messageId).sort()).toEqual([borderReport, interiorReport].sort());
    expect(hits[0].explanation.dateOfBirth.how).toBe('day-month-swapped');
    // Who looked for whom, and what was found, is in the audit log.
    const [audited] = await sys.sql('customs', `SELECT actor, unit_id, details FROM audit_log WHERE action = 'person-checked' ORDER BY id DESC LIMIT 1`);
    expect(audited).toMatchObject({ actor: 'customs.duty', unit_id: CUSTOMS, details: { query: { surname: 'ТУРСУНОВ', givenNames: 'АЗИЗ' } } });
    expect(audited.details.hits.sort()).toEqual(hits.map((c: any) => c.personId).sort());
    const byDocument = await sys.api('border', 'POST', '/api/persons/check', { surname: 'Tursunov', givenNames: 'Aziz', documents: [{ number: 'FA765432l' }] }, borderToken);
    expect(byDocument.status).toBe(200);
    expect(byDocument.body.candidates[0]).toMatchObject({ match: true, personId: `${borderReport}:1` });
  });

  it('refuses a bad person with field errors in both languages and changes nothing', async () => {
    const before = await sys.sql('border', `SELECT count(*)::int AS n FROM match_persons`);
    const cases: Array<[unknown, string]> = [
      [{ givenNames: 'Aziz' }, 'surname'],
      [{ surname: 'Tursunov', givenNames: 'Aziz', dateOfBirth: '1996-13-02' }, 'dateOfBirth'],
      [{ surname: 'Tursunov', givenNames: 'Aziz', citizenship: 'uz' }, 'citizenship'],
      [{ surname: 'Tursunov', givenNames: 'Aziz', id: 'x' }, 'id'],
      [{ surname: 'Tursunov', givenNames: 'Aziz', nickname: 'x' }, 'nickname'],
      [{ surname: 'T'.repeat(101), givenNames: 'Aziz' }, 'surname'],
      [{ surname: 'Tursunov', givenNames: 'Aziz', documents: 'FA1' }, 'documents'],
      [[1, 2], 'body'],
    ];
    for (const [body, field] of cases) {
      const r = await sys.api('border', 'POST', '/api/persons/check', body, borderToken);
      expect({ status: r.status, code: r.body.code, field: r.body.errors?.[0]?.field }).toEqual({ status: 400, code: 'INVALID_PERSON', field });
      expect(r.body.errors[0].messages).toHaveLength(2);
      expect(r.body.errors[0].messages[1]).toMatch(/[а-я]/);
    }
    const raw = await sys.api('border', 'POST', '/api/persons/check', undefined, borderToken, '{"surname": ');
    expect(raw.status).toBe(400);
    expect(await sys.sql('border', `SELECT count(*)::int AS n FROM match_persons`)).toEqual(before);
    expect((await sys.api('border', 'POST', '/api/persons/check', { surname: 'A', givenNames: 'B' })).status).toBe(401);
  });

  it('shows no message of another unit and no text of a CONFIDENTIAL report the unit is no party to', async () => {
    const other = await sys.api('border', 'GET', `/api/messages/00000000-0000-7000-8000-000000000000/matches`, undefined, borderToken);
    expect(other.status).toBe(404);
    expect((await sys.api('border', 'GET', `/api/messages/not-a-uuid/matches`, undefined, borderToken)).status).toBe(400);

    // Customs sends a CONFIDENTIAL report naming the person; at border it is then re-addressed to
    // another border unit (as a report for a unit of the node the duty officer does not belong to).
    const body = urgentDetainedMigrants();
    body.senderUnit = CUSTOMS;
    body.recipientUnits = [BORDER, INTERIOR];
    body.classification = 'CLASSIFICATION_CONFIDENTIAL';
    body.urgent.summary = 'SECRET-SUMMARY of an operation by customs.';
    body.urgent.detainedMigrants.persons = [{ surname: 'Tursunov', givenNames: 'Aziz', dateOfBirth: '1996-11-02', citizenship: 'UZB', sex: 'SEX_MALE' }, body.urgent.detainedMigrants.persons[0]];
    const sent = await sys.api('customs', 'POST', '/api/messages', body, await sys.login('customs'));
    expect(sent.status).toBe(201);
    const secret = sent.body.id;
    await eventually(async () => (await sys.sql('border', `SELECT 1 FROM match_persons WHERE source = $1`, [secret])).length > 0, 20_000, 'confidential report filed at border');
    await sys.sql('border', `UPDATE messages SET recipient_units = ARRAY['border.l2.KZ-19'] WHERE id = $1`, [secret]);

    const r = await sys.api('border', 'POST', '/api/persons/check', { surname: 'Турсунов', givenNames: 'Азиз', dateOfBirth: '1996-11-02' }, borderToken);
    expect(r.status).toBe(200);
    const hidden = r.body.candidates.find((c: any) => c.source.messageId === secret);
    expect(hidden).toMatchObject({ redacted: true, match: true, source: { classification: 'CONFIDENTIAL', agency: 'customs' } });
    expect(hidden.person).toBeUndefined();
    expect(hidden.source.summary).toBeUndefined();
    expect(JSON.stringify(hidden)).not.toMatch(/SECRET|Tursunov|TURSUNOV/);
    // Interior is a party to it: its officer cleared CONFIDENTIAL sees the report in full, the one
    // cleared FOR_OFFICIAL_USE does not.
    const check = { surname: 'Турсунов', givenNames: 'Азиз', dateOfBirth: '1996-11-02' };
    const atInterior = await sys.api('interior', 'POST', '/api/persons/check', check, await sys.login('interior', 'senior'));
    expect(atInterior.body.candidates.find((c: any) => c.source.messageId === secret)).toMatchObject({ redacted: false, source: { summary: body.urgent.summary } });
    const uncleared = (await sys.api('interior', 'POST', '/api/persons/check', check, interiorToken)).body.candidates.find((c: any) => c.source.messageId === secret);
    expect(uncleared).toMatchObject({ redacted: true, match: true });
    expect(JSON.stringify(uncleared)).not.toMatch(/SECRET|Tursunov|TURSUNOV/);
    expect((await sys.api('interior', 'GET', `/api/messages/${secret}/matches`, undefined, interiorToken)).status).toBe(403);
  });

  it('catches up at start with whatever was stored but not filed', async () => {
    // As if the node stopped between a report's commit and its filing.
    await sys.sql('border', `DELETE FROM match_persons WHERE source = $1`, [interiorReport]);
    await sys.sql('border', `DELETE FROM match_indexed WHERE message_id = $1`, [interiorReport]);
    await sys.stopNode('border');
    await sys.startNode('border');
    const rows = await eventually(async () => {
      const r = await sys.sql('border', `SELECT id FROM match_persons WHERE source = $1 ORDER BY id`, [interiorReport]);
      return r.length === 2 && r;
    }, 20_000, 'interior report filed again at border');
    expect(rows.map((r: any) => r.id)).toEqual([`${interiorReport}:0`, `${interiorReport}:1`]);
    expect(await sys.sql('border', `SELECT persons FROM match_indexed WHERE message_id = $1`, [interiorReport])).toEqual([{ persons: 2 }]);
  });
});
