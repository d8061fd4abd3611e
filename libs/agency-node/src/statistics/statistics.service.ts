import { Inject, Injectable } from '@nestjs/common';
import { fromJson } from '@bufbuild/protobuf';
import type { JsonValue } from '@bufbuild/protobuf';
import { Clock, uuidv7 } from '@shekara/common';
import { Classification, MONTH_RE, MonthlyStatisticsSchema, validateEnvelope, validateMessageJson } from '@shekara/contracts';
import type { FieldError } from '../core';
import type { AuthUser } from '@shekara/auth';
import type { Directory } from '@shekara/directory';
import { localDate, monthOf, reconcile, startOfLocalDay } from '@shekara/policy';
import type { LatestReport, PairReconciliation } from '@shekara/policy';
import { DIRECTORY, LiveEvents, NodeError, NodeErrorCode } from '../core';
import { OutboxRelay, SingleMessages } from '../exchange';
import { foldAct } from '../handover';
import type { HandoverAct } from '../handover';
import { HandoverStore, StatisticsStore } from '../store';
import type { OutboxRow } from '../store';
import { bi } from '@shekara/server';

const invalid = (fields: FieldError[]) => new NodeError(NodeErrorCode.InvalidBody, undefined, fields);

function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/**
 * Monthly statistics of clause 9.3: a unit sends its figures for a month to counterpart units (a
 * later report for the month corrects the earlier one and may explain what still differs), and the
 * node reconciles the counterpart figures it holds with each other and with the handover acts.
 */
@Injectable()
export class StatisticsService {
  constructor(
    private readonly store: StatisticsStore,
    private readonly handovers: HandoverStore,
    private readonly single: SingleMessages,
    private readonly dispatch: OutboxRelay,
    private readonly clock: Clock,
    private readonly live: LiveEvents,
    @Inject(DIRECTORY) private readonly directory: Directory,
  ) {}

  /** POST /api/statistics: `{ recipientUnits, ...MonthlyStatistics }`. */
  async send(user: AuthUser, body: unknown): Promise<{ id: string; period: string }> {
    if (user.role !== 'duty-officer') throw new NodeError(NodeErrorCode.ForbiddenRole, bi('Only duty officers send statistics.', 'Статистику направляют только дежурные.'));
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid([{ field: '', messages: ['the body must be a JSON object'], code: 'NOT_JSON_OBJECT' }]);
    const { recipientUnits, ...json } = body as Record<string, unknown>;
    const errors: FieldError[] = [];
    if (!Array.isArray(recipientUnits) || recipientUnits.length < 1 || recipientUnits.length > 50 || !recipientUnits.every((u) => typeof u === 'string' && this.directory.findUnit(u))) {
      errors.push({ field: 'recipientUnits', messages: ['recipientUnits must list 1 to 50 units of the directory'], code: 'RECIPIENT_COUNT', params: { max: '50' } });
    }
    errors.push(...validateMessageJson(MonthlyStatisticsSchema, json));
    const now = this.clock.now();
    const zone = this.directory.zoneOf(user.unitId);
    const current = monthOf(localDate(now, zone));
    if (!errors.length && (json.period as string) > current) errors.push({ field: 'period', messages: [`figures for ${json.period as string} cannot be sent before the month has begun (it is ${current} at your unit)`], code: 'PERIOD_NOT_BEGUN', params: { period: json.period as string, current } });
    if (errors.length) throw invalid(errors);
    const to = [...new Set(recipientUnits as string[])];
    const outside = to.filter((u) => !this.directory.canSend(user.unitId, u));
    if (outside.length) throw new NodeError(NodeErrorCode.RecipientOutsideGroups, bi(`Not allowed: ${outside.join(', ')}.`, `Недопустимы: ${outside.join(', ')}.`));
    if (!this.directory.signingKeyAt(user.unitId, now)) throw new NodeError(NodeErrorCode.NoSigningKey, bi(`${user.unitId} has no valid key in the directory.`, `У ${user.unitId} нет действующего ключа в справочнике.`));
    const id = uuidv7(this.clock);
    const env = this.single.envelope(user.unitId, to, id, id, Classification.FOR_OFFICIAL_USE, { case: 'statistics', value: fromJson(MonthlyStatisticsSchema, json as JsonValue) }, now);
    const bad = validateEnvelope(env);
    if (bad.length) throw invalid(bad);
    let written: OutboxRow[] = [];
    await this.handovers.transaction(async (m) => {
      // The ledger is told the figures as signed, so the supervisors reconcile them too.
      written = await this.single.write(m, user.username, env, now, env.payload.case === 'statistics' ? { figures: env.payload.value.figures, explanations: env.payload.value.explanations } : {});
    });
    this.dispatch.handOver(written);
    this.live.emit(user.unitId, { type: 'message', id, box: 'outbox' });
    return { id, period: json.period as string };
  }

  /** GET /api/statistics/reconciliation?period=YYYY-MM: the pairs the user's unit is one side of. */
  async reconciliation(user: AuthUser, period: unknown): Promise<PairReconciliation[]> {
    if (typeof period !== 'string' || !MONTH_RE.test(period)) throw new NodeError(NodeErrorCode.InvalidQuery, undefined, [{ field: 'period', messages: ['period must be a month YYYY-MM'], code: 'MONTH' }]);
    const rows = await this.store.ofPeriod(user.unitId, period);
    // The latest report of each unit for the month corrects its earlier ones.
    const latest = new Map<string, LatestReport>();
    for (const r of rows) {
      const s = r.payload.statistics ?? {};
      latest.set(r.sender_unit, { unit: r.sender_unit, figures: s.figures ?? [], explanations: s.explanations ?? [] });
    }
    // Acts handed over in the month (the handing unit's local month), within a day's margin, then filtered exactly.
    const lo = new Date(startOfLocalDay(`${period}-01`, 'UTC').getTime() - 86_400_000);
    const hi = new Date(startOfLocalDay(`${nextMonth(period)}-01`, 'UTC').getTime() + 86_400_000);
    const ids = await this.handovers.actsHandedBetween(user.unitId, lo, hi);
    const steps = await this.handovers.steps(ids);
    const acts = ids
      .map((id) => foldAct(id, steps.filter((s) => s.correlation_id === id)))
      .filter((a): a is HandoverAct => !!a && monthOf(localDate(a.handedAt, this.directory.zoneOf(a.handingUnit))) === period);
    const persons = acts.map((a) => ({ handingUnit: a.handingUnit, receivingUnit: a.receivingUnit, personsAccepted: a.items.filter((i) => i.kind === 'person' && i.status === 'ACCEPTED').length }));
    return reconcile(period, [...latest.values()], persons, (a, b) => a === user.unitId || b === user.unitId);
  }
}
