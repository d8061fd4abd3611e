/**
 * A server field error in the user's language, from its code and parameters (the table the server
 * uses too, libs/contracts field-messages.ts); the server's own message when the code is unknown.
 * Instants among the parameters are shown in the unit's local time, enum names by their labels.
 */
import type { FieldError } from './api';
import { FIELD_MESSAGES, fillTemplate, isFieldCode } from './contract';
import { DICTIONARY } from './dictionary';
import type { Lang } from './i18n';
import { formatInstant } from './time';

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function param(value: string, lang: Lang, zone: string | undefined): string {
  if (INSTANT.test(value)) return formatInstant(value, zone ?? 'UTC');
  // A list of enum names ("SEX_MALE, SEX_FEMALE"): their labels.
  return value
    .split(', ')
    .map((v) => DICTIONARY[`enum.${v}`]?.[lang === 'ru' ? 0 : 1] ?? v)
    .join(', ');
}

export function fieldErrorText(e: FieldError, lang: Lang, zone?: string): string[] {
  if (!e.code || !isFieldCode(e.code)) return e.messages;
  const params = Object.fromEntries(Object.entries(e.params ?? {}).map(([k, v]) => [k, param(v, lang, zone)]));
  const text = fillTemplate(FIELD_MESSAGES[e.code][lang], params);
  return /\{\w+\}/.test(text) ? e.messages : [text];
}
