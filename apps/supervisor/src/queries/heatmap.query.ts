import { Inject, Injectable } from '@nestjs/common';
import { eachDate } from '@shekara/policy';
import type { AuditRange, PeriodicVerdict } from '@shekara/policy';
import { UNIT_INFOS } from '../tokens';
import type { Column } from '../export/export';
import { unitMatches } from '../verdicts/units';
import type { UnitFilter, UnitInfo } from '../verdicts/units';
import type { Scope } from '../verdicts/scope';
import { VerdictService } from '../verdicts/verdict.service';
import { rangeName } from './listing';
import type { ListingResult } from './listing';

/** One letter per daily verdict; '-' where the unit owed nothing that day. */
export const HEATMAP_LEGEND: Readonly<Record<string, PeriodicVerdict | null>> = { O: 'ON_TIME', P: 'PENDING', E: 'EARLY', L: 'LATE', M: 'MISSING', '-': null };
const CODE: Record<PeriodicVerdict, string> = { ON_TIME: 'O', PENDING: 'P', EARLY: 'E', LATE: 'L', MISSING: 'M' };
/** A unit's cell shows its worst verdict of the day over all its counterparts. */
const SEVERITY: Record<PeriodicVerdict, number> = { ON_TIME: 0, PENDING: 1, EARLY: 2, LATE: 3, MISSING: 4 };

export interface HeatmapRow {
  unit: string;
  agency: string;
  level: number;
  region: string | null;
  /** One letter per day of the range (see HEATMAP_LEGEND). */
  cells: string;
}

/**
 * GET /api/heatmap: units × days, each cell the unit's daily verdict (the worst over the
 * counterparts it owes a daily report), compact: one string of letters per unit.
 */
@Injectable()
export class HeatmapQuery {
  constructor(
    private readonly verdicts: VerdictService,
    @Inject(UNIT_INFOS) private readonly units: ReadonlyMap<string, UnitInfo>,
  ) {}

  async run(range: AuditRange, filter: UnitFilter, scope: Scope): Promise<ListingResult<HeatmapRow>> {
    const set = await this.verdicts.verdicts(range);
    const visible = scope.verdict(set.messages);
    const days = eachDate(range.from, range.to);
    const dayIndex = new Map(days.map((d, i) => [d, i]));
    const worst = new Map<string, Array<PeriodicVerdict | undefined>>();
    for (const v of set.verdicts) {
      if (v.obligation !== 'DAILY' || !visible(v) || !unitMatches(this.units.get(v.from), filter)) continue;
      const i = dayIndex.get(v.period!);
      if (i === undefined) continue;
      let cells = worst.get(v.from);
      if (!cells) worst.set(v.from, (cells = new Array(days.length).fill(undefined)));
      const verdict = v.verdict as PeriodicVerdict;
      if (cells[i] === undefined || SEVERITY[verdict] > SEVERITY[cells[i]!]) cells[i] = verdict;
    }
    // Directory order (level, place, agency): the units' map keeps it.
    const rows: HeatmapRow[] = [];
    for (const [unit, info] of this.units) {
      const cells = worst.get(unit);
      if (!cells) continue;
      rows.push({ unit, agency: info.agency, level: info.level, region: info.region ?? null, cells: cells.map((c) => (c ? CODE[c] : '-')).join('') });
    }
    const columns: Column<HeatmapRow>[] = [
      { header: 'unit', value: (r) => r.unit },
      { header: 'agency', value: (r) => r.agency },
      { header: 'level', value: (r) => r.level },
      { header: 'region', value: (r) => r.region },
      ...days.map((d, i) => ({ header: d, value: (r: HeatmapRow) => HEATMAP_LEGEND[r.cells[i]] ?? '' })),
    ];
    return {
      meta: { range, asOf: set.asOf.toISOString(), days, legend: HEATMAP_LEGEND },
      listing: { name: rangeName('heatmap', range), sheet: 'daily heatmap', columns, rows },
      json: (r) => r,
    };
  }
}
