import { timestampDate } from '@bufbuild/protobuf/wkt';
import type { Timestamp } from '@bufbuild/protobuf/wkt';
import type { Envelope } from '@shekara/contracts';
import type { TimeClaims } from '@shekara/policy';

const KINDS: Record<string, TimeClaims['kind']> = {
  urgent: 'URGENT',
  urgentConfirmation: 'URGENT_CONFIRMATION',
  daily: 'DAILY',
  monthly: 'MONTHLY',
  advance: 'ADVANCE',
  semiannual: 'SEMIANNUAL',
};

/**
 * What a report says about time, for the plausibility checks of libs/policy, with each field's path
 * as the request's JSON names it ("urgent.detainedMigrants.persons.0.dateOfBirth"). Undefined for a
 * receipt. Reads the typed envelope the same way at the desk and on the bus.
 */
export function timeClaims(env: Envelope): TimeClaims | undefined {
  const { case: name, value } = env.payload;
  const kind = name && KINDS[name];
  if (!kind || !value) return undefined;
  const v = value as { occurredAt?: Timestamp; eventAt?: Timestamp; period?: string };
  const datesOfBirth: { field: string; date: string }[] = [];
  collectDatesOfBirth(value, name, datesOfBirth, 0);
  return {
    kind,
    reportedAt: env.reportedAt ? timestampDate(env.reportedAt) : undefined,
    occurredAt: v.occurredAt ? { field: `${name}.occurredAt`, at: timestampDate(v.occurredAt) } : undefined,
    eventAt: v.eventAt ? { field: `${name}.eventAt`, at: timestampDate(v.eventAt) } : undefined,
    period: v.period ? { field: `${name}.period`, value: v.period } : undefined,
    datesOfBirth,
  };
}

/** Every `dateOfBirth` in a message, with its JSON path (a oneof's case names its step, as in JSON). */
function collectDatesOfBirth(v: unknown, path: string, out: { field: string; date: string }[], depth: number): void {
  if (depth > 16 || v === null || typeof v !== 'object') return;
  if (Array.isArray(v)) {
    v.forEach((item, i) => collectDatesOfBirth(item, `${path}.${i}`, out, depth + 1));
    return;
  }
  const o = v as Record<string, unknown>;
  if (isOneof(o)) {
    collectDatesOfBirth(o.value, `${path}.${o.case}`, out, depth + 1);
    return;
  }
  for (const [key, child] of Object.entries(o)) {
    if (key === '$typeName') continue;
    if (key === 'dateOfBirth' && typeof child === 'string' && child) out.push({ field: `${path}.${key}`, date: child });
    // A oneof field has no step of its own in JSON: its case names it.
    else if (isOneof(child)) collectDatesOfBirth(child, path, out, depth + 1);
    else collectDatesOfBirth(child, `${path}.${key}`, out, depth + 1);
  }
}

function isOneof(v: unknown): v is { case: string; value: unknown } {
  return v !== null && typeof v === 'object' && typeof (v as { case?: unknown }).case === 'string' && 'value' in v;
}
