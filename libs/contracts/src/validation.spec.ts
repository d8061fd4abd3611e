import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clone, create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { decodeSigned, encodeSigned } from './codec';
import { MAX_ATTACHMENT_BYTES } from './formats';
import { Classification } from './gen/shekara/v1/common_pb';
import { EnvelopeSchema, MessageKind, type Envelope } from './gen/shekara/v1/envelope_pb';
import { DeliveryOutcome } from './gen/shekara/v1/receipts_pb';
import { UrgentTopic } from './gen/shekara/v1/urgent_pb';
import { kindName, kindPayloadCase, payloadKind, type PayloadCase } from './kinds';
import { validateEnvelope, validateSendMessageRequest, type FieldError } from './validation';

const OK = join(__dirname, '../../../test/fixtures/contracts/ok');
const fixture = (name: string) => JSON.parse(readFileSync(join(OK, name), 'utf8'));
const fields = (errors: FieldError[]) => errors.map((e) => e.field).sort();
function errorsOf(body: unknown): FieldError[] {
  const r = validateSendMessageRequest(body);
  return r.ok ? [] : r.errors;
}

const ID = '019cad00-0000-7000-8000-000000000001';
const OTHER_ID = '019cad00-0000-7000-8000-000000000002';
const AT = timestampFromDate(new Date('2026-03-02T04:00:00Z'));

function urgentEnvelope(): Envelope {
  const v = validateSendMessageRequest(fixture('urgent-detained-migrants.json'));
  if (!v.ok || v.value.payload.case !== 'urgent') throw new Error('fixture');
  return create(EnvelopeSchema, {
    messageId: ID,
    kind: MessageKind.URGENT,
    senderUnit: 'border.l4.CP-CN-A-01',
    recipientUnits: ['interior.l4.CP-CN-A-01'],
    createdAt: AT,
    reportedAt: AT,
    schemaVersion: 1,
    classification: Classification.FOR_OFFICIAL_USE,
    payload: v.value.payload,
  });
}

describe('validateSendMessageRequest', () => {
  it('returns the parsed protobuf message', () => {
    const r = validateSendMessageRequest(fixture('urgent-detained-migrants.json'));
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.value.payload.case).toBe('urgent');
    if (r.value.payload.case !== 'urgent') return;
    expect(r.value.payload.value.topic).toBe(UrgentTopic.DETAINED_MIGRANTS);
    const dm = r.value.payload.value.details;
    expect(dm.case === 'detainedMigrants' && dm.value.persons.map((p) => p.surname)).toEqual(['WANG', 'TURSUNOV']);
  });

  it('limits an attachment to 1 MiB', () => {
    const body = fixture('monthly.json');
    body.monthly.attachments[0].content = Buffer.alloc(MAX_ATTACHMENT_BYTES).toString('base64');
    expect(errorsOf(body)).toEqual([]);
    body.monthly.attachments[0].content = Buffer.alloc(MAX_ATTACHMENT_BYTES + 1).toString('base64');
    expect(fields(errorsOf(body))).toEqual(['monthly.attachments.0.content']);
  });

  it('limits lengths and list sizes', () => {
    const body = fixture('urgent-detained-migrants.json');
    body.urgent.summary = 'x'.repeat(4001);
    body.recipientUnits = Array.from({ length: 51 }, (_, i) => `interior.l4.U${i}`);
    expect(fields(errorsOf(body))).toEqual(['recipientUnits', 'urgent.summary']);
  });

  it('accepts only the JSON forms protobuf-es reads (enum names, RFC 3339 strings, numbers)', () => {
    const body = fixture('urgent-illegal-crossing.json');
    body.urgent.topic = 7; // the enum number instead of its name
    body.urgent.illegalCrossing.personsCount = '3';
    body.urgent.illegalCrossing.detained = 'yes';
    expect(fields(errorsOf(body))).toEqual([
      'urgent.illegalCrossing.detained',
      'urgent.illegalCrossing.personsCount',
      'urgent.topic',
    ]);
  });

  it('treats null like an absent field, as proto JSON does', () => {
    const body = fixture('daily.json');
    body.daily.period = null;
    body.correlationId = null;
    expect(errorsOf(body)).toEqual([]);
  });
});

describe('validateEnvelope', () => {
  it('accepts a well-formed envelope', () => {
    expect(validateEnvelope(urgentEnvelope())).toEqual([]);
  });

  it('checks the structure', () => {
    const env = urgentEnvelope();
    env.messageId = '0195c1e2-0000-4000-8000-000000000000'; // a UUIDv4
    env.kind = MessageKind.DAILY;
    env.schemaVersion = 2;
    env.senderUnit = '';
    env.recipientUnits = ['interior.l4.CP-CN-A-01', 'interior.l4.CP-CN-A-01'];
    env.createdAt = undefined;
    env.classification = Classification.UNSPECIFIED;
    env.correlationId = 'not-an-id';
    expect(fields(validateEnvelope(env))).toEqual([
      'classification',
      'correlationId',
      'createdAt',
      'kind',
      'messageId',
      'recipientUnits',
      'schemaVersion',
      'senderUnit',
    ]);
  });

  it('validates the payload with the same DTOs as the HTTP API', () => {
    const env = urgentEnvelope();
    if (env.payload.case !== 'urgent' || env.payload.value.details.case !== 'detainedMigrants') throw new Error('fixture');
    env.payload.value.details.value.persons[1].surname = '';
    env.payload.value.topic = UrgentTopic.SMUGGLING;
    expect(fields(validateEnvelope(env))).toEqual(['urgent.detainedMigrants.persons.1.surname', 'urgent.topic']);
  });

  it('rejects an envelope without payload', () => {
    const env = urgentEnvelope();
    env.payload = { case: undefined };
    expect(fields(validateEnvelope(env))).toEqual(['payload']);
  });

  it('requires receipts to correlate with the acknowledged message and a reason for a rejection', () => {
    const receipt = create(EnvelopeSchema, {
      messageId: OTHER_ID,
      correlationId: ID,
      kind: MessageKind.DELIVERY_RECEIPT,
      senderUnit: 'interior.l4.CP-CN-A-01',
      recipientUnits: ['border.l4.CP-CN-A-01'],
      createdAt: AT,
      reportedAt: AT,
      schemaVersion: 1,
      classification: Classification.UNCLASSIFIED,
      payload: {
        case: 'deliveryReceipt',
        value: { messageId: ID, recipientUnit: 'interior.l4.CP-CN-A-01', outcome: DeliveryOutcome.DELIVERED, at: AT },
      },
    });
    expect(validateEnvelope(receipt)).toEqual([]);

    const rejected = clone(EnvelopeSchema, receipt);
    if (rejected.payload.case !== 'deliveryReceipt') throw new Error('case');
    rejected.payload.value.outcome = DeliveryOutcome.REJECTED;
    rejected.correlationId = OTHER_ID;
    expect(fields(validateEnvelope(rejected))).toEqual(['correlationId', 'deliveryReceipt.reason']);
  });
});

describe('kinds', () => {
  it('maps every payload case to its kind and back', () => {
    const cases = EnvelopeSchema.oneofs[0].fields.map((f) => f.localName as PayloadCase);
    expect(cases).toHaveLength(9);
    for (const c of cases) expect(kindPayloadCase(payloadKind(c))).toBe(c);
    expect(payloadKind('urgentConfirmation')).toBe(MessageKind.URGENT_CONFIRMATION);
    expect(kindPayloadCase(MessageKind.UNSPECIFIED)).toBeUndefined();
  });

  it('names kinds briefly', () => {
    expect(kindName(MessageKind.URGENT)).toBe('URGENT');
    expect(kindName(MessageKind.READ_RECEIPT)).toBe('READ_RECEIPT');
    expect(kindName(99 as MessageKind)).toBe('99');
  });
});

describe('codec', () => {
  it('round-trips a signed envelope with a batch proof', () => {
    const wire = encodeSigned({
      envelope: new Uint8Array([1, 2, 3]),
      keyId: 'k1',
      signature: new Uint8Array(64).fill(9),
      batchProof: { siblings: [new Uint8Array(32).fill(1)], index: 3, leafCount: 5 },
    });
    const s = decodeSigned(wire);
    expect([...s.envelope]).toEqual([1, 2, 3]);
    expect(s.batchProof?.index).toBe(3);
    expect(s.batchProof?.leafCount).toBe(5);
    expect(s.batchProof?.siblings).toHaveLength(1);
  });

  it('throws on malformed bytes', () => {
    expect(() => decodeSigned(new Uint8Array([0xff, 0xff, 0xff]))).toThrow();
  });
});
