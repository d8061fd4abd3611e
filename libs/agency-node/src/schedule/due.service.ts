import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@shekara/common';
import type { Directory } from '@shekara/directory';
import { POLICIES, addMonths, dailyWindow, localDate, monthOf, monthlyWindow, policyAt } from '@shekara/policy';
import type { Window } from '@shekara/policy';
import type { AuthUser } from '@shekara/auth';
import { DraftsService } from './drafts.service';
import type { DraftView } from './drafts.service';
import { DueStore } from '../store';
import { DIRECTORY, cleared } from '../core';
import { composePeriods } from './compose-periods';
import type { ComposePeriods } from './compose-periods';

type WindowState = 'before' | 'open' | 'closed';

export interface DueWindow {
  period: string;
  opensAt: Date;
  closesAt: Date;
  state: WindowState;
  counterparts: { unitId: string; sentMessageId: string | null }[];
}

/**
 * An urgent report of the unit awaiting its written confirmation. A report classified above the
 * user's clearance is listed `restricted`, its summary withheld (as in the inbox/outbox).
 */
export interface OwedConfirmation {
  urgentId: string;
  summary: string;
  classification: string;
  restricted?: true;
  reportedAt: Date;
  dueAt: Date;
}

export interface DueView {
  now: Date;
  zone: string;
  daily: DueWindow & { day: string };
  monthly: DueWindow | null;
  overdueConfirmations: OwedConfirmation[];
  pendingConfirmations: OwedConfirmation[];
  drafts: DraftView[];
}

/** "Due now" for a unit: today's daily window, the monthly window when open, confirmations owed. */
@Injectable()
export class DueService {
  constructor(
    private readonly store: DueStore,
    private readonly clock: Clock,
    private readonly drafts: DraftsService,
    @Inject(DIRECTORY) private readonly directory: Directory,
  ) {}

  /** "Due now" of the user's unit, as the user may read it (summaries by clearance). */
  async forUser(user: Pick<AuthUser, 'unitId' | 'clearance'>): Promise<DueView> {
    const unitId = user.unitId;
    const now = this.clock.now();
    // The policy in force now (as the scheduler picks it).
    const policy = policyAt(POLICIES, now);
    const zone = this.directory.zoneOf(unitId);
    const today = localDate(now, zone);
    const counterparts = this.directory.counterparts(unitId).map((u) => u.id);

    const daily = await this.window('DAILY', today, dailyWindow(policy, today, zone), unitId, counterparts, now);
    // The monthly window of month M runs from the 28th of M to the 5th of M+1.
    const thisMonth = monthOf(today);
    const candidate = Number(today.slice(8, 10)) >= policy.rules.monthly.openDay ? thisMonth : addMonths(thisMonth, -1);
    const mw = monthlyWindow(policy, candidate, zone);
    const monthly = now.getTime() >= mw[0] && now.getTime() <= mw[1] ? await this.window('MONTHLY', candidate, mw, unitId, counterparts, now) : null;

    const within = policy.rules.urgentConfirmation.withinMs;
    const urgent = await this.store.unconfirmedUrgent(unitId, now);
    const owed = urgent.map((u): OwedConfirmation => ({
      urgentId: u.id,
      classification: u.classification,
      ...(cleared(user, u.classification) ? { summary: u.summary } : { summary: '', restricted: true }),
      reportedAt: u.reported_at,
      dueAt: new Date(u.reported_at.getTime() + within),
    }));
    return {
      now,
      zone,
      daily: { ...daily, day: today },
      monthly,
      overdueConfirmations: owed.filter((o) => o.dueAt.getTime() < now.getTime()),
      pendingConfirmations: owed.filter((o) => o.dueAt.getTime() >= now.getTime()),
      drafts: await this.drafts.list(unitId),
    };
  }

  /** The periods a report composed now is for (the compose form's defaults), in the unit's zone. */
  periodsFor(unitId: string): ComposePeriods {
    return composePeriods(POLICIES, this.clock.now(), this.directory.zoneOf(unitId));
  }

  private async window(kind: 'DAILY' | 'MONTHLY', period: string, w: Window, unitId: string, counterparts: string[], now: Date): Promise<DueWindow> {
    // Reports of this kind and period from the unit (a daily report without a period belongs to its local sending date).
    const zone = this.directory.zoneOf(unitId);
    const sent = await this.store.sentFor(kind, unitId, period, new Date(w[0]));
    const relevant = sent.filter((m) => m.period === period || (m.period === null && localDate(m.created_at, zone) === period));
    const t = now.getTime();
    return {
      period,
      opensAt: new Date(w[0]),
      closesAt: new Date(w[1]),
      state: t < w[0] ? 'before' : t <= w[1] ? 'open' : 'closed',
      counterparts: counterparts.map((c) => ({ unitId: c, sentMessageId: relevant.find((m) => m.recipient_units.includes(c))?.id ?? null })),
    };
  }
}
