/**
 * Property decorators for the DTOs of the proto JSON form. Each one composes the class-validator
 * rules, the class-transformer type (for nested messages) and the Swagger schema of one kind of
 * proto field, so a DTO property reads as one line per field and the three can never disagree.
 *
 * The drift check (drift.ts) reads the metadata these register: `isString`, `isInt`, `isBoolean`,
 * `isArray`, `isProtoEnum` (constraint: the enum descriptor), `isProtoTimestamp`, `isBase64Bytes`,
 * nested validation and the class-transformer `@Type`.
 */
import 'reflect-metadata';
import { fromJson, type DescEnum } from '@bufbuild/protobuf';
import { TimestampSchema } from '@bufbuild/protobuf/wkt';
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDefined,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateIf,
  ValidateNested,
  type ValidationArguments,
} from 'class-validator';
import { FIELD_MESSAGES, type FieldCode } from '../field-messages';
import { isCalendarDate } from '../formats';

/**
 * The code (and parameters) a constraint reports, for the consoles and the server's messages in the
 * user's language (field-messages.ts); read back from class-validator's `contexts` by the validators.
 */
export interface ErrorContext {
  code: FieldCode;
  params?: Record<string, string>;
}

function ctx(code: FieldCode, params?: Record<string, string>): { context: ErrorContext } {
  return { context: params ? { code, params } : { code } };
}

/**
 * Options for a class-validator decorator used directly (query DTOs): its English message and its
 * code, e.g. `@Min(1, withCode('TOO_SMALL', { min: '1' }))`.
 */
export function withCode(code: FieldCode, params?: Record<string, string>): { message: string; context: ErrorContext } {
  return { message: en(code, params), ...ctx(code, params) };
}

/** The English message of a code: "$property <template>" (class-validator fills in $property). */
function en(code: FieldCode, params?: Record<string, string>): string {
  let text: string = FIELD_MESSAGES[code].en;
  for (const [k, v] of Object.entries(params ?? {})) text = text.split(`{${k}}`).join(v);
  return `$property ${text}`;
}

/** A DTO instance as seen by cross-field rules. */
export type DtoObject = Record<string, any>;

/**
 * Whether a field must be present: always, never, or when a condition on the enclosing object holds
 * (a present value is always validated; `message` replaces "is required here").
 */
export type Presence =
  | 'required'
  | 'optional'
  | { requiredWhen: (dto: DtoObject) => boolean; code?: FieldCode };

function compose(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, key) => {
    for (const d of decorators) d(target, key);
  };
}

function isAbsent(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}

/**
 * Presence rules. Validation stops at a property's first error, so "is required" is the only
 * message for a missing field. An empty string counts as absent for conditional fields, as in the
 * proto JSON form, where "" is the default of a string.
 */
function presence(p: Presence): PropertyDecorator[] {
  if (p === 'required') return [IsDefined({ message: en('REQUIRED'), ...ctx('REQUIRED') })];
  if (p === 'optional') return [IsOptional()];
  const code = p.code ?? 'REQUIRED';
  return [ValidateIf((o: DtoObject, v: unknown) => !isAbsent(v) || p.requiredWhen(o)), IsDefined({ message: en(code), ...ctx(code) })];
}

/**
 * A cross-field or custom rule on one property; `test` sees the value and the enclosing DTO; `code`
 * says what is wrong (its English text is the message).
 * Write it ABOVE the field decorator: decorators apply bottom-up and a property stops at its first
 * error, so the field's own checks (type, enum) run first and the rule sees a well-typed value.
 */
export function Rule(name: string, test: (value: unknown, dto: DtoObject) => boolean, code: FieldCode): PropertyDecorator {
  return ValidateBy(
    {
      name,
      validator: {
        validate: (value: unknown, args?: ValidationArguments) => test(value, args?.object as DtoObject),
        defaultMessage: () => en(code),
      },
    },
    ctx(code),
  );
}

export interface TextOptions {
  presence?: Presence;
  /** Maximum length in characters (UTF-16 code units). */
  max: number;
  pattern?: RegExp;
  /** What the pattern means: the code of its error ("UNIT_ID": "must be a unit id like ..."). */
  format?: FieldCode;
  example?: string;
}

/** A string field. A required one must not be blank; an optional one may be "". */
export function Text(o: TextOptions): PropertyDecorator {
  const p = o.presence ?? 'required';
  const mustHaveContent = p !== 'optional' && !o.pattern;
  return compose(
    ...presence(p),
    IsString({ message: en('NOT_STRING'), ...ctx('NOT_STRING') }),
    ...(mustHaveContent ? [Matches(/\S/, { message: en('BLANK'), ...ctx('BLANK') })] : []),
    MaxLength(o.max, { message: en('TOO_LONG', { max: String(o.max) }), ...ctx('TOO_LONG', { max: String(o.max) }) }),
    ...(o.pattern ? [Matches(o.pattern, { message: en(o.format ?? 'INVALID'), ...ctx(o.format ?? 'INVALID') })] : []),
    ApiProperty({
      type: String,
      required: p === 'required',
      maxLength: o.max,
      ...(o.pattern ? { pattern: o.pattern.source } : {}),
      ...(o.example !== undefined ? { example: o.example } : {}),
    }),
  );
}

/** A "YYYY-MM-DD" local date that exists in the calendar. */
export function CalendarDate(p: Presence = 'required'): PropertyDecorator {
  return compose(
    ...presence(p),
    IsString({ message: en('NOT_STRING'), ...ctx('NOT_STRING') }),
    Rule('isCalendarDate', (v) => typeof v === 'string' && isCalendarDate(v), 'CALENDAR_DATE'),
    ApiProperty({ type: String, format: 'date', required: p === 'required', example: '1990-04-17' }),
  );
}

export interface TextListOptions {
  min: number;
  max: number;
  maxLength: number;
  pattern: RegExp;
  format: FieldCode;
  example?: string[];
}

/** A list of `min`..`max` items (the codes NOT_ARRAY, TOO_FEW, TOO_MANY). */
function listShape(min: number, max: number): PropertyDecorator[] {
  return [
    IsArray({ message: en('NOT_ARRAY'), ...ctx('NOT_ARRAY') }),
    ArrayMinSize(min, { message: en('TOO_FEW', { min: String(min) }), ...ctx('TOO_FEW', { min: String(min) }) }),
    ArrayMaxSize(max, { message: en('TOO_MANY', { max: String(max) }), ...ctx('TOO_MANY', { max: String(max) }) }),
  ];
}

/** A repeated string field; items are distinct. */
export function TextList(o: TextListOptions): PropertyDecorator {
  return compose(
    ...presence(o.min > 0 ? 'required' : 'optional'),
    ...listShape(o.min, o.max),
    ArrayUnique(undefined, { message: en('DUPLICATES'), ...ctx('DUPLICATES') }),
    IsString({ each: true, message: `each of ${en('NOT_STRING')}`, ...ctx('NOT_STRING') }),
    MaxLength(o.maxLength, { each: true, message: `each of ${en('TOO_LONG', { max: String(o.maxLength) })}`, ...ctx('TOO_LONG', { max: String(o.maxLength) }) }),
    Matches(o.pattern, { each: true, message: `each of ${en(o.format)}`, ...ctx(o.format) }),
    ApiProperty({
      type: String,
      isArray: true,
      required: o.min > 0,
      minItems: o.min,
      maxItems: o.max,
      uniqueItems: true,
      ...(o.example ? { example: o.example } : {}),
    }),
  );
}

/** Names of the valid values of a proto enum in JSON: every value but the zero `*_UNSPECIFIED`. */
function enumJsonNames(desc: DescEnum): string[] {
  return desc.values.filter((v) => v.number !== 0).map((v) => v.name);
}

/** A proto enum field in JSON form: one of the value names, never the zero value. */
export function ProtoEnum(desc: DescEnum, p: Presence = 'required'): PropertyDecorator {
  const names = enumJsonNames(desc);
  const params = { values: names.join(', ') };
  return compose(
    ...presence(p),
    ValidateBy(
      {
        name: 'isProtoEnum',
        constraints: [desc],
        validator: {
          validate: (v: unknown) => typeof v === 'string' && names.includes(v),
          defaultMessage: () => en('ENUM', params),
        },
      },
      ctx('ENUM', params),
    ),
    ApiProperty({ enum: names, enumName: desc.name, required: p === 'required' }),
  );
}

/**
 * Whether `v` is a google.protobuf.Timestamp in JSON form: parsed by protobuf-es itself (so the
 * DTO accepts exactly what `fromJson` accepts), and naming a real calendar day.
 */
function isTimestampJson(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  try {
    fromJson(TimestampSchema, v);
  } catch {
    return false;
  }
  return isCalendarDate(v.slice(0, 10));
}

/** A google.protobuf.Timestamp field: an RFC 3339 string. */
export function Timestamp(p: Presence = 'required'): PropertyDecorator {
  return compose(
    ...presence(p),
    Rule('isProtoTimestamp', isTimestampJson, 'TIMESTAMP'),
    ApiProperty({ type: String, format: 'date-time', required: p === 'required', example: '2026-03-01T08:15:00Z' }),
  );
}

export interface UIntOptions {
  presence?: Presence;
  min?: number;
  max: number;
}

/** A uint32 field (a JSON number). */
export function UInt(o: UIntOptions): PropertyDecorator {
  const p = o.presence ?? 'optional';
  const min = o.min ?? 0;
  return compose(
    ...presence(p),
    IsInt({ message: en('NOT_INTEGER'), ...ctx('NOT_INTEGER') }),
    Min(min, { message: en('TOO_SMALL', { min: String(min) }), ...ctx('TOO_SMALL', { min: String(min) }) }),
    Max(o.max, { message: en('TOO_LARGE', { max: String(o.max) }), ...ctx('TOO_LARGE', { max: String(o.max) }) }),
    ApiProperty({ type: 'integer', required: p === 'required', minimum: min, maximum: o.max }),
  );
}

/** A repeated uint32 field of 0..`max` distinct items, each in 0..`maxValue`. */
export function UIntList(o: { max: number; maxValue: number }): PropertyDecorator {
  return compose(
    ...presence('optional'),
    ...listShape(0, o.max),
    ArrayUnique(undefined, { message: en('DUPLICATES'), ...ctx('DUPLICATES') }),
    IsInt({ each: true, message: `each of ${en('NOT_INTEGER')}`, ...ctx('NOT_INTEGER') }),
    Min(0, { each: true, message: `each of ${en('TOO_SMALL', { min: '0' })}`, ...ctx('TOO_SMALL', { min: '0' }) }),
    Max(o.maxValue, { each: true, message: `each of ${en('TOO_LARGE', { max: String(o.maxValue) })}`, ...ctx('TOO_LARGE', { max: String(o.maxValue) }) }),
    ApiProperty({ type: 'integer', isArray: true, required: false, maxItems: o.max, uniqueItems: true }),
  );
}

/** A bool field (optional: absent means false). */
export function Bool(): PropertyDecorator {
  return compose(IsOptional(), IsBoolean({ message: en('NOT_BOOLEAN'), ...ctx('NOT_BOOLEAN') }), ApiProperty({ type: Boolean, required: false }));
}

/** Base64 characters of one alphabet, then at most two padding characters. */
const STANDARD_CHARS = /^[A-Za-z0-9+/]*={0,2}$/;
const URL_SAFE_CHARS = /^[A-Za-z0-9_-]*={0,2}$/;

/**
 * Standard or URL-safe base64 (not mixed), padding optional: what protobuf-es accepts for bytes. The
 * same strings as `^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$` or its
 * URL-safe twin (the spec compares them), without the alternation: 3.7 ms against 5.9-7.4 ms for
 * a 512 KiB attachment chunk's base64 on this machine.
 */
export function isBase64(v: string): boolean {
  let end = v.length;
  let padding = 0;
  while (padding < 2 && end > 0 && v.charCodeAt(end - 1) === 61 /* = */) {
    end--;
    padding++;
  }
  const tail = end % 4;
  // Padding completes a last group of two (==) or three (=) characters; a group of one is never valid.
  if (tail === 1 || (padding === 2 && tail !== 2) || (padding === 1 && tail !== 3)) return false;
  return STANDARD_CHARS.test(v) || URL_SAFE_CHARS.test(v);
}

/** A required bytes field in base64, decoded size 1..maxBytes. */
export function Bytes(maxBytes: number): PropertyDecorator {
  return compose(
    ...presence('required'),
    ValidateBy(
      {
        name: 'isBase64Bytes',
        constraints: [maxBytes],
        validator: {
          validate: (v: unknown) => {
            if (typeof v !== 'string' || v.length === 0 || v.length > Math.ceil(maxBytes / 3) * 4 || !isBase64(v)) return false;
            const size = Buffer.byteLength(v, 'base64');
            return size >= 1 && size <= maxBytes;
          },
          defaultMessage: () => en('BYTES', { max: String(maxBytes) }),
        },
      },
      ctx('BYTES', { max: String(maxBytes) }),
    ),
    ApiProperty({ type: String, format: 'byte', required: true, maxLength: Math.ceil(maxBytes / 3) * 4 }),
  );
}

/** A DTO class (constructed by class-transformer without arguments). */
export type DtoClass = new (...args: any[]) => object;

/**
 * Swagger's lazy type: @nestjs/swagger recognises a lazy type function by its name being "type",
 * which an arrow function gets from the object key it is written under.
 */
function lazySwaggerType(typeFn: () => DtoClass): { type: () => DtoClass } {
  return { type: () => typeFn() };
}

/** A singular nested message field. */
export function Nested(typeFn: () => DtoClass, p: Presence = 'required'): PropertyDecorator {
  return compose(
    ...presence(p),
    IsObject({ message: en('NOT_OBJECT'), ...ctx('NOT_OBJECT') }),
    ValidateNested(),
    Type(typeFn),
    ApiProperty({ ...lazySwaggerType(typeFn), required: p === 'required' }),
  );
}

/**
 * A repeated nested message field with `min`..`max` items; required when `min` > 0 unless
 * `presence` says otherwise.
 */
export function NestedList(typeFn: () => DtoClass, o: { min: number; max: number; presence?: Presence }): PropertyDecorator {
  return compose(
    ...presence(o.presence ?? (o.min > 0 ? 'required' : 'optional')),
    ...listShape(o.min, o.max),
    ValidateNested({ each: true }),
    Type(typeFn),
    ApiProperty({ ...lazySwaggerType(typeFn), isArray: true, required: o.min > 0, minItems: o.min, maxItems: o.max }),
  );
}
