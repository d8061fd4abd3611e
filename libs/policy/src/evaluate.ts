/**
 * The verdict engine: one implementation for the offline audit CLI and the supervisor ledger.
 *
 * Rules are read in the local time of the sending unit (its IANA zone) and their parameters come
 * from the Policy. Given the same input the output is the same: the engine does no I/O and never
 * reads the clock — `asOf` is the "now" of the audit.
 *
 * How messages are judged:
 * - Messages sent after `asOf` are disregarded (as of then they had not been sent).
 * - A message addressed to several units counts towards the obligation to each of them.
 * - Periodic obligations (DAILY, MONTHLY, SEMIANNUAL) with several candidate messages: ON_TIME if
 *   any was sent inside the window (the earliest such one is named); otherwise LATE if any was sent
 *   after it (the earliest late one counts); otherwise, once the window has closed, EARLY if there
 *   were only early ones (the last of them is named) or MISSING if none. While the window has not
 *   closed (asOf <= due) an obligation not yet met is PENDING, even with early messages, because
 *   it can still be met.
 * - A DAILY report belongs to its `period` when given, else to the local date (sender's zone) it
 *   was sent on. MONTHLY and SEMIANNUAL reports belong to their `period`.
 * - URGENT_CONFIRMATION: the earliest confirmation decides; CONFIRMED_ON_TIME when sent at or before
 *   reported_at + the policy's limit, else CONFIRMED_LATE; with none, UNCONFIRMED once the deadline
 *   has passed (asOf > due), else PENDING.
 * - ADVANCE: IN_ADVANCE when sent strictly before the due instant (event minus the policy's lead),
 *   else LATE.
 * - HANDOVER_ACCEPTANCE (clause 9.6): each act (HANDOVER_PROPOSAL) is owed an answer by its
 *   receiving unit (its one recipient): an acceptance, whole or in part, or a dispute. `due` is the
 *   handover instant (event_at) plus the policy's acceptance time for the most urgent kind of item
 *   in it (inclusive). The first answer decides: ACCEPTED_ON_TIME when sent at or before due, else
 *   ACCEPTED_LATE. A withdrawal by the handing unit sent before any answer ends the obligation: no
 *   verdict when it came at or before due, UNANSWERED when after. With neither, UNANSWERED once due
 *   has passed, else PENDING. Answers by another unit, withdrawals by another unit, and steps of
 *   unknown acts are rejected.
 * - Ties (equal send instants) are broken by message id, so the choice is deterministic.
 * - Periodic reports between units that owe each other nothing under that rule (not in a common
 *   group on one of the rule's levels) are accepted but judge nothing.
 *
 * Range selection: DAILY obligations for the local dates in the range; MONTHLY and SEMIANNUAL for
 * the months and half-years that overlap it; urgent reports whose local reported date (sender's
 * zone) is in it; advance notices whose local sent date is in it.
 *
 * Output order: by obligation (the order of OBLIGATIONS), then from, to, period or ref.
 */
import { assertValidDirectory, compare, orderedPairs } from './directory';
import { assertValidPolicy, handoverAcceptBy, type Level, type Policy } from './policy';
import {
  eachDate,
  eachHalfYear,
  eachMonth,
  halfYearOf,
  isHalfYear,
  isLocalDate,
  isMonth,
  localDate,
  monthOf,
} from './time';
import { dailyWindow, monthlyWindow, semiannualWindow } from './windows';
import type { Window } from './windows';
import {
  HANDOVER_ITEM_KINDS,
  MESSAGE_KINDS,
  type HandoverItemKind,
  type AuditMessage,
  type AuditRange,
  type Directory,
  type MessageIssue,
  type Obligation,
  type PeriodicVerdict,
  type Unit,
  type Verdict,
} from './types';

export interface AuditInput {
  policy: Policy;
  directory: Directory;
  messages: readonly AuditMessage[];
  range: AuditRange;
  /** The instant the audit is made at; decides MISSING / UNCONFIRMED versus PENDING. */
  asOf: Date;
}

export interface AuditResult {
  verdicts: Verdict[];
  /** Messages left out of the audit because they are malformed or refer to unknown things. */
  rejected: MessageIssue[];
}

/** The verdicts only; see audit() for the messages it had to reject. */
export function evaluate(input: AuditInput): Verdict[] {
  return audit(input).verdicts;
}

/**
 * Checks the messages (see checkMessages), leaves out the rejected ones and judges every obligation
 * in the range. Throws on an invalid policy, directory, range or asOf.
 */
export function audit(input: AuditInput): AuditResult {
  const { policy, directory, messages, range, asOf } = input;
  assertValidPolicy(policy);
  assertValidDirectory(directory);
  if (!isLocalDate(range.from) || !isLocalDate(range.to)) throw new RangeError('range.from and range.to must be dates YYYY-MM-DD');
  if (range.from > range.to) throw new RangeError(`range.from ${range.from} is after range.to ${range.to}`);
  if (!(asOf instanceof Date) || Number.isNaN(asOf.getTime())) throw new RangeError('asOf must be a valid Date');

  const units = unitIndex(directory);
  const rejected = checkMessagesWith(units, messages);
  const rejectedIndexes = new Set(rejected.map((issue) => issue.index));
  const asOfMs = asOf.getTime();
  const accepted = messages.filter((m, i) => !rejectedIndexes.has(i) && m.sentAt.getTime() <= asOfMs);

  const engine = new Engine(policy, directory, units, accepted, range, asOfMs);
  const verdicts = [...engine.daily(), ...engine.monthly(), ...engine.semiannual(), ...engine.urgentConfirmations(), ...engine.advance(), ...engine.handovers()];
  return { verdicts, rejected };
}

/**
 * Problems with individual messages, in input order: unknown kind or unit, recipient list empty
 * or naming the sender, invalid instant, a field the kind requires missing or malformed, a repeated
 * message id (the later one is rejected), or a confirmation of a report that is not a known URGENT
 * message of the same sender. Assumes a valid directory.
 */
export function checkMessages(directory: Directory, messages: readonly AuditMessage[]): MessageIssue[] {
  return checkMessagesWith(unitIndex(directory), messages);
}

function checkMessagesWith(units: Map<string, Unit>, messages: readonly AuditMessage[]): MessageIssue[] {
  const issues: MessageIssue[] = [];
  const seen = new Map<string, AuditMessage>();
  messages.forEach((message, index) => {
    const reason = checkMessage(message, units) ?? (seen.has(message.id) ? `duplicate message id ${message.id}` : undefined);
    if (reason) issues.push({ index, id: typeof message.id === 'string' ? message.id : undefined, reason });
    else seen.set(message.id, message);
  });
  // Confirmations are checked against every accepted message, so an urgent report may come later in the input.
  messages.forEach((message, index) => {
    if (message.kind !== 'URGENT_CONFIRMATION' || seen.get(message.id) !== message) return;
    const urgent = seen.get(message.confirms as string);
    let reason: string | undefined;
    if (!urgent) reason = `confirms unknown report ${message.confirms}`;
    else if (urgent.kind !== 'URGENT') reason = `confirms ${urgent.id}, which is ${urgent.kind}, not URGENT`;
    else if (urgent.from !== message.from) reason = `confirms ${urgent.id}, which was reported by ${urgent.from}, not ${message.from}`;
    if (reason) issues.push({ index, id: message.id, reason });
  });
  // Steps of a handover act: of a known act, by the unit entitled to take them.
  messages.forEach((message, index) => {
    if (!HANDOVER_STEPS.has(message.kind) || seen.get(message.id) !== message) return;
    const act = seen.get(message.confirms as string);
    let reason: string | undefined;
    if (!act || act.kind !== 'HANDOVER_PROPOSAL') reason = `${message.kind} of unknown act ${message.confirms}`;
    else if (message.kind === 'HANDOVER_WITHDRAWAL' && message.from !== act.from) reason = `withdraws act ${act.id}, which ${act.from} handed over, not ${message.from}`;
    else if (message.kind !== 'HANDOVER_WITHDRAWAL' && message.from !== act.to[0]) reason = `answers act ${act.id}, which is addressed to ${act.to[0]}, not ${message.from}`;
    if (reason) issues.push({ index, id: message.id, reason });
  });
  return issues.sort((a, b) => a.index - b.index);
}

function checkMessage(m: AuditMessage, units: Map<string, Unit>): string | undefined {
  if (typeof m.id !== 'string' || m.id === '') return 'missing id';
  if (!MESSAGE_KINDS.includes(m.kind)) return `unknown kind ${JSON.stringify(m.kind)}`;
  if (!units.has(m.from)) return `unknown unit ${JSON.stringify(m.from)} in from`;
  if (!Array.isArray(m.to) || m.to.length === 0) return 'to must list at least one unit';
  for (const to of m.to) {
    if (!units.has(to)) return `unknown unit ${JSON.stringify(to)} in to`;
    if (to === m.from) return `${to} is both sender and recipient`;
  }
  if (!isInstant(m.sentAt)) return 'missing or invalid sent_at';
  switch (m.kind) {
    case 'URGENT':
      return isInstant(m.reportedAt) ? undefined : 'URGENT requires reported_at';
    case 'URGENT_CONFIRMATION':
      return typeof m.confirms === 'string' && m.confirms !== '' ? undefined : 'URGENT_CONFIRMATION requires confirms';
    case 'DAILY':
      return m.period === undefined || isLocalDate(m.period) ? undefined : `DAILY period must be YYYY-MM-DD: ${m.period}`;
    case 'MONTHLY':
      return isMonth(m.period) ? undefined : 'MONTHLY requires period YYYY-MM';
    case 'SEMIANNUAL':
      return isHalfYear(m.period) ? undefined : 'SEMIANNUAL requires period YYYY-H1 or YYYY-H2';
    case 'ADVANCE':
      return isInstant(m.eventAt) ? undefined : 'ADVANCE requires event_at';
    case 'HANDOVER_PROPOSAL':
      if (!isInstant(m.eventAt)) return 'HANDOVER_PROPOSAL requires event_at (the handover instant)';
      if (m.to.length !== 1) return 'HANDOVER_PROPOSAL is addressed to exactly one unit';
      if (!Array.isArray(m.items) || m.items.length === 0 || !m.items.every((i) => (HANDOVER_ITEM_KINDS as readonly string[]).includes(i))) {
        return `HANDOVER_PROPOSAL requires items, kinds among ${HANDOVER_ITEM_KINDS.join(', ')}`;
      }
      return undefined;
    case 'STATISTICS':
      // Monthly statistics (clause 9.3) are reconciled, not judged for time: recorded, no obligation.
      return isMonth(m.period) ? undefined : 'STATISTICS requires period YYYY-MM';
    case 'HANDOVER_ACCEPTANCE':
    case 'HANDOVER_DISPUTE':
    case 'HANDOVER_WITHDRAWAL':
      return typeof m.confirms === 'string' && m.confirms !== '' ? undefined : `${m.kind} requires confirms (the act's id)`;
  }
}

const HANDOVER_STEPS: ReadonlySet<string> = new Set(['HANDOVER_ACCEPTANCE', 'HANDOVER_DISPUTE', 'HANDOVER_WITHDRAWAL']);

function isInstant(value: unknown): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}

function unitIndex(directory: Directory): Map<string, Unit> {
  return new Map(directory.units.map((u) => [u.id, u]));
}

/** A candidate message for an obligation: its id and send instant. */
interface Sent {
  id: string;
  ms: number;
}


class Engine {
  /** (kind, from, to, period) → candidate messages; the only way obligations find their messages. */
  private readonly periodic = new Map<string, Sent[]>();
  /** Urgent report id → its confirmations. */
  private readonly confirmations = new Map<string, Sent[]>();
  private readonly urgents: AuditMessage[] = [];
  private readonly advances: AuditMessage[] = [];
  private readonly acts: AuditMessage[] = [];
  /** Act id → the answers of its receiving unit (acceptances, disputes). */
  private readonly answers = new Map<string, Sent[]>();
  /** Act id → the withdrawals of its handing unit. */
  private readonly withdrawals = new Map<string, Sent[]>();
  /** Windows are the same for every unit of a zone: computed once per (zone, period). */
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly policy: Policy,
    private readonly directory: Directory,
    private readonly units: Map<string, Unit>,
    messages: readonly AuditMessage[],
    private readonly range: AuditRange,
    private readonly asOf: number,
  ) {
    for (const m of messages) {
      const sent = { id: m.id, ms: m.sentAt.getTime() };
      switch (m.kind) {
        case 'URGENT':
          this.urgents.push(m);
          break;
        case 'URGENT_CONFIRMATION':
          push(this.confirmations, m.confirms as string, sent);
          break;
        case 'ADVANCE':
          this.advances.push(m);
          break;
        case 'HANDOVER_PROPOSAL':
          this.acts.push(m);
          break;
        case 'HANDOVER_ACCEPTANCE':
        case 'HANDOVER_DISPUTE':
          push(this.answers, m.confirms as string, sent);
          break;
        case 'HANDOVER_WITHDRAWAL':
          push(this.withdrawals, m.confirms as string, sent);
          break;
        case 'DAILY':
        case 'MONTHLY':
        case 'SEMIANNUAL': {
          const period = m.period ?? localDate(m.sentAt, this.zone(m.from));
          for (const to of m.to) push(this.periodic, key(m.kind, m.from, to, period), sent);
          break;
        }
      }
    }
  }

  daily(): Verdict[] {
    const dates = eachDate(this.range.from, this.range.to);
    return this.periodicVerdicts('DAILY', this.policy.rules.daily.levels, dates, (zone, date) => dailyWindow(this.policy, date, zone));
  }

  monthly(): Verdict[] {
    const months = eachMonth(monthOf(this.range.from), monthOf(this.range.to));
    return this.periodicVerdicts('MONTHLY', this.policy.rules.monthly.levels, months, (zone, month) => monthlyWindow(this.policy, month, zone));
  }

  semiannual(): Verdict[] {
    const halves = eachHalfYear(halfYearOf(this.range.from), halfYearOf(this.range.to));
    return this.periodicVerdicts('SEMIANNUAL', this.policy.rules.semiannual.levels, halves, (zone, half) => semiannualWindow(half, zone));
  }

  urgentConfirmations(): Verdict[] {
    const withinMs = this.policy.rules.urgentConfirmation.withinMs;
    return this.selectAndSort(this.urgents, (m) => m.reportedAt as Date).map((urgent): Verdict => {
      const due = (urgent.reportedAt as Date).getTime() + withinMs;
      const first = earliest(this.confirmations.get(urgent.id) ?? []);
      const base = { obligation: 'URGENT_CONFIRMATION' as const, from: urgent.from, ref: urgent.id, due: new Date(due) };
      if (first && first.ms <= due) return { ...base, verdict: 'CONFIRMED_ON_TIME', message: first.id };
      if (first) return { ...base, verdict: 'CONFIRMED_LATE', message: first.id, lateBySeconds: lateBy(first.ms, due) };
      return { ...base, verdict: this.asOf > due ? 'UNCONFIRMED' : 'PENDING' };
    });
  }

  advance(): Verdict[] {
    const minLeadMs = this.policy.rules.advance.minLeadMs;
    return this.selectAndSort(this.advances, (m) => m.sentAt).map((notice): Verdict => {
      const due = (notice.eventAt as Date).getTime() - minLeadMs;
      const sent = notice.sentAt.getTime();
      const base = { obligation: 'ADVANCE' as const, from: notice.from, ref: notice.id, due: new Date(due), message: notice.id };
      return sent < due ? { ...base, verdict: 'IN_ADVANCE' } : { ...base, verdict: 'LATE', lateBySeconds: lateBy(sent, due) };
    });
  }

  handovers(): Verdict[] {
    const out: Verdict[] = [];
    for (const act of this.selectAndSort(this.acts, (m) => m.eventAt as Date)) {
      const due = handoverAcceptBy(this.policy, act.eventAt as Date, act.items as HandoverItemKind[]).getTime();
      const answer = earliest(this.answers.get(act.id) ?? []);
      const withdrawal = earliest(this.withdrawals.get(act.id) ?? []);
      const base = { obligation: 'HANDOVER_ACCEPTANCE' as const, from: act.to[0], to: act.from, ref: act.id, due: new Date(due) };
      const answeredFirst = answer && (!withdrawal || answer.ms < withdrawal.ms || (answer.ms === withdrawal.ms && answer.id < withdrawal.id));
      if (answer && answeredFirst) {
        out.push(answer.ms <= due ? { ...base, verdict: 'ACCEPTED_ON_TIME', message: answer.id } : { ...base, verdict: 'ACCEPTED_LATE', message: answer.id, lateBySeconds: lateBy(answer.ms, due) });
      } else if (withdrawal) {
        if (withdrawal.ms > due) out.push({ ...base, verdict: 'UNANSWERED' });
      } else {
        out.push({ ...base, verdict: this.asOf > due ? 'UNANSWERED' : 'PENDING' });
      }
    }
    return out.sort((a, b) => compare(a.from, b.from) || compare(a.ref!, b.ref!));
  }

  /** Per-report messages whose local date (sender's zone) of `at` is in the range, sorted by from, id. */
  private selectAndSort(messages: AuditMessage[], at: (m: AuditMessage) => Date): AuditMessage[] {
    return messages
      .filter((m) => {
        const day = localDate(at(m), this.zone(m.from));
        return day >= this.range.from && day <= this.range.to;
      })
      .sort((a, b) => compare(a.from, b.from) || compare(a.id, b.id));
  }

  private periodicVerdicts(
    obligation: PeriodicObligation,
    levels: readonly Level[],
    periods: string[],
    windowOf: (zone: string, period: string) => Window,
  ): Verdict[] {
    const verdicts: Verdict[] = [];
    for (const [from, to] of orderedPairs(this.directory, levels)) {
      const zone = this.zone(from);
      for (const period of periods) {
        const windowKey = `${obligation}|${zone}|${period}`;
        let window = this.windows.get(windowKey);
        if (!window) {
          window = windowOf(zone, period);
          this.windows.set(windowKey, window);
        }
        const judged = judge(this.periodic.get(key(obligation, from, to, period)), window, this.asOf);
        verdicts.push({ obligation, from, to, period, due: new Date(window[1]), ...judged });
      }
    }
    return verdicts;
  }

  private zone(unitId: string): string {
    return (this.units.get(unitId) as Unit).zone;
  }
}

type PeriodicObligation = Extract<Obligation, 'DAILY' | 'MONTHLY' | 'SEMIANNUAL'>;

/** The verdict on one periodic obligation given its candidate messages and inclusive window. */
function judge(
  candidates: Sent[] | undefined,
  [open, close]: Window,
  asOf: number,
): { verdict: PeriodicVerdict; message?: string; lateBySeconds?: number } {
  const all = candidates ?? [];
  const inWindow = earliest(all.filter((s) => s.ms >= open && s.ms <= close));
  if (inWindow) return { verdict: 'ON_TIME', message: inWindow.id };
  const late = earliest(all.filter((s) => s.ms > close));
  if (late) return { verdict: 'LATE', message: late.id, lateBySeconds: lateBy(late.ms, close) };
  if (asOf <= close) return { verdict: 'PENDING' };
  const early = latest(all); // Everything left was sent before the window opened.
  return early ? { verdict: 'EARLY', message: early.id } : { verdict: 'MISSING' };
}

function earliest(sent: Sent[]): Sent | undefined {
  let best: Sent | undefined;
  for (const s of sent) if (!best || s.ms < best.ms || (s.ms === best.ms && s.id < best.id)) best = s;
  return best;
}

function latest(sent: Sent[]): Sent | undefined {
  let best: Sent | undefined;
  for (const s of sent) if (!best || s.ms > best.ms || (s.ms === best.ms && s.id < best.id)) best = s;
  return best;
}

/** Whole seconds from `due` to `sent`, rounded up. */
function lateBy(sent: number, due: number): number {
  return Math.ceil((sent - due) / 1000);
}

function key(kind: string, from: string, to: string, period: string): string {
  return `${kind}\u0000${from}\u0000${to}\u0000${period}`;
}

function push<K, V>(map: Map<K, V[]>, k: K, v: V): void {
  const list = map.get(k);
  if (list) list.push(v);
  else map.set(k, [v]);
}
