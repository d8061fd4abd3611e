import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { encodeAuditEventBatch, encodeBundle, envelopesOf } from './codec';
import { AuditAction, AuditEventBatchSchema, AuditEventSchema } from './gen/shekara/v1/audit_pb';
import { SignedEnvelopeBundleSchema, SignedEnvelopeSchema } from './gen/shekara/v1/envelope_pb';

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

describe('bundles (encodeBundle, envelopesOf)', () => {
  const signed = (i: number, size: number) => toBinary(SignedEnvelopeSchema, create(SignedEnvelopeSchema, { envelope: new Uint8Array(size).fill(i), keyId: `k${i}`, signature: new Uint8Array(64).fill(i) }));

  it('is the SignedEnvelopeBundle of those envelopes, and envelopesOf gives each back byte for byte', () => {
    const items = [signed(1, 10), signed(2, 300), signed(3, 70_000)];
    const bytes = encodeBundle(items);
    expect(bytes).toEqual(toBinary(SignedEnvelopeBundleSchema, create(SignedEnvelopeBundleSchema, { envelopes: items })));
    expect(envelopesOf(bytes, '3')).toEqual(items);
  });

  it('without the header a message is one envelope, whatever its bytes', () => {
    const one = signed(1, 10);
    expect(envelopesOf(one, undefined)).toEqual([one]);
  });

  it.each([
    ['a count the bundle does not hold', '3', /holds 2 envelopes, its header says 3/],
    ['a header that is not a count', 'two', /not a count/],
    ['a bundle of one', '1', /2 to 256/],
    ['more than 256', '257', /2 to 256/],
  ])('refuses %s', (_what, header, message) => {
    expect(() => envelopesOf(encodeBundle([signed(1, 1), signed(2, 2)]), header)).toThrow(message);
  });

  it('refuses bytes that are not a bundle', () => {
    expect(() => envelopesOf(new Uint8Array([0x0a, 0x05, 1]), '2')).toThrow(/not a SignedEnvelopeBundle/);
  });
});
