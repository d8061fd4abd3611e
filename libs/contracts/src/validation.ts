/**
 * One validator for both edges of a node: the HTTP API (proto JSON bodies) and the bus (decoded
 * envelopes). Payloads are checked by the same DTO classes either way; the bus side converts the
 * payload to its JSON form first.
 */
import { fromJson, toJson, type DescMessage, type JsonValue } from '@bufbuild/protobuf';
import { TimestampSchema, type Timestamp } from '@bufbuild/protobuf/wkt';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError, type ValidatorOptions } from 'class-validator';
import type { ErrorContext } from './dto/decorators';
import { cacheValidationMetadata } from './dto/metadata-cache';
import { dtoFor } from './dto/registry';
import { protoToJson } from './proto-json';
import { fieldMessage, type FieldCode } from './field-messages';
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
  /** In English (the server answers them in the user's language from `code` and `params`). */
  messages: string[];
  /** What is wrong (field-messages.ts), with the values its message names: every error has one (the user reads it in their language). */
  code: string;
  params?: Record<string, string>;
}

/**
 * The code of a class-validator constraint without a context of ours (decorators used directly, and
 * class-validator's own checks such as the whitelist).
 */
const CONSTRAINT_CODES: Readonly<Record<string, FieldCode>> = {
  whitelistValidation: 'UNKNOWN_PROPERTY',
  unknownValue: 'INVALID',
  isDefined: 'REQUIRED',
  isNotEmpty: 'REQUIRED',
  isString: 'NOT_STRING',
  isInt: 'NOT_INTEGER',
  isNumber: 'NOT_INTEGER',
  isBoolean: 'NOT_BOOLEAN',
  isArray: 'NOT_ARRAY',
  isObject: 'NOT_OBJECT',
  isUuid: 'MESSAGE_ID',
  isIn: 'ENUM',
  isEnum: 'ENUM',
  min: 'TOO_SMALL',
  max: 'TOO_LARGE',
  maxLength: 'TOO_LONG',
};

/** The code and params of each failed constraint of one property (our context, else by its name). */
export function constraintCodes(e: ValidationError): { code: string; params?: Record<string, string>; message: string }[] {
  return Object.entries(e.constraints ?? {}).map(([name, message]) => {
    const c = e.contexts?.[name] as ErrorContext | undefined;
    if (c?.code) return { code: c.code, ...(c.params ? { params: c.params } : {}), message };
    return { code: CONSTRAINT_CODES[name] ?? 'INVALID', message };
  });
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

/** Adds a field error; its English message from the code's template unless one is given. */
function add(out: FieldError[], field: string, code: FieldCode, params?: Record<string, string>, message?: string): void {
  out.push({ field, messages: [message ?? fieldMessage(code, params, field || 'the value', 'en')!], code, ...(params ? { params } : {}) });
}

function flatten(errors: ValidationError[], prefix: string, out: FieldError[]): void {
  for (const e of errors) {
    const field = join(prefix, e.property);
    for (const c of constraintCodes(e)) out.push({ field, messages: [c.message], code: c.code, ...(c.params ? { params: c.params } : {}) });
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
      const field = join(prefix, oneof.localName);
      add(out, field, 'ONEOF', { names: names.join(', ') }, `exactly one of ${names.join(', ')} must be set; ${got} set`);
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
    if (v.includes('\u0000')) add(out, path, 'NUL_CHARACTER');
    else if (HIDDEN_CHARACTERS.test(v)) add(out, path, 'HIDDEN_CHARACTERS');
    return;
  }
  if (depth > 64 || typeof v !== 'object' || v === null) return;
  if (Array.isArray(v)) {
    v.forEach((item, i) => findUnstorable(item, join(path, String(i)), out, depth + 1));
    return;
  }
  for (const key of Object.keys(v)) {
    const field = join(path, key.replace(/\u0000/g, '\\0'));
    if (OBJECT_MACHINERY.has(key)) add(out, field, 'UNKNOWN_PROPERTY', undefined, `property ${key} should not exist`);
    else if (key.includes('\u0000')) add(out, field, 'NUL_CHARACTER', undefined, 'a property name must not contain the NUL character');
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
  if (!isJsonObject(json)) return [{ field: prefix, messages: [`${prefix || 'the body'} must be a JSON object`], code: 'NOT_JSON_OBJECT' }];
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
    return { ok: false, errors: [{ field: '', messages: [(e as Error).message], code: 'INVALID' }] };
  }
}

function checkTimestamp(ts: Timestamp | undefined, field: string, out: FieldError[]): void {
  if (!ts) return add(out, field, 'REQUIRED');
  try {
    toJson(TimestampSchema, ts);
  } catch {
    add(out, field, 'TIMESTAMP_RANGE');
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
    case 'hitDecision':
      return env.payload.value.messageId;
    case 'handoverAcceptance':
    case 'handoverDispute':
    case 'handoverWithdrawal':
      return env.payload.value.actId;
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
  if (!UUID_V7_RE.test(env.messageId)) add(out, 'messageId', 'MESSAGE_ID');
  if (!SUPPORTED_SCHEMA_VERSIONS.includes(env.schemaVersion)) {
    add(out, 'schemaVersion', 'SCHEMA_VERSION', { version: String(env.schemaVersion), supported: SUPPORTED_SCHEMA_VERSIONS.join(', ') });
  }
  if (!UNIT_ID_RE.test(env.senderUnit)) add(out, 'senderUnit', 'UNIT_ID');
  const recipients = env.recipientUnits;
  if (recipients.length < 1 || recipients.length > MAX_RECIPIENTS) add(out, 'recipientUnits', 'RECIPIENT_COUNT', { max: String(MAX_RECIPIENTS) });
  if (recipients.some((u) => !UNIT_ID_RE.test(u))) add(out, 'recipientUnits', 'UNIT_ID', undefined, 'each of recipientUnits must be a unit id');
  if (new Set(recipients).size !== recipients.length) add(out, 'recipientUnits', 'DUPLICATES');
  checkTimestamp(env.createdAt, 'createdAt', out);
  checkTimestamp(env.reportedAt, 'reportedAt', out);
  if (!ClassificationSchema.values.some((v) => v.number !== 0 && v.number === env.classification)) {
    add(out, 'classification', 'CLASSIFICATION');
  }

  const payloadCase = env.payload.case;
  if (payloadCase === undefined) {
    add(out, 'payload', 'NO_PAYLOAD', undefined, 'the envelope has no payload');
    return out;
  }
  if (env.kind !== payloadKind(payloadCase)) {
    add(out, 'kind', 'KIND_MISMATCH', { kind: kindName(env.kind), payload: payloadCase }, `kind ${kindName(env.kind)} does not match the payload ${payloadCase}`);
  }
  const correlation = expectedCorrelation(env);
  if (correlation !== undefined ? env.correlationId !== correlation : env.correlationId !== '' && !UUID_V7_RE.test(env.correlationId)) {
    if (correlation !== undefined) add(out, 'correlationId', 'CORRELATION', { expected: correlation });
    else add(out, 'correlationId', 'CORRELATION_FORMAT');
  }
  const desc = EnvelopeSchema.field[payloadCase].message;
  if (!desc) throw new Error(`Envelope.${payloadCase} is not a message field`);
  let json: JsonValue;
  try {
    json = protoToJson(desc, env.payload.value);
  } catch (e) {
    add(out, payloadCase, 'INVALID', undefined, `the payload cannot be represented in JSON: ${(e as Error).message}`);
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
    return { ok: false, errors: [{ field: '', messages: [(e as Error).message], code: 'INVALID' }] };
  }
}

/**
 * Validates a decoded bank version from the bus by the same DTOs as the HTTP API (field paths
 * start with "version", e.g. "version.content.travelDocument.number"). Empty when valid.
 */
export function validateBankVersion(v: BankRecordVersion): FieldError[] {
  let json: JsonValue;
  try {
    json = protoToJson(BankRecordVersionSchema, v);
  } catch (e) {
    return [{ field: 'version', messages: [`the version cannot be represented in JSON: ${(e as Error).message}`], code: 'INVALID' }];
  }
  return validateMessageJson(BankRecordVersionSchema, json, 'version');
}
