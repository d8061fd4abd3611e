import { create, toBinary } from '@bufbuild/protobuf';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { AuditAction, AuditEventSchema, DiscrepancyExplanationSchema, MessageKind, StatisticsFigureSchema, StatisticsIndicator } from '@shekara/contracts';
import { parseAuditEvent } from './audit-event';

const at = new Date('2024-04-09T03:00:00Z');

function sent(overrides: Omit<MessageInitShape<typeof AuditEventSchema>, '$typeName'> = {}): Uint8Array {
  return toBinary(
    AuditEventSchema,
    create(AuditEventSchema, {
      eventId: 'e-1',
      node: 'border',
      action: AuditAction.SENT,
      at: timestampFromDate(at),
      actor: 'border.duty',
      messageId: 'm-1',
      kind: MessageKind.URGENT,
      senderUnit: 'border.l4.X',
      recipientUnits: ['interior.l4.X', 'customs.l4.X'],
      units: ['border.l4.X'],
      sentAt: timestampFromDate(at),
      reportedAt: timestampFromDate(new Date('2024-04-09T02:55:00Z')),
      summary: 's'.repeat(400),
      ...overrides,
    }),
  );
}

describe('parseAuditEvent', () => {
  it('turns a SENT event into an event and the message the engine judges', () => {
    const r = parseAuditEvent(sent());
    expect(r).toEqual({
      ok: true,
      event: { eventId: 'e-1', messageId: 'm-1', action: 'SENT', node: 'border', at, actor: 'border.duty', units: ['border.l4.X'] },
      message: {
        id: 'm-1',
        kind: 'URGENT',
        sender: 'border.l4.X',
        recipients: ['interior.l4.X', 'customs.l4.X'],
        sentAt: at,
        reportedAt: new Date('2024-04-09T02:55:00Z'),
        summary: 's'.repeat(300),
        node: 'border',
        eventId: 'e-1',
      },
    });
  });

  it('keeps period, event_at and confirms when present', () => {
    const daily = parseAuditEvent(sent({ kind: MessageKind.DAILY, reportedAt: undefined, period: '2024-04-09' }));
    expect(daily.ok && daily.message).toMatchObject({ kind: 'DAILY', period: '2024-04-09' });
    expect(daily.ok && daily.message && 'reportedAt' in daily.message).toBe(false);
    const confirmation = parseAuditEvent(sent({ kind: MessageKind.URGENT_CONFIRMATION, confirms: 'm-0' }));
    expect(confirmation.ok && confirmation.message?.confirms).toBe('m-0');
    const advance = parseAuditEvent(sent({ kind: MessageKind.ADVANCE, eventAt: timestampFromDate(new Date('2024-05-01T00:00:00Z')) }));
    expect(advance.ok && advance.message?.eventAt).toEqual(new Date('2024-05-01T00:00:00Z'));
  });

  it('keeps the SENT event of a hit decision with no message for the engine to judge', () => {
    const r = parseAuditEvent(sent({ kind: MessageKind.HIT_DECISION }));
    expect(r).toEqual({ ok: true, event: expect.objectContaining({ action: 'SENT', messageId: 'm-1' }) });
  });

  it('keeps the SENT and RECEIVED events of a log fork alert as alerts, with no message for the engine to judge', () => {
    const base = { kind: MessageKind.TLOG_FORK_ALERT, senderUnit: 'border.l1.KZ', recipientUnits: ['interior.l1.KZ'], reason: 'same-size', summary: 'fork of kz.shekara.interior/log at size 3' };
    const s = parseAuditEvent(sent(base));
    expect(s).toMatchObject({ ok: true, alert: { action: 'SENT', node: 'border', sender: 'border.l1.KZ', recipients: ['interior.l1.KZ'], reason: 'same-size', summary: base.summary } });
    expect(s.ok && s.message).toBeUndefined();
    const r = parseAuditEvent(sent({ ...base, action: AuditAction.RECEIVED, node: 'interior', eventId: 'e-2' }));
    expect(r).toMatchObject({ ok: true, alert: { action: 'RECEIVED', node: 'interior' } });
    // An alert needs its addressing; other actions of it are plain events.
    expect(parseAuditEvent(sent({ ...base, recipientUnits: [] }))).toMatchObject({ ok: false });
    const read = parseAuditEvent(sent({ ...base, action: AuditAction.READ }));
    expect(read.ok && read.alert).toBeUndefined();
  });

  const bankVersion = (o: Omit<MessageInitShape<typeof AuditEventSchema>, '$typeName'> = {}) =>
    sent({ kind: MessageKind.BANK_VERSION, messageId: 'r-1', reportedAt: undefined, period: '2024-H1', confirms: 'm-0', summary: 'Review', handoverItems: ['MATERIAL', 'CREATE'], ...o });

  it('keeps a data bank version signed to the ledger: its record, contributor, half-year, kind, action and report', () => {
    const r = parseAuditEvent(bankVersion());
    expect(r).toEqual({
      ok: true,
      event: expect.objectContaining({ action: 'SENT', messageId: 'r-1' }),
      bank: { eventId: 'e-1', recordId: 'r-1', agency: 'border', contributor: 'border.l4.X', at, period: '2024-H1', kind: 'MATERIAL', action: 'CREATE', source: 'm-0', summary: 'Review' },
    });
    const own = parseAuditEvent(bankVersion({ confirms: '', handoverItems: ['TRAVEL_DOCUMENT', 'WITHDRAW'] }));
    expect(own.ok && own.bank).toMatchObject({ kind: 'TRAVEL_DOCUMENT', action: 'WITHDRAW' });
    expect(own.ok && own.bank && 'source' in own.bank).toBe(false);
  });

  it.each<[string, Uint8Array, RegExp]>([
    ['a contributor of another agency', bankVersion({ senderUnit: 'interior.l4.X' }), /not a unit of border/],
    ['no half-year', bankVersion({ period: '2024-04' }), /period YYYY-H1/],
    ['an unknown kind', bankVersion({ handoverItems: ['PERSON', 'CREATE'] }), /\[kind, action\]/],
    ['no action', bankVersion({ handoverItems: ['MATERIAL'] }), /\[kind, action\]/],
    ['no sent_at', bankVersion({ sentAt: undefined }), /sent_at/],
  ])('refuses a data bank version with %s', (_name, bytes, reason) => {
    const r = parseAuditEvent(bytes);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(reason);
  });

  it('records other actions without a message row, with units and reason', () => {
    const r = parseAuditEvent(sent({ action: AuditAction.REJECTED, units: ['customs.l4.X'], reason: 'bad signature' }));
    expect(r).toEqual({ ok: true, event: expect.objectContaining({ action: 'REJECTED', units: ['customs.l4.X'], reason: 'bad signature' }) });
    expect(r.ok && r.message).toBeUndefined();
    const dl = parseAuditEvent(sent({ action: AuditAction.DEAD_LETTERED, messageId: '', reason: 'not an envelope' }));
    expect(dl.ok && dl.event).toMatchObject({ action: 'DEAD_LETTERED', reason: 'not an envelope' });
    expect(dl.ok && 'messageId' in dl.event).toBe(false);
  });

  it.each<[string, Uint8Array, RegExp]>([
    ['bytes that are not an AuditEvent', new Uint8Array([0xff, 0xff, 0xff, 0xff]), /not a shekara.v1.AuditEvent/],
    ['no event id', sent({ eventId: '' }), /event_id is required/],
    ['an unknown node', sent({ node: 'police' }), /node must be an agency code/],
    ['no action', sent({ action: AuditAction.UNSPECIFIED }), /unknown action/],
    ['no instant', sent({ at: undefined }), /at is required/],
    ['no actor', sent({ actor: '' }), /actor is required/],
    ['no message id on a receipt', sent({ action: AuditAction.DELIVERED, messageId: '' }), /message_id is required for DELIVERED/],
    ['SENT for a receipt kind', sent({ kind: MessageKind.DELIVERY_RECEIPT }), /SENT needs the kind of a report/],
    ['SENT without sender', sent({ senderUnit: '' }), /sender_unit/],
    ['SENT without recipients', sent({ recipientUnits: [] }), /recipient_units/],
    ['SENT without sent_at', sent({ sentAt: undefined }), /sent_at/],
  ])('refuses %s with the reason', (_name, bytes, reason) => {
    const r = parseAuditEvent(bytes);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(reason);
  });

  it('keeps a STATISTICS report’s figures and explanations (indicator names as in proto JSON), and refuses more than 100', () => {
    const figures = [create(StatisticsFigureSchema, { indicator: StatisticsIndicator.PERSONS_HANDED_OVER, counterpartUnit: 'interior.l4.X', value: 3 }), create(StatisticsFigureSchema, { indicator: StatisticsIndicator.SEIZURES, value: 1 })];
    const explanations = [create(DiscrepancyExplanationSchema, { indicator: StatisticsIndicator.PERSONS_HANDED_OVER, counterpartUnit: 'interior.l4.X', text: 'why' })];
    const r = parseAuditEvent(sent({ kind: MessageKind.STATISTICS, period: '2026-04', reportedAt: undefined, statisticsFigures: figures, statisticsExplanations: explanations }));
    expect(r.ok && r.message?.statistics).toEqual({
      figures: [
        { indicator: 'STATISTICS_INDICATOR_PERSONS_HANDED_OVER', counterpartUnit: 'interior.l4.X', value: 3 },
        { indicator: 'STATISTICS_INDICATOR_SEIZURES', value: 1 },
      ],
      explanations: [{ indicator: 'STATISTICS_INDICATOR_PERSONS_HANDED_OVER', counterpartUnit: 'interior.l4.X', text: 'why' }],
    });
    const many = Array.from({ length: 101 }, () => figures[1]);
    expect(parseAuditEvent(sent({ kind: MessageKind.STATISTICS, period: '2026-04', statisticsFigures: many }))).toMatchObject({ ok: false, reason: expect.stringContaining('at most 100') });
  });

  it('keeps the persons an acceptance accepts, and only for an acceptance', () => {
    const acc = parseAuditEvent(sent({ kind: MessageKind.HANDOVER_ACCEPTANCE, confirms: 'act-1', handoverPersonsAccepted: 2 }));
    expect(acc.ok && acc.message?.personsAccepted).toBe(2);
    const dispute = parseAuditEvent(sent({ kind: MessageKind.HANDOVER_DISPUTE, confirms: 'act-1', handoverPersonsAccepted: 2 }));
    expect(dispute.ok && dispute.message?.personsAccepted).toBeUndefined();
  });
});
