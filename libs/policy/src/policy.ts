/**
 * The exchange schedule as versioned data. The verdict engine reads every window, deadline and
 * level list from a Policy; nothing about the schedule is hard-coded anywhere else.
 */
import { addDays, isLocalDate, isValidTimeZone, isWallTime, localDate } from './time';
import { HANDOVER_ITEM_KINDS } from './types';
import type { HandoverItemKind } from './types';

export type Level = 1 | 2 | 3 | 4 | 5;
export const LEVELS: readonly Level[] = [1, 2, 3, 4, 5];

export interface Policy {
  /** Stable identifier, e.g. 'kz-joint-instruction-2002'. */
  id: string;
  title: string;
  /**
   * Local dates (read in `zone`) between which the policy is in effect, both inclusive; `to` is
   * absent while no later policy replaces it.
   */
  effective: { from: string; to?: string; zone: string };
  rules: {
    /** One daily report per ordered pair and local day, inside [start, end] (inclusive, sender's local time). */
    daily: { window: { start: string; end: string }; levels: Level[] };
    /**
     * One report per ordered pair for month M, from `openDay` of M 00:00:00.000 to the end of
     * `closeDay` of the month after M (23:59:59.999), sender's local time. Days 1-28 (exist in every month).
     */
    monthly: { openDay: number; closeDay: number; levels: Level[] };
    /** One report per ordered pair per half-year, sent within that half-year (sender's local time). */
    semiannual: { levels: Level[] };
    /** An urgent report's written confirmation is due `withinMs` after the oral report. */
    urgentConfirmation: { withinMs: number };
    /** An advance notice is on time when sent more than `minLeadMs` before its event (0: strictly before). */
    advance: { minLeadMs: number };
    /**
     * Clause 9.6: a handover act is answered (accepted, accepted in part, or disputed) by the
     * receiving unit within `acceptWithinMs[kind]` of the handover, the shortest over the kinds of
     * the items it holds.
     */
    handover: { acceptWithinMs: Record<HandoverItemKind, number> };
  };
  /** Which times a report may carry at all (checked when it is sent and when it is received). */
  plausibility: Plausibility;
}

/** The bounds of plausible times (see plausibility.ts). */
export interface Plausibility {
  /** How far ahead of the checking clock a time may be (clocks of two machines differ a little). */
  clockSkewMs: number;
  /** How old an urgent report's oral report may be when it is written down. */
  urgentMaxAgeMs: number;
  /** How many days after its period ended a daily, monthly or semi-annual report may still be sent. */
  periodLookbackDays: number;
}

/**
 * The Joint Instruction of 2002 (clause 5), the default policy. It was amended in 2006 (agency
 * renames only, no schedule change) and repealed in 2015, but the schedule remains the one the
 * agencies exchange on, so it stays in effect until a later policy is added.
 */
export const JOINT_INSTRUCTION_2002: Policy = deepFreeze({
  id: 'kz-joint-instruction-2002',
  title: 'Joint instruction of the internal affairs bodies, the KNB Border Service and the customs bodies (2002), clause 5',
  effective: { from: '2002-05-22', zone: 'Asia/Almaty' },
  rules: {
    daily: { window: { start: '07:00:00', end: '09:00:00' }, levels: [1, 2, 3, 4, 5] },
    monthly: { openDay: 28, closeDay: 5, levels: [1, 2, 3, 4, 5] },
    semiannual: { levels: [1] },
    urgentConfirmation: { withinMs: 2 * 60 * 60 * 1000 },
    advance: { minLeadMs: 0 },
    // The instruction says "in the established order" (9.6) and sets no time: persons (and weapons)
    // within 3 hours, as the issue of the handover acts proposes; property within a day (an assumption).
    handover: { acceptWithinMs: { person: 3 * 3600_000, weapon: 3 * 3600_000, goods: 24 * 3600_000, vehicle: 24 * 3600_000, document: 24 * 3600_000 } },
  },
  // The written confirmation is due 2 h after the oral report; a day covers a shift written up late.
  plausibility: { clockSkewMs: 2 * 60 * 1000, urgentMaxAgeMs: 24 * 60 * 60 * 1000, periodLookbackDays: 31 },
});

/** Every known policy; policyAt picks from these by default. */
export const POLICIES: readonly Policy[] = [JOINT_INSTRUCTION_2002];

export class PolicyError extends Error {
  override readonly name = 'PolicyError';
}

/** Problems with a policy, as readable sentences; empty when it is valid. */
export function validatePolicy(policy: Policy): string[] {
  const errors: string[] = [];
  if (typeof policy.id !== 'string' || policy.id.trim() === '') errors.push('id must be a non-empty string');
  const { effective, rules } = policy;
  if (!isValidTimeZone(effective?.zone)) errors.push(`effective.zone is not an IANA time zone: ${effective?.zone}`);
  if (!isLocalDate(effective?.from)) errors.push(`effective.from is not a date YYYY-MM-DD: ${effective?.from}`);
  if (effective?.to !== undefined) {
    if (!isLocalDate(effective.to)) errors.push(`effective.to is not a date YYYY-MM-DD: ${effective.to}`);
    else if (effective.to < effective.from) errors.push('effective.to is before effective.from');
  }
  if (!rules) return [...errors, 'rules are missing'];
  const { start, end } = rules.daily?.window ?? {};
  if (!isWallTime(start)) errors.push(`rules.daily.window.start is not HH:MM:SS: ${start}`);
  if (!isWallTime(end)) errors.push(`rules.daily.window.end is not HH:MM:SS: ${end}`);
  if (isWallTime(start) && isWallTime(end) && start >= end) errors.push('rules.daily.window must start before it ends');
  checkLevels('rules.daily.levels', rules.daily?.levels, errors);
  for (const key of ['openDay', 'closeDay'] as const) {
    const day = rules.monthly?.[key];
    if (!Number.isInteger(day) || day < 1 || day > 28) errors.push(`rules.monthly.${key} must be a day 1-28: ${day}`);
  }
  checkLevels('rules.monthly.levels', rules.monthly?.levels, errors);
  checkLevels('rules.semiannual.levels', rules.semiannual?.levels, errors);
  const within = rules.urgentConfirmation?.withinMs;
  if (!Number.isInteger(within) || within <= 0) errors.push(`rules.urgentConfirmation.withinMs must be a positive integer: ${within}`);
  const lead = rules.advance?.minLeadMs;
  if (!Number.isInteger(lead) || lead < 0) errors.push(`rules.advance.minLeadMs must be a non-negative integer: ${lead}`);
  for (const kind of HANDOVER_ITEM_KINDS) {
    const ms = rules.handover?.acceptWithinMs?.[kind];
    if (!Number.isInteger(ms) || ms <= 0) errors.push(`rules.handover.acceptWithinMs.${kind} must be a positive integer: ${ms}`);
  }
  for (const key of ['clockSkewMs', 'urgentMaxAgeMs', 'periodLookbackDays'] as const) {
    const v = policy.plausibility?.[key];
    if (!Number.isInteger(v) || v <= 0) errors.push(`plausibility.${key} must be a positive integer: ${v}`);
  }
  return errors;
}

/** Throws a PolicyError listing every problem when `policy` is invalid. */
export function assertValidPolicy(policy: Policy): void {
  const errors = validatePolicy(policy);
  if (errors.length > 0) throw new PolicyError(`invalid policy ${policy.id}: ${errors.join('; ')}`);
}

/**
 * The policy in effect at `instant`. When several cover it, the one that took effect last wins
 * (a later act supersedes an earlier one). Throws a PolicyError when none does.
 */
/**
 * Clause 9.6: when a handover act handed over at `handedAt` must be answered by the receiving unit,
 * the shortest `acceptWithinMs` over the kinds of its items (the one rule of the verdict engine and
 * of the desk's countdown).
 */
export function handoverAcceptBy(policy: Policy, handedAt: Date, kinds: readonly HandoverItemKind[]): Date {
  const within = policy.rules.handover.acceptWithinMs;
  return new Date(handedAt.getTime() + Math.min(...kinds.map((k) => within[k])));
}

export function policyAt(policies: readonly Policy[], instant: Date): Policy {
  const policy = inEffect(policies, (p) => localDate(instant, p.effective.zone));
  if (!policy) throw new PolicyError(`no policy is in effect at ${instant.toISOString()}`);
  return policy;
}

/**
 * The one policy in effect on every local date of `range` (the policy's own dates compared as
 * dates). Throws a PolicyError when none is, or when the policy changes within the range: such a
 * range must be audited in parts.
 */
export function policyForRange(policies: readonly Policy[], range: { from: string; to: string }): Policy {
  const onDate = (date: string) => inEffect(policies, () => date);
  const first = onDate(range.from);
  if (!first) throw new PolicyError(`no policy is in effect on ${range.from}`);
  // The policy in effect can only change on a date where some policy starts or the day after one ends.
  const changes = policies.flatMap((p) => [p.effective.from, ...(p.effective.to ? [addDays(p.effective.to, 1)] : [])]);
  for (const date of changes) {
    if (date > range.from && date <= range.to && onDate(date) !== first) {
      throw new PolicyError(`policy ${first.id} is not in effect for the whole range ${range.from}..${range.to} (it changes on ${date}); audit the parts separately`);
    }
  }
  return first;
}

/** Of the policies in effect on the local date `dateOf` gives for each, the one that took effect last. */
function inEffect(policies: readonly Policy[], dateOf: (policy: Policy) => string): Policy | undefined {
  let best: Policy | undefined;
  for (const p of policies) {
    const date = dateOf(p);
    const covers = date >= p.effective.from && (p.effective.to === undefined || date <= p.effective.to);
    if (covers && (!best || p.effective.from > best.effective.from)) best = p;
  }
  return best;
}

function checkLevels(path: string, levels: unknown, errors: string[]): void {
  if (!Array.isArray(levels)) {
    errors.push(`${path} must be a list of levels 1-5`);
    return;
  }
  const bad = levels.filter((l) => !LEVELS.includes(l as Level));
  if (bad.length > 0) errors.push(`${path} has levels outside 1-5: ${bad.join(', ')}`);
  if (new Set(levels).size !== levels.length) errors.push(`${path} lists a level twice`);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
