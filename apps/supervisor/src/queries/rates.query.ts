import { Inject, Injectable } from '@nestjs/common';
import type { AuditRange } from '@shekara/policy';
import { UNIT_INFOS } from '../tokens';
import type { Column } from '../export/export';
import { VERDICT_NAMES } from '../verdicts/records';
import { unitMatches } from '../verdicts/units';
import type { UnitFilter, UnitInfo } from '../verdicts/units';
import type { Scope } from '../verdicts/scope';
import { VerdictService } from '../verdicts/verdict.service';
import { rangeName, rate } from './listing';
import type { ListingResult } from './listing';
import type { ExportLang } from '../export/readable';
import { count, emptyTally } from './rates';
import type { Tally, VerdictCounts } from './rates';

export interface RateRow {
  unit: string;
  agency: string;
  level: number;
  region: string | null;
  name: string;
  judged: number;
  on_time: number;
  /** on_time / judged, null when nothing is judged yet. */
  rate: number | null;
  counts: VerdictCounts;
}

export const RATE_COLUMNS: readonly Column<RateRow>[] = [
  { header: 'unit', value: (r) => r.unit },
  { header: 'agency', value: (r) => r.agency },
  { header: 'level', value: (r) => r.level },
  { header: 'region', value: (r) => r.region },
  { header: 'name', value: (r) => r.name },
  { header: 'judged', value: (r) => r.judged },
  { header: 'on_time', value: (r) => r.on_time },
  { header: 'rate', value: (r) => r.rate },
  ...VERDICT_NAMES.map((n) => ({ header: n, value: (r: RateRow) => r.counts[n] })),
];

/**
 * GET /api/rates: per unit (the unit that owes), on-time verdicts / judged (non-PENDING) verdicts
 * over every obligation of the range, with the count of each verdict. Worst rate first; units
 * with nothing judged last.
 */
@Injectable()
export class RatesQuery {
  constructor(
    private readonly verdicts: VerdictService,
    @Inject(UNIT_INFOS) private readonly units: ReadonlyMap<string, UnitInfo>,
  ) {}

  async run(range: AuditRange, filter: UnitFilter, scope: Scope, lang?: ExportLang): Promise<ListingResult<RateRow>> {
    const set = await this.verdicts.verdicts(range);
    const visible = scope.verdict(set.messages);
    const tallies = new Map<string, Tally>();
    for (const v of set.verdicts) {
      if (!visible(v) || !unitMatches(this.units.get(v.from), filter)) continue;
      let t = tallies.get(v.from);
      if (!t) tallies.set(v.from, (t = emptyTally()));
      count(t, v);
    }
    const rows: RateRow[] = [...tallies].map(([unit, t]) => {
      const info = this.units.get(unit);
      return {
        unit,
        agency: info?.agency ?? '',
        level: info?.level ?? 0,
        region: info?.region ?? null,
        name: (lang === 'en' ? info?.nameEn : info?.nameRu) ?? '',
        judged: t.judged,
        on_time: t.onTime,
        rate: rate(t.onTime, t.judged),
        counts: t.counts,
      };
    });
    rows.sort((a, b) => (a.rate ?? 2) - (b.rate ?? 2) || (a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : 0));
    return {
      meta: { range, asOf: set.asOf.toISOString(), policy: set.policy.id },
      listing: { name: rangeName('rates', range), sheet: 'rates', columns: RATE_COLUMNS, rows },
      json: (r) => r,
    };
  }
}
