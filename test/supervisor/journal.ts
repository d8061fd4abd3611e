/**
 * A realistic exchange journal for a small directory over some days, generated deterministically
 * from a seed: daily reports on time, late, early, missing, split between counterparts, filed for
 * the previous day, on the window's edges; monthly and semi-annual reports in, before and after
 * their windows; urgent reports confirmed on time, exactly at the deadline, late, twice, never, or
 * after the audit instant; advance notices before and after their events; one confirmation by the
 * wrong unit (which the engine refuses). Local times are read in each unit's zone, across
 * Kazakhstan's switch to UTC+5 on 2024-03-01.
 */
import { seededRandom } from '@shekara/common';
import { addDays, zonedTimeToInstant } from '@shekara/policy';
import type { AuditMessage } from '@shekara/policy';

export interface JournalUnit {
  id: string;
  level: number;
  zone: string;
}

export interface JournalGroup {
  members: string[];
}


export function generateJournal(units: JournalUnit[], groups: JournalGroup[], options: { seed: number; from: string; to: string }): AuditMessage[] {
  const rand = seededRandom(options.seed);
  const zone = new Map(units.map((u) => [u.id, u.zone]));
  const level = new Map(units.map((u) => [u.id, u.level]));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  let n = 0;
  const nextId = (kind: string) => `${kind.toLowerCase()}-${String(++n).padStart(4, '0')}`;
  const local = (unit: string, date: string, time: string) => zonedTimeToInstant(date, time, zone.get(unit)!);
  const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);
  const MIN = 60_000;
  const messages: AuditMessage[] = [];
  const add = (m: AuditMessage) => (messages.push(m), m);

  const dates: string[] = [];
  for (let d = options.from; d <= options.to; d = addDays(d, 1)) dates.push(d);

  for (const g of groups) {
    for (const from of g.members) {
      const others = g.members.filter((m) => m !== from);
      for (const date of dates) {
        const r = rand();
        const inWindow = () => plus(local(from, date, '07:00:00'), Math.floor(rand() * 120 * MIN));
        if (r < 0.5) add({ id: nextId('DAILY'), kind: 'DAILY', from, to: others, sentAt: inWindow(), ...(rand() < 0.3 ? { period: date } : {}) });
        else if (r < 0.6) add({ id: nextId('DAILY'), kind: 'DAILY', from, to: others, sentAt: plus(local(from, date, '09:00:00'), 1 + Math.floor(rand() * 300 * MIN)), ...(rand() < 0.5 ? { period: date } : {}) });
        else if (r < 0.65) add({ id: nextId('DAILY'), kind: 'DAILY', from, to: others, sentAt: plus(local(from, date, '06:00:00'), Math.floor(rand() * 60 * MIN)) });
        else if (r < 0.72) {
          add({ id: nextId('DAILY'), kind: 'DAILY', from, to: [others[0]], sentAt: inWindow() });
          add({ id: nextId('DAILY'), kind: 'DAILY', from, to: others.slice(1), sentAt: plus(local(from, date, '11:00:00'), Math.floor(rand() * 60 * MIN)) });
        } else if (r < 0.77) add({ id: nextId('DAILY'), kind: 'DAILY', from, to: others, sentAt: local(from, addDays(date, 1), '08:00:00'), period: date });
        else if (r < 0.8) add({ id: nextId('DAILY'), kind: 'DAILY', from, to: others, sentAt: local(from, date, rand() < 0.5 ? '07:00:00' : '09:00:00') });
        else if (r < 0.83) {
          // An early one and then one in the window: ON_TIME names the one in the window.
          add({ id: nextId('DAILY'), kind: 'DAILY', from, to: others, sentAt: local(from, date, '05:30:00') });
          add({ id: nextId('DAILY'), kind: 'DAILY', from, to: others, sentAt: inWindow() });
        }
        // else: missing
      }

      // Monthly: the month before the first date and the month of the last.
      const month = options.from.slice(0, 7);
      const r = rand();
      if (r < 0.45) add({ id: nextId('MONTHLY'), kind: 'MONTHLY', from, to: others, sentAt: plus(local(from, `${month}-28`, '10:00:00'), Math.floor(rand() * 5 * 24 * 60 * MIN)), period: month });
      else if (r < 0.55) add({ id: nextId('MONTHLY'), kind: 'MONTHLY', from, to: others, sentAt: local(from, `${month}-20`, '12:00:00'), period: month });
      else if (r < 0.65) add({ id: nextId('MONTHLY'), kind: 'MONTHLY', from, to: others, sentAt: local(from, addDays(options.to, 3), '12:00:00'), period: month });
      if (rand() < 0.3) add({ id: nextId('MONTHLY'), kind: 'MONTHLY', from, to: others, sentAt: local(from, options.to, '15:00:00'), period: options.to.slice(0, 7) });
      if (level.get(from) === 1 && rand() < 0.6) add({ id: nextId('SEMIANNUAL'), kind: 'SEMIANNUAL', from, to: others, sentAt: local(from, dates[3], '16:00:00'), period: `${dates[3].slice(0, 4)}-H1` });
    }
  }

  // Urgent reports from units of levels 4 and 5, with their confirmations.
  const reporters = groups.filter((g) => level.get(g.members[0])! >= 4);
  const outcomes = ['on-time', 'on-time', 'at-deadline', 'late', 'twice', 'never', 'never', 'after-as-of'] as const;
  for (let i = 0; i < 24; i++) {
    const g = pick(reporters);
    const from = pick(g.members);
    const to = g.members.filter((m) => m !== from);
    const outcome = outcomes[i % outcomes.length];
    const date = outcome === 'after-as-of' ? options.to : pick(dates);
    const reportedAt = outcome === 'after-as-of' ? local(from, date, '16:30:00') : plus(local(from, date, '00:00:00'), Math.floor(rand() * 24 * 60 * MIN));
    const urgent = add({ id: nextId('URGENT'), kind: 'URGENT', from, to, sentAt: plus(reportedAt, (1 + Math.floor(rand() * 10)) * MIN), reportedAt });
    const confirm = (at: Date) => add({ id: nextId('CONFIRM'), kind: 'URGENT_CONFIRMATION', from, to, sentAt: at, confirms: urgent.id });
    if (outcome === 'on-time') confirm(plus(reportedAt, (30 + Math.floor(rand() * 89)) * MIN));
    if (outcome === 'at-deadline') confirm(plus(reportedAt, 120 * MIN));
    if (outcome === 'late') confirm(plus(reportedAt, 120 * MIN + 1 + Math.floor(rand() * 180 * MIN)));
    if (outcome === 'twice') {
      confirm(plus(reportedAt, 200 * MIN));
      confirm(plus(reportedAt, 90 * MIN));
    }
    if (outcome === 'after-as-of') confirm(plus(reportedAt, 60 * MIN));
  }
  // A confirmation by a unit that did not make the report: refused by the engine.
  const someUrgent = messages.find((m) => m.kind === 'URGENT')!;
  add({ id: nextId('CONFIRM'), kind: 'URGENT_CONFIRMATION', from: someUrgent.to[0], to: [someUrgent.from], sentAt: plus(someUrgent.reportedAt!, 30 * MIN), confirms: someUrgent.id });

  // Advance notices: before their events, and at or after them.
  for (let i = 0; i < 8; i++) {
    const g = pick(groups);
    const from = pick(g.members);
    const sentAt = plus(local(from, pick(dates), '10:00:00'), Math.floor(rand() * 8 * 60 * MIN));
    const lead = i % 4 === 3 ? 0 : i % 4 === 2 ? -3 * 60 * MIN : (1 + Math.floor(rand() * 72)) * 60 * MIN;
    add({ id: nextId('ADVANCE'), kind: 'ADVANCE', from, to: g.members.filter((m) => m !== from), sentAt, eventAt: plus(sentAt, lead) });
  }
  return messages;
}
