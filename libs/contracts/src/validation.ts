/**
 * One validator for both edges of a node: the HTTP API (proto JSON bodies) and the bus (decoded
 * envelopes). Payloads are checked by the same DTO classes either way; the bus side converts the
 * payload to its JSON form first.
 */
import { fromJson, toJson, type DescMessage, type JsonValue } from '@bufbuild/protobuf';
import { TimestampSchema, type Timestamp } from '@bufbuild/protobuf/wkt';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError, type ValidatorOptions } from 'class-validator';
import { cacheValidationMetadata } from './dto/metadata-cache';
import { dtoFor } from './dto/registry';
import {
  MAX_RECIPIENTS,
  SUPPORTED_SCHEMA_VERSIONS,
  UNIT_ID_RE,
  UUID_V7_RE,
} from './formats';
import type { SendMessageRequest } from './gen/shekara/v1/api_pb';
import { SendMessageRequestSchema } from './gen/shekara/v1/api_pb';
import { ClassificationSchema } from './gen/shekara/v1/common_pb';
import type { BankRecordContent, BankRecordVersion } from './gen/shekara/v1/databank_pb';
import { BankRecordContentSchema, BankRecordVersionSchema } from './gen/shekara/v1/databank_pb';
import type { Envelope } from './gen/shekara/v1/envelope_pb';
import { EnvelopeSchema } from './gen/shekara/v1/envelope_pb';
import { kindName, payloadKind } from './kinds';

cacheValidationMetadata();

/**
 * A validation failure of one field. `field` is the dotted path of JSON names with list indexes,
 * e.g. "urgent.detainedMigrants.persons.0.surname"; a oneof is named by its proto name
 * ("payload", "urgent.details"); "" is the whole body.
 */
export interface FieldError {
  field: string;
  messages: string[];
}

export type SendMessageValidation = { ok: true; value: SendMessageRequest } | { ok: false; errors: FieldError[] };

const VALIDATOR_OPTIONS: ValidatorOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  stopAtFirstError: true,
  validationError: { target: false, value: false },
};

function isJsonObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function join(prefix: string, name: string): string {
  return prefix ? `${prefix}.${name}` : name;
}

function add(out: FieldError[], field: string, messages: string[]): void {
  const existing = out.find((e) => e.field === field);
  if (existing) existing.messages.push(...messages);
  else out.push({ field, messages: [...messages] });
}

function flatten(errors: ValidationError[], prefix: string, out: FieldError[]): void {
  for (const e of errors) {
    const field = join(prefix, e.property);
    if (e.constraints) add(out, field, Object.values(e.constraints));
    if (e.children?.length) flatten(e.children, field, out);
  }
}

function isSet(v: unknown): boolean {
  return v !== undefined && v !== null;
}

/**
 * Every oneof of shekara.v1 is required: exactly one case set. Checked from the descriptor, so it
 * holds for every message, nested ones included, without a rule per DTO.
 */
function checkOneofs(desc: DescMessage, json: Record<string, unknown>, prefix: string, out: FieldError[]): void {
  for (const oneof of desc.oneofs) {
    const names = oneof.fields.map((f) => f.jsonName);
    const set = names.filter((n) => isSet(json[n]));
    if (set.length !== 1) {
      const got = set.length === 0 ? 'none is' : `${set.join(', ')} are`;
      add(out, join(prefix, oneof.localName), [`exactly one of ${names.join(', ')} must be set; ${got} set`]);
    }
  }
  for (const field of desc.fields) {
    const value = json[field.jsonName];
    if (field.fieldKind === 'message' && isJsonObject(value)) {
      checkOneofs(field.message, value, join(prefix, field.jsonName), out);
    } else if (field.fieldKind === 'list' && field.listKind === 'message' && Array.isArray(value)) {
      value.forEach((item, i) => {
        if (isJsonObject(item)) checkOneofs(field.message, item, join(prefix, `${field.jsonName}.${i}`), out);
      });
    }
  }
}

/**
 * Keys that name parts of JavaScript objects rather than data. No proto JSON field is called so, and
 * class-transformer trips over them (an object whose own "constructor" is not a function makes it
 * throw), so they are refused up front, wherever they are.
 */
const OBJECT_MACHINERY = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Characters no report needs and that hide or disguise what is shown: C0/C1 controls other than tab
 * and line breaks (ANSI escapes start with one), zero-width characters and the BOM, and the
 * bidirectional overrides and isolates that reorder what a reader sees.
 */
export const HIDDEN_CHARACTERS = /[\u0001-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF]/;

/**
 * What no report may carry, checked before anything else reads the body: the keys above, the NUL
 * character in any string or key (PostgreSQL's text and jsonb cannot store it), and hidden characters.
 */
function findUnstorable(v: unknown, path: string, out: FieldError[], depth = 0): void {
  if (typeof v === 'string') {
    if (v.includes('\u0000')) add(out, path, [`${path || 'the value'} must not contain the NUL character`]);
    else if (HIDDEN_CHARACTERS.test(v)) add(out, path, [`${path || 'the value'} must not contain control, zero-width or text-direction characters`]);
    return;
  }
  if (depth > 64 || typeof v !== 'object' || v === null) return;
  if (Array.isArray(v)) {
    v.forEach((item, i) => findUnstorable(item, join(path, String(i)), out, depth + 1));
    return;
  }
  for (const key of Object.keys(v)) {
    const field = join(path, key.replace(/\u0000/g, '\\0'));
    if (OBJECT_MACHINERY.has(key)) add(out, field, [`property ${key} should not exist`]);
    else if (key.includes('\u0000')) add(out, field, ['a property name must not contain the NUL character']);
    else findUnstorable((v as Record<string, unknown>)[key], field, out, depth + 1);
  }
}

/**
 * Validates the proto JSON form of a message that has a DTO (every message but the envelope and its
 * signed wrapper). Field paths are prefixed with `prefix`. Unknown properties are errors.
 */
export function validateMessageJson(desc: DescMessage, json: unknown, prefix = ''): FieldError[] {
  const dto = dtoFor(desc);
  if (!dto) throw new Error(`no DTO for ${desc.typeName}`);
  if (!isJsonObject(json)) return [{ field: prefix, messages: [`${prefix || 'the body'} must be a JSON object`] }];
  const out: FieldError[] = [];
  findUnstorable(json, prefix, out);
  if (out.length) return out;
  flatten(validateSync(plainToInstance(dto, json), VALIDATOR_OPTIONS), prefix, out);
  checkOneofs(desc, json, prefix, out);
  return out;
}

/**
 * Validates an HTTP body against SendMessageRequest and parses it. The kind of the message follows
 * from the payload case (see `payloadKind`).
 */
export function validateSendMessageRequest(plain: unknown): SendMessageValidation {
  const errors = validateMessageJson(SendMessageRequestSchema, plain);
  if (errors.length) return { ok: false, errors };
  try {
    return { ok: true, value: fromJson(SendMessageRequestSchema, plain as JsonValue) };
  } catch (e) {
    return { ok: false, errors: [{ field: '', messages: [(e as Error).message] }] };
  }
}

function checkTimestamp(ts: Timestamp | undefined, field: string, out: FieldError[]): void {
  if (!ts) return add(out, field, [`${field} is required`]);
  try {
    toJson(TimestampSchema, ts);
  } catch {
    add(out, field, [`${field} is out of the Timestamp range`]);
  }
}

/**
 * The correlation id an envelope must carry, or undefined when any (empty or a UUIDv7) will do:
 * a confirmation correlates with the urgent report, a receipt with the acknowledged message.
 */
function expectedCorrelation(env: Envelope): string | undefined {
  switch (env.payload.case) {
    case 'urgentConfirmation':
      return env.payload.value.urgentMessageId;
    case 'deliveryReceipt':
    case 'readReceipt':
      return env.payload.value.messageId;
    default:
      return undefined;
  }
}

/**
 * Validates a decoded envelope on the bus side: its structure, then its payload by the same DTOs as
 * the HTTP API (field paths start with the payload case, e.g. "urgent.topic"). Empty when valid.
 */
export function validateEnvelope(env: Envelope): FieldError[] {
  const out: FieldError[] = [];
  if (!UUID_V7_RE.test(env.messageId)) add(out, 'messageId', ['messageId must be a lower-case UUIDv7']);
  if (!SUPPORTED_SCHEMA_VERSIONS.includes(env.schemaVersion)) {
    add(out, 'schemaVersion', [`schemaVersion ${env.schemaVersion} is not supported (supported: ${SUPPORTED_SCHEMA_VERSIONS.join(', ')})`]);
  }
  if (!UNIT_ID_RE.test(env.senderUnit)) add(out, 'senderUnit', ['senderUnit must be a unit id']);
  const recipients = env.recipientUnits;
  if (recipients.length < 1 || recipients.length > MAX_RECIPIENTS) {
    add(out, 'recipientUnits', [`recipientUnits must list 1 to ${MAX_RECIPIENTS} units`]);
  }
  if (recipients.some((u) => !UNIT_ID_RE.test(u))) add(out, 'recipientUnits', ['each of recipientUnits must be a unit id']);
  if (new Set(recipients).size !== recipients.length) add(out, 'recipientUnits', ['recipientUnits must not contain duplicates']);
  checkTimestamp(env.createdAt, 'createdAt', out);
  checkTimestamp(env.reportedAt, 'reportedAt', out);
  if (!ClassificationSchema.values.some((v) => v.number !== 0 && v.number === env.classification)) {
    add(out, 'classification', ['classification must be set to a known marking']);
  }

  const payloadCase = env.payload.case;
  if (payloadCase === undefined) {
    add(out, 'payload', ['the envelope has no payload']);
    return out;
  }
  if (env.kind !== payloadKind(payloadCase)) {
    add(out, 'kind', [`kind ${kindName(env.kind)} does not match the payload ${payloadCase}`]);
  }
  const correlation = expectedCorrelation(env);
  if (correlation !== undefined ? env.correlationId !== correlation : env.correlationId !== '' && !UUID_V7_RE.test(env.correlationId)) {
    add(out, 'correlationId', [
      correlation !== undefined
        ? `correlationId must be ${correlation}, the id the ${payloadCase} refers to`
        : 'correlationId must be empty or a UUIDv7',
    ]);
  }
  const desc = EnvelopeSchema.field[payloadCase].message;
  if (!desc) throw new Error(`Envelope.${payloadCase} is not a message field`);
  let json: JsonValue;
  try {
    json = toJson(desc, env.payload.value);
  } catch (e) {
    add(out, payloadCase, [`the payload cannot be represented in JSON: ${(e as Error).message}`]);
    return out;
  }
  out.push(...validateMessageJson(desc, json, payloadCase));
  return out;
}

export type BankContentValidation = { ok: true; value: BankRecordContent } | { ok: false; errors: FieldError[] };

/** Validates the JSON body of a bank record's content (HTTP create and revise) and parses it. */
export function validateBankContent(plain: unknown): BankContentValidation {
  const errors = validateMessageJson(BankRecordContentSchema, plain);
  if (errors.length) return { ok: false, errors };
  try {
    return { ok: true, value: fromJson(BankRecordContentSchema, plain as JsonValue) };
  } catch (e) {
    return { ok: false, errors: [{ field: '', messages: [(e as Error).message] }] };
  }
}

/**
 * Validates a decoded bank version from the bus by the same DTOs as the HTTP API (field paths
 * start with "version", e.g. "version.content.travelDocument.number"). Empty when valid.
 */
export function validateBankVersion(v: BankRecordVersion): FieldError[] {
  let json: JsonValue;
  try {
    json = toJson(BankRecordVersionSchema, v);
  } catch (e) {
    return [{ field: 'version', messages: [`the version cannot be represented in JSON: ${(e as Error).message}`] }];
  }
  return validateMessageJson(BankRecordVersionSchema, json, 'version');
}
