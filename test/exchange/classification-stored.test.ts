/**
 * Classification at read time (#15): what is already stored is shown to each user as their
 * clearance allows, decided when it is read, not only when it was stored. Attacked by an uncleared
 * officer: the sending unit's "due now" list of urgent reports awaiting confirmation, and
 * notifications stored with a report's summary (an alert of a FOR_OFFICIAL_USE report read by an
 * UNCLASSIFIED user; an alert and an escalation stored with a CONFIDENTIAL report's summary, as
 * older nodes stored them), and handover acts (listed without their items, opened and printed only
 * when cleared). Each check has a control that shows it can fail (a cleared user sees the
 * text).
 */
import { TestSystem, eventually } from '../support/harness';
import { BORDER, INTERIOR, urgentDetainedMigrants } from './fixtures';
import { proposal } from '../handover/support';

jest.setTimeout(120_000);

const SECRET = 'SECRETWORD crossing near post 214';
const OPEN = 'OPENWORD two migrants detained';

interface Owed {
  urgentId: string;
  summary: string;
  restricted?: true;
  classification: string;
}
interface Notif {
  id: string;
  code: string;
  messageId: string | null;
  params: Record<string, string>;
  text: string;
  restricted?: true;
}

describe('stored text is shown by clearance at read time', () => {
  const sys = new TestSystem();
  let secretId: string;
  let openId: string;
  let borderDuty: string;
  let borderSenior: string;
  let interiorDuty: string;
  let interiorSenior: string;

  const urgent = (summary: string, classification: string) => {
    const body = urgentDetainedMigrants();
    body.recipientUnits = [INTERIOR];
    body.classification = classification;
    body.urgent.summary = summary;
    return body;
  };

  beforeAll(async () => {
    await sys.start(['border', 'interior']);
    borderDuty = await sys.login('border', 'duty');
    borderSenior = await sys.login('border', 'senior');
    interiorDuty = await sys.login('interior', 'duty');
    interiorSenior = await sys.login('interior', 'senior');
    // The senior officer (cleared CONFIDENTIAL) sends a CONFIDENTIAL urgent report; the duty officer a FOR_OFFICIAL_USE one.
    const secret = await sys.api('border', 'POST', '/api/messages', urgent(SECRET, 'CLASSIFICATION_CONFIDENTIAL'), borderSenior);
    expect(secret.status).toBe(201);
    secretId = secret.body.id;
    const open = await sys.api('border', 'POST', '/api/messages', urgent(OPEN, 'CLASSIFICATION_FOR_OFFICIAL_USE'), borderDuty);
    expect(open.status).toBe(201);
    openId = open.body.id;
    await eventually(async () => (await sys.sql('interior', `SELECT 1 FROM notifications WHERE message_id = ANY($1)`, [[secretId, openId]])).length === 2, 30_000, 'both alerts stored');
  });
  afterAll(() => sys.cleanup());

  const due = async (token: string) => {
    const res = await sys.api('border', 'GET', '/api/due', undefined, token);
    expect(res.status).toBe(200);
    return res.body as { pendingConfirmations: Owed[]; overdueConfirmations: Owed[] };
  };
  const notifications = async (token: string) => {
    const res = await sys.api('interior', 'GET', '/api/notifications?pageSize=50', undefined, token);
    expect(res.status).toBe(200);
    return res.body as { items: Notif[] };
  };

  it("the sending unit's uncleared duty officer sees the CONFIDENTIAL report in 'due now' as restricted, without its summary", async () => {
    const mine = await due(borderDuty);
    const all = [...mine.pendingConfirmations, ...mine.overdueConfirmations];
    expect(all.find((o) => o.urgentId === secretId)).toMatchObject({ restricted: true, summary: '', classification: 'CONFIDENTIAL' });
    expect(JSON.stringify(mine)).not.toContain('SECRETWORD');
    // Control: the report the officer may read is listed with its summary.
    expect(all.find((o) => o.urgentId === openId)).toMatchObject({ summary: OPEN });
    expect(all.find((o) => o.urgentId === openId)!.restricted).toBeUndefined();
    // Control: the cleared officer of the same unit sees the summary.
    const cleared = await due(borderSenior);
    const owed = [...cleared.pendingConfirmations, ...cleared.overdueConfirmations].find((o) => o.urgentId === secretId);
    expect(owed).toMatchObject({ summary: SECRET });
    expect(owed!.restricted).toBeUndefined();
  });

  it('a notification stored with a CONFIDENTIAL report’s summary (as older nodes stored it) is shown without it to the uncleared, with it to the cleared', async () => {
    // As stored before alerts left the summary out: in params and in the Russian text.
    const [{ id }] = await sys.sql('interior', `SELECT id FROM notifications WHERE message_id = $1`, [secretId]);
    await sys.sql('interior', `UPDATE notifications SET params = params || jsonb_build_object('summary', $2::text), text = $3 WHERE id = $1`, [id, SECRET, `Поступило срочное донесение от ${BORDER}: «${SECRET}».`]);
    // An escalation stored with the summary, naming the same report (the scheduler's older texts).
    await sys.sql(
      'interior',
      `INSERT INTO notifications (id, key, unit_id, type, obligation, message_id, counterparts, params, text, at)
       VALUES ('019cad00-0000-7000-8000-00000000bbbb', 'test:escalation', $1, 'ESCALATION', 'URGENT_CONFIRMATION', $2, ARRAY[$3], $4::jsonb, $5, now())`,
      [INTERIOR, secretId, BORDER, JSON.stringify({ zone: 'Asia/Almaty', reportedAt: '2026-03-02T04:00:00.000Z', due: '2026-03-02T06:00:00.000Z', summary: SECRET }), `Срочное сообщение от 2026-03-02 09:00 «${SECRET}» не подтверждено.`],
    );

    const uncleared = await notifications(interiorDuty);
    expect(JSON.stringify(uncleared)).not.toContain('SECRETWORD');
    const alert = uncleared.items.find((n) => n.id === id)!;
    expect(alert).toMatchObject({ code: 'URGENT_RECEIVED', restricted: true, params: { classification: 'CONFIDENTIAL', senderUnit: BORDER } });
    expect(alert.text).toContain(BORDER);
    const escalation = uncleared.items.find((n) => n.id === '019cad00-0000-7000-8000-00000000bbbb')!;
    expect(escalation).toMatchObject({ code: 'ESCALATION', restricted: true });
    expect(escalation.text).toContain('2026-03-02 09:00');
    // Control: the FOR_OFFICIAL_USE report's alert keeps its summary for the FOR_OFFICIAL_USE officer.
    expect(uncleared.items.find((n) => n.messageId === openId)).toMatchObject({ params: { summary: OPEN } });

    const cleared = await notifications(interiorSenior);
    expect(cleared.items.find((n) => n.id === id)).toMatchObject({ params: { summary: SECRET } });
    expect(cleared.items.find((n) => n.id === id)!.restricted).toBeUndefined();
    expect(cleared.items.find((n) => n.id === '019cad00-0000-7000-8000-00000000bbbb')!.text).toContain('SECRETWORD');
  });

  it('a clearance lowered after the alert was stored takes effect at the next read (UNCLASSIFIED: a FOR_OFFICIAL_USE summary is withheld)', async () => {
    const admin = await sys.login('interior', 'admin');
    expect((await sys.api('interior', 'PUT', '/api/admin/users/interior.duty/clearance', { clearance: 'UNCLASSIFIED' }, admin)).status).toBe(200);
    const now = await notifications(interiorDuty);
    expect(JSON.stringify(now)).not.toContain('OPENWORD');
    expect(now.items.find((n) => n.messageId === openId)).toMatchObject({ restricted: true, params: { classification: 'FOR_OFFICIAL_USE' } });
    // The stored row itself is unchanged: the redaction is per reader.
    const [{ text }] = await sys.sql('interior', `SELECT text FROM notifications WHERE message_id = $1`, [openId]);
    expect(text).toContain('OPENWORD');
  });

  it('a CONFIDENTIAL handover act is listed without its items to the uncleared, opened and printed only when cleared', async () => {
    const made = await sys.api('border', 'POST', '/api/handovers', proposal({ classification: 'CLASSIFICATION_CONFIDENTIAL' }), borderSenior);
    expect(made.status).toBe(201);
    const actId: string = made.body.id;
    const listed = async (agency: 'border' | 'interior', box: 'in' | 'out', token: string) => {
      const r = await sys.api(agency, 'GET', `/api/handovers?box=${box}`, undefined, token);
      expect(r.status).toBe(200);
      return r.body as { id: string; restricted?: true; items: unknown[]; legalGround: string }[];
    };
    await eventually(async () => (await listed('interior', 'in', interiorSenior)).some((a) => a.id === actId), 30_000, 'the act received');

    for (const [agency, box, token] of [['interior', 'in', interiorDuty], ['border', 'out', borderDuty]] as const) {
      const acts = await listed(agency, box, token);
      expect(acts.find((a) => a.id === actId)).toMatchObject({ restricted: true, items: [], legalGround: '', classification: 'CONFIDENTIAL' });
      expect(JSON.stringify(acts)).not.toContain('WANG');
      const opened = await sys.api(agency, 'GET', `/api/handovers/${actId}`, undefined, token);
      expect(opened.status).toBe(403);
      expect(opened.body.code).toBe('NOT_CLEARED');
      const printed = await sys.api(agency, 'GET', `/api/handovers/${actId}/print`, undefined, token);
      expect(printed.status).toBe(403);
      expect(JSON.stringify(printed.body)).not.toContain('WANG');
    }
    // Control: the cleared officers see the items.
    const cleared = (await listed('interior', 'in', interiorSenior)).find((a) => a.id === actId)!;
    expect(cleared.restricted).toBeUndefined();
    expect(JSON.stringify(cleared.items)).toContain('WANG');
    expect((await sys.api('interior', 'GET', `/api/handovers/${actId}`, undefined, interiorSenior)).status).toBe(200);
  });
});
