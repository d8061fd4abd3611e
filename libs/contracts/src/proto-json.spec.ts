import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { create, toBinary, toJson } from '@bufbuild/protobuf';
import type { DescMessage, JsonWriteOptions, MessageShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { isBase64 } from './dto/decorators';
import { Classification } from './gen/shekara/v1/common_pb';
import { EnvelopeSchema, MessageKind } from './gen/shekara/v1/envelope_pb';
import type { Envelope } from './gen/shekara/v1/envelope_pb';
import { protoToJson } from './proto-json';
import { validateEnvelope, validateSendMessageRequest } from './validation';

const OK = join(__dirname, '../../../test/fixtures/contracts/ok');
const AT = timestampFromDate(new Date('2026-03-02T04:00:00Z'));

/** Deterministic bytes of a given length (the same on every run). */
function bytes(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed * 2654435761;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

function envelope(payload: Envelope['payload'], kind: MessageKind): Envelope {
  return create(EnvelopeSchema, {
    messageId: '019cad00-0000-7000-8000-000000000001',
    kind,
    senderUnit: 'border.l1.HQ',
    recipientUnits: ['interior.l1.HQ'],
    createdAt: AT,
    reportedAt: AT,
    schemaVersion: 1,
    classification: Classification.FOR_OFFICIAL_USE,
    payload,
  });
}

/** Every ok fixture as an envelope, its attachments (if any) grown to sizes on both sides of the threshold. */
function envelopes(): Envelope[] {
  const out: Envelope[] = [];
  for (const name of readdirSync(OK).filter((n) => n.endsWith('.json'))) {
    const r = validateSendMessageRequest(JSON.parse(readFileSync(join(OK, name), 'utf8')));
    if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.errors)}`);
    const env = envelope(r.value.payload, r.value.payload.case === 'urgent' ? MessageKind.URGENT : MessageKind.DAILY);
    out.push(env);
    const p = env.payload.value as { attachments?: { content: Uint8Array }[] } | undefined;
    if (p?.attachments?.length) {
      const grown = envelope(structuredClone(r.value.payload), MessageKind.MONTHLY);
      const atts = (grown.payload.value as { attachments: { content: Uint8Array }[] }).attachments;
      atts.forEach((a, i) => (a.content = bytes([1, 255, 256, 4097, 70_000][i % 5], i)));
      out.push(grown);
    }
  }
  out.push(
    envelope(
      { case: 'bankAttachmentChunk', value: { $typeName: 'shekara.v1.BankAttachmentChunk', sha256: 'a'.repeat(64), size: 200_000, mediaType: 'application/pdf', index: 1, count: 4, data: bytes(50_000, 7) } },
      MessageKind.BANK_ATTACHMENT_CHUNK,
    ),
  );
  return out;
}

const OPTIONS: (Partial<JsonWriteOptions> | undefined)[] = [undefined, { alwaysEmitImplicit: true }, { useProtoFieldName: true }, { alwaysEmitImplicit: false, enumAsInteger: true }];

describe('protoToJson', () => {
  it("writes the same JSON as protobuf-es's toJson, for every contract fixture and large attachments, under every option", () => {
    const all = envelopes();
    expect(all.some((e) => e.payload.case === 'bankAttachmentChunk')).toBe(true);
    for (const env of all)
      for (const o of OPTIONS) {
        const before = toBinary(EnvelopeSchema, env);
        expect(protoToJson(EnvelopeSchema, env, o)).toEqual(toJson(EnvelopeSchema, env, o));
        // The payload on its own too (what validateEnvelope converts).
        const desc = EnvelopeSchema.field[env.payload.case!].message as DescMessage;
        expect(protoToJson(desc, env.payload.value as MessageShape<DescMessage>, o)).toEqual(toJson(desc, env.payload.value as MessageShape<DescMessage>, o));
        // The message holds its bytes again.
        expect(toBinary(EnvelopeSchema, env)).toEqual(before);
      }
  });

  it('puts the bytes back when the conversion throws', () => {
    const env = envelope(
      { case: 'bankAttachmentChunk', value: { $typeName: 'shekara.v1.BankAttachmentChunk', sha256: 'a'.repeat(64), size: 1000, mediaType: 'application/pdf', index: 0, count: 1, data: bytes(1000, 3) } },
      MessageKind.BANK_ATTACHMENT_CHUNK,
    );
    const data = (env.payload.value as { data: Uint8Array }).data;
    env.senderUnit = 5 as unknown as string; // not a string: toJson throws
    expect(() => protoToJson(EnvelopeSchema, env)).toThrow();
    expect((env.payload.value as { data: Uint8Array }).data).toBe(data);
  });

  it('leaves the validation of an envelope as it was: a chunk too large is still refused', () => {
    const chunk = (n: number) =>
      envelope({ case: 'bankAttachmentChunk', value: { $typeName: 'shekara.v1.BankAttachmentChunk', sha256: 'a'.repeat(64), size: 25 * 1024 * 1024, mediaType: 'application/pdf', index: 0, count: 50, data: bytes(n, 1) } }, MessageKind.BANK_ATTACHMENT_CHUNK);
    expect(validateEnvelope(chunk(512 * 1024))).toEqual([]);
    expect(validateEnvelope(chunk(512 * 1024 + 1)).map((e) => [e.field, e.code])).toEqual([['bankAttachmentChunk.data', 'BYTES']]);
  });
});

describe('isBase64', () => {
  const RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$|^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2}(?:==)?|[A-Za-z0-9_-]{3}=?)?$/;

  it('accepts exactly the strings the regular expression it replaced accepts', () => {
    const alphabet = 'Aa9+/-_=. \u00e9';
    let x = 12345;
    const next = () => (x = (x * 1103515245 + 12345) >>> 0);
    let accepted = 0;
    for (let n = 0; n < 200_000; n++) {
      const len = next() % 11;
      let s = '';
      // Mostly characters of the two alphabets, sometimes others.
      for (let i = 0; i < len; i++) s += next() % 8 ? 'QWEqwe019+/-_='[next() % 14] : alphabet[next() % alphabet.length];
      if (RE.test(s)) accepted++;
      if (isBase64(s) !== RE.test(s)) throw new Error(`disagree on ${JSON.stringify(s)}: regex ${RE.test(s)}`);
    }
    expect(accepted).toBeGreaterThan(1000);
  });

  it('accepts what Node encodes, in both alphabets, and refuses them mixed', () => {
    for (let n = 0; n < 40; n++) {
      const b = Buffer.from(bytes(n, n));
      expect(isBase64(b.toString('base64'))).toBe(true);
      expect(isBase64(b.toString('base64url'))).toBe(true);
    }
    expect(isBase64('ab+_')).toBe(false);
    expect(isBase64('ab/-')).toBe(false);
  });
});
