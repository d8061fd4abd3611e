import { Inject, Injectable } from '@nestjs/common';
import type { Verdict } from '@shekara/policy';
import { UNIT_INFOS } from '../tokens';
import { rangeOfPeriod } from '../verdicts/ranges';
import { verdictFilter } from '../verdicts/units';
import type { UnitInfo } from '../verdicts/units';
import { VerdictService } from '../verdicts/verdict.service';

export type PeriodicObligation = 'DAILY' | 'MONTHLY' | 'SEMIANNUAL';

/**
 * RPC verdicts: the verdicts of one periodic obligation and period as of an instant, optionally
 * only for units of one zone (the scheduler's reminders and window closings).
 */
@Injectable()
export class PeriodVerdictsQuery {
  constructor(
    private readonly verdicts: VerdictService,
    @Inject(UNIT_INFOS) private readonly units: ReadonlyMap<string, UnitInfo>,
  ) {}

  async run(obligation: PeriodicObligation, period: string, asOf: Date, zone?: string): Promise<Verdict[]> {
    const range = rangeOfPeriod(period);
    if (!range) throw new RangeError(`bad period ${period}`);
    const set = await this.verdicts.verdicts(range, asOf);
    return set.verdicts.filter(verdictFilter(this.units, { obligation, period, ...(zone ? { zone } : {}) }));
  }
}
