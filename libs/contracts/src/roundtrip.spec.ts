/**
 * Every ok fixture survives the bus: request → Envelope → bytes → SignedEnvelope → bytes → back,
 * and the decoded payload equals the original request payload.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { create, equals, fromJson, type DescMessage, type JsonValue } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { decodeEnvelope, decodeSigned, encodeEnvelope, encodeSigned } from './codec';
import { CURRENT_SCHEMA_VERSION } from './formats';
import { EnvelopeSchema, type Envelope } from './gen/shekara/v1/envelope_pb';
import { SendMessageRequestSchema } from './gen/shekara/v1/api_pb';
import { payloadKind } from './kinds';
import { validateEnvelope, validateSendMessageRequest } from './validation';

const DIR = join(__dirname, '../../../test/fixtures/contracts/ok');
const MESSAGE_ID = '019cad00-0000-7000-8000-000000000001';
const CREATED_AT = timestampFromDate(new Date('2026-03-02T04:00:00Z'));

describe.each(readdirSync(DIR).filter((f) => f.endsWith('.json')))('ok/%s', (file) => {
  const json = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Record<string, JsonValue>;

  it('round-trips through the binary envelope unchanged', () => {
    const v = validateSendMessageRequest(json);
    if (!v.ok) throw new Error(JSON.stringify(v.errors));
    const req = v.value;
    if (req.payload.case === undefined) throw new Error('no payload');
    const env: Envelope = create(EnvelopeSchema, {
      messageId: MESSAGE_ID,
      correlationId: req.correlationId ?? '',
      kind: payloadKind(req.payload.case),
      senderUnit: req.senderUnit,
      recipientUnits: req.recipientUnits,
      createdAt: CREATED_AT,
      reportedAt: req.reportedAt ?? CREATED_AT,
      schemaVersion: CURRENT_SCHEMA_VERSION,
      classification: req.classification,
      payload: req.payload,
    });
    expect(validateEnvelope(env)).toEqual([]);

    const wire = encodeSigned({ envelope: encodeEnvelope(env), keyId: 'border.l4.CP-CN-A-01#1', signature: new Uint8Array(64).fill(7) });
    const signed = decodeSigned(wire);
    expect(signed.keyId).toBe('border.l4.CP-CN-A-01#1');
    const decoded = decodeEnvelope(signed.envelope);

    expect(equals(EnvelopeSchema, decoded, env)).toBe(true);
    const caseName = req.payload.case;
    expect(decoded.payload.case).toBe(caseName);
    const payloadDesc = SendMessageRequestSchema.field[caseName].message as DescMessage;
    const original = fromJson(payloadDesc, json[caseName]);
    const value = decoded.payload.value;
    if (value === undefined) throw new Error('the payload was lost');
    expect(equals(payloadDesc, value, original)).toBe(true);
  });
});
