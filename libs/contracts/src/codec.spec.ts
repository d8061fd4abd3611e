import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { encodeAuditEventBatch } from './codec';
import { AuditAction, AuditEventBatchSchema, AuditEventSchema } from './gen/shekara/v1/audit_pb';

describe('encodeAuditEventBatch', () => {
  const event = (i: number, summaryLength: number) =>
    create(AuditEventSchema, {
      eventId: `event-${i}`,
      node: 'border',
      action: AuditAction.SENT,
      at: timestampFromDate(new Date(Date.UTC(2026, 10, 22, 7, 0, i))),
      actor: 'border.duty',
      messageId: `message-${i}`,
      summary: 'x'.repeat(summaryLength),
    });

  it('is the AuditEventBatch of those events, whatever their sizes (one- to three-byte lengths)', () => {
    const events = [event(1, 0), event(2, 100), event(3, 200), event(4, 20_000)];
    const bytes = encodeAuditEventBatch(events.map((e) => toBinary(AuditEventSchema, e)));
    expect(bytes).toEqual(toBinary(AuditEventBatchSchema, create(AuditEventBatchSchema, { events })));
    expect(fromBinary(AuditEventBatchSchema, bytes).events.map((e) => [e.eventId, e.summary.length])).toEqual([
      ['event-1', 0],
      ['event-2', 100],
      ['event-3', 200],
      ['event-4', 20_000],
    ]);
  });

  it('of no events is empty', () => {
    expect(encodeAuditEventBatch([])).toEqual(new Uint8Array(0));
  });
});
