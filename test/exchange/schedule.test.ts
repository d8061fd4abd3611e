import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  MessageKind,
  NotificationType,
  NotifyRequestSchema,
  NotifyResponseSchema,
  Obligation,
  PrepareDraftsRequestSchema,
  PrepareDraftsResponseSchema,
  RpcMethod,
} from '@shekara/contracts';
import { RpcCallError, rpcCall } from '@shekara/messaging';
import { JOINT_INSTRUCTION_2002, addDays, dailyWindow, localDate } from '@shekara/policy';
import { TestSystem } from '../support/harness';
import { BORDER, CUSTOMS, INTERIOR, daily, urgentDetainedMigrants } from './fixtures';

jest.setTimeout(60_000);

describe('agency node: drafts, notifications and "due now" for the scheduler and the duty desk', () => {
  const sys = new TestSystem();
  let nc: NatsConnection;
  let token: string;
  const zone = 'Asia/Almaty';

  beforeAll(async () => {
    await sys.start(['border']);
    // As the scheduler calls: its identity, `from.scheduler` in the subject the server routes.
    nc = await sys.connectAs('scheduler');
    token = await sys.login('border');
  });
  afterAll(async () => {
    await nc?.close();
    await sys.cleanup();
  });

  /** The daily period whose covered day (the day before its window) contains now. */
  function currentDailyPeriod(): string {
    const now = Date.now();
    const today = localDate(new Date(now), zone);
    return now < dailyWindow(JOINT_INSTRUCTION_2002, today, zone)[0] ? today : addDays(today, 1);
  }

  it('prepares a daily draft from the unit’s last day, once, and a sent report uses it up', async () => {
    const urgent = await sys.api('border', 'POST', '/api/messages', { ...urgentDetainedMigrants(), reportedAt: new Date().toISOString() }, token);
    expect(urgent.status).toBe(201);
    const period = currentDailyPeriod();
    const req = create(PrepareDraftsRequestSchema, { kind: MessageKind.DAILY, period, unitIds: [BORDER] });
    const first = await rpcCall(nc, sys.names.rpcFrom('border', 'scheduler', RpcMethod.PrepareDrafts), PrepareDraftsRequestSchema, req, PrepareDraftsResponseSchema);
    expect(first).toMatchObject({ prepared: 1, existing: 0 });
    const again = await rpcCall(nc, sys.names.rpcFrom('border', 'scheduler', RpcMethod.PrepareDrafts), PrepareDraftsRequestSchema, req, PrepareDraftsResponseSchema);
    expect(again).toMatchObject({ prepared: 0, existing: 1 });

    const drafts = await sys.api('border', 'GET', '/api/drafts', undefined, token);
    expect(drafts.body).toHaveLength(1);
    const draft = drafts.body[0];
    expect(draft).toMatchObject({ kind: 'DAILY', period });
    expect(draft.body.recipientUnits.sort()).toEqual([CUSTOMS, INTERIOR]);
    const persons = urgentDetainedMigrants().urgent.detainedMigrants.persons.length;
    expect(draft.body.daily.summary).toContain(`Задержано незаконных мигрантов: ${persons}`);

    // The draft is a valid report: sending it as it is works, and uses it up.
    const sent = await sys.api('border', 'POST', '/api/messages', draft.body, token);
    expect(sent.status).toBe(201);
    expect((await sys.api('border', 'GET', '/api/drafts', undefined, token)).body).toHaveLength(0);
  });

  it('stores notifications once per key and lists them for the unit', async () => {
    const n = (key: string) =>
      create(NotifyRequestSchema, {
        notifications: [{ key, unitId: BORDER, type: NotificationType.MISSING, obligation: Obligation.DAILY, period: '2026-11-20', counterparts: [INTERIOR], text: 'Ежедневное сообщение не направлено', at: timestampFromDate(new Date()) }],
      });
    const subject = sys.names.rpcFrom('border', 'scheduler', RpcMethod.Notify);
    expect(await rpcCall(nc, subject, NotifyRequestSchema, n('missing:DAILY:x:2026-11-20'), NotifyResponseSchema)).toMatchObject({ stored: 1 });
    expect(await rpcCall(nc, subject, NotifyRequestSchema, n('missing:DAILY:x:2026-11-20'), NotifyResponseSchema)).toMatchObject({ stored: 0 });
    const list = await sys.api('border', 'GET', '/api/notifications', undefined, token);
    expect(list.body.total).toBe(1);
    expect(list.body.items[0]).toMatchObject({ type: 'MISSING', obligation: 'DAILY', period: '2026-11-20', counterparts: [INTERIOR] });
  });

  it('refuses bad RPC input with code 400', async () => {
    const bad = create(NotifyRequestSchema, { notifications: [{ key: 'k', unitId: INTERIOR, type: NotificationType.REMINDER, text: 'x' }] });
    await expect(rpcCall(nc, sys.names.rpcFrom('border', 'scheduler', RpcMethod.Notify), NotifyRequestSchema, bad, NotifyResponseSchema)).rejects.toMatchObject({ code: 400 });
    const reply = await nc.request(sys.names.rpcFrom('border', 'scheduler', RpcMethod.Notify), JSON.stringify({ notifications: 'nope' }));
    expect(reply.headers?.get('Shekara-Error-Code')).toBe('400');
    expect(RpcCallError).toBeDefined();
  });

  it('"due now" shows the daily window, confirmations owed (overdue and pending) and who has been sent today’s report', async () => {
    const late = await sys.api('border', 'POST', '/api/messages', { ...urgentDetainedMigrants(), reportedAt: new Date(Date.now() - 3 * 3600_000).toISOString() }, token);
    const fresh = await sys.api('border', 'POST', '/api/messages', { ...urgentDetainedMigrants(), reportedAt: new Date().toISOString() }, token);
    await sys.api('border', 'POST', '/api/messages', { ...daily(), recipientUnits: [INTERIOR] }, token);
    const due = await sys.api('border', 'GET', '/api/due', undefined, token);
    expect(due.status).toBe(200);
    expect(due.body.zone).toBe(zone);
    expect(due.body.daily.day).toBe(localDate(new Date(), zone));
    expect(due.body.overdueConfirmations.map((o: { urgentId: string }) => o.urgentId)).toContain(late.body.id);
    expect(due.body.pendingConfirmations.map((o: { urgentId: string }) => o.urgentId)).toContain(fresh.body.id);
    const byUnit = Object.fromEntries(due.body.daily.counterparts.map((c: { unitId: string; sentMessageId: string | null }) => [c.unitId, c.sentMessageId]));
    expect(Object.keys(byUnit).sort()).toEqual([CUSTOMS, INTERIOR]);
    expect(byUnit[INTERIOR]).not.toBeNull();

    // Confirming the overdue one in writing removes it from what is owed.
    const confirm = await sys.api(
      'border',
      'POST',
      '/api/messages',
      { senderUnit: BORDER, recipientUnits: [INTERIOR, CUSTOMS], classification: 'CLASSIFICATION_FOR_OFFICIAL_USE', correlationId: late.body.id, urgentConfirmation: { urgentMessageId: late.body.id, text: 'Подтверждаю письменно.', urgent: urgentDetainedMigrants().urgent } },
      token,
    );
    expect(confirm.status).toBe(201);
    const after = await sys.api('border', 'GET', '/api/due', undefined, token);
    expect(after.body.overdueConfirmations.map((o: { urgentId: string }) => o.urgentId)).not.toContain(late.body.id);
  });
});
