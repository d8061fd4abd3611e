/**
 * The notifications the scheduler raises, built as pure data. Each has an idempotency key the
 * node stores once, so a job that runs again (retry, catch-up after Redis was lost, a second
 * sweep) raises nothing new:
 *   open:<OBLIGATION>:<unit>:<period>      WINDOW_OPEN
 *   reminder:<OBLIGATION>:<unit>:<period>  REMINDER
 *   missing:<OBLIGATION>:<unit>:<period>   MISSING
 *   escalation:<urgentId>                  ESCALATION
 * The keys are persisted in the nodes' databases: never change their shape.
 */
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { NotificationType, Obligation } from '@shekara/contracts';
import type { DueEscalation, VerdictRecord } from '@shekara/contracts';
import { localDateTime } from '@shekara/policy';
import type { NotificationSpec } from './bus.client';
import type { PeriodicObligation, WindowInstants } from './timetable';

export const OBLIGATION_CODE: Readonly<Record<PeriodicObligation, Obligation>> = {
  DAILY: Obligation.DAILY,
  MONTHLY: Obligation.MONTHLY,
  SEMIANNUAL: Obligation.SEMIANNUAL,
};

const TITLE: Readonly<Record<PeriodicObligation, string>> = {
  DAILY: 'ежедневной информации',
  MONTHLY: 'ежемесячной информации',
  SEMIANNUAL: 'полугодовой информации',
};

const NOMINATIVE: Readonly<Record<PeriodicObligation, string>> = {
  DAILY: 'ежедневная информация',
  MONTHLY: 'ежемесячная информация',
  SEMIANNUAL: 'полугодовая информация',
};

const MAX_TEXT = 2000;

export function notificationKey(type: 'open' | 'reminder' | 'missing', obligation: PeriodicObligation, unitId: string, period: string): string {
  return `${type}:${obligation}:${unitId}:${period}`;
}

export function escalationKey(urgentId: string): string {
  return `escalation:${urgentId}`;
}

/** WINDOW_OPEN for one unit. */
export function windowOpenNotification(w: WindowInstants, unitId: string, at: Date): NotificationSpec {
  return {
    key: notificationKey('open', w.obligation, unitId, w.period),
    unitId,
    type: NotificationType.WINDOW_OPEN,
    obligation: OBLIGATION_CODE[w.obligation],
    period: w.period,
    params: { opensAt: w.opensAt.toISOString(), closesAt: w.closesAt.toISOString(), zone: w.zone },
    text: `Открыто окно ${TITLE[w.obligation]} за ${w.period}: с ${local(w.opensAt, w.zone)} по ${local(w.closesAt, w.zone)} (местное время). Черновик подготовлен — проверьте и направьте.`,
    at,
  };
}

/**
 * One notification per owing unit (the `from` of the verdicts), listing the counterparts it still
 * owes the report to. Verdicts of other kinds are ignored.
 */
export function owedNotifications(kind: 'reminder' | 'missing', w: WindowInstants, verdicts: readonly VerdictRecord[], at: Date): NotificationSpec[] {
  const wanted = kind === 'reminder' ? 'PENDING' : 'MISSING';
  const owed = new Map<string, Set<string>>();
  for (const v of verdicts) {
    if (v.verdict !== wanted || v.obligation !== OBLIGATION_CODE[w.obligation] || v.period !== w.period || !v.from) continue;
    const set = owed.get(v.from) ?? new Set<string>();
    if (v.to) set.add(v.to);
    owed.set(v.from, set);
  }
  return [...owed.keys()].sort().map((unitId) => {
    const counterparts = [...(owed.get(unitId) ?? [])].sort();
    const text =
      kind === 'reminder'
        ? `Напоминание: окно ${TITLE[w.obligation]} за ${w.period} закрывается ${local(w.closesAt, w.zone)} (местное время); информация не направлена: ${counterparts.join(', ')}.`
        : `Не направлена в срок ${NOMINATIVE[w.obligation]} за ${w.period} (окно закрылось ${local(w.closesAt, w.zone)} местного времени): ${counterparts.join(', ')}.`;
    return {
      key: notificationKey(kind, w.obligation, unitId, w.period),
      unitId,
      type: kind === 'reminder' ? NotificationType.REMINDER : NotificationType.MISSING,
      obligation: OBLIGATION_CODE[w.obligation],
      period: w.period,
      counterparts,
      params: { closesAt: w.closesAt.toISOString(), zone: w.zone },
      text: clip(text),
      at,
    };
  });
}

/** ESCALATION to the sender of an urgent report not confirmed in writing in time. */
export function escalationNotification(item: DueEscalation, zone: string, at: Date): NotificationSpec {
  if (item.obligation === Obligation.HANDOVER_ACCEPTANCE) return handoverEscalation(item, zone, at);
  const reported = item.reportedAt ? local(timestampDate(item.reportedAt), zone) : '—';
  const due = item.due ? local(timestampDate(item.due), zone) : '—';
  const summary = item.summary ? ` «${item.summary}»` : '';
  return {
    key: escalationKey(item.urgentId),
    unitId: item.senderUnit,
    type: NotificationType.ESCALATION,
    obligation: Obligation.URGENT_CONFIRMATION,
    messageId: item.urgentId,
    counterparts: [...item.recipientUnits].sort(),
    params: {
      zone,
      ...(item.reportedAt ? { reportedAt: timestampDate(item.reportedAt).toISOString() } : {}),
      ...(item.due ? { due: timestampDate(item.due).toISOString() } : {}),
      ...(item.summary ? { summary: item.summary.slice(0, 300) } : {}),
    },
    text: clip(`Срочное сообщение от ${reported}${summary} не подтверждено письменно в установленный срок (до ${due} местного времени). Направлено на контроль руководству.`),
    at,
  };
}

/** ESCALATION to the receiving unit of a handover act it left unanswered past its acceptance deadline (clause 9.6). */
function handoverEscalation(item: DueEscalation, zone: string, at: Date): NotificationSpec {
  const handed = item.reportedAt ? local(timestampDate(item.reportedAt), zone) : '—';
  const due = item.due ? local(timestampDate(item.due), zone) : '—';
  return {
    key: escalationKey(item.urgentId),
    unitId: item.senderUnit,
    type: NotificationType.ESCALATION,
    obligation: Obligation.HANDOVER_ACCEPTANCE,
    messageId: item.urgentId,
    counterparts: [...item.recipientUnits].sort(),
    text: clip(`Акт приёма-передачи от ${handed} (${item.recipientUnits.join(', ')}) не принят и не оспорен в установленный срок (до ${due} местного времени). Направлено на контроль руководству.`),
    at,
  };
}

/** "YYYY-MM-DD HH:MM" on the clocks of `zone`. */
function local(instant: Date, zone: string): string {
  const t = localDateTime(instant, zone);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${t.year}-${p(t.month)}-${p(t.day)} ${p(t.hour)}:${p(t.minute)}`;
}

function clip(text: string): string {
  return text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT - 1)}…`;
}
