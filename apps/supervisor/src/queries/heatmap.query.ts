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
import { header, unitName, word } from '../export/readable';
import type { ExportLang } from '../export/readable';

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
  /** Days with a breach (EARLY, LATE or MISSING): what the listing is ordered by, most first. */
  breaches: number;
}

/** Units grouped (by region, level or agency): the worst cell of its units per day, and how many units breached. */
export interface HeatmapGroup {
  /** The region, level or agency; null for units without one (headquarters have no region). */
  key: string | null;
  units: number;
  breaching_units: number;
  breaches: number;
  cells: string;
}

export const HEATMAP_GROUPS = ['region', 'level', 'agency'] as const;
export type HeatmapGrouping = (typeof HEATMAP_GROUPS)[number];

const BREACH = new Set(['E', 'L', 'M']);
const LETTER_SEVERITY: Record<string, number> = { '-': -1, O: 0, P: 1, E: 2, L: 3, M: 4 };

/** The groups of the rows, worst first (most breaching units, then most breach days). */
export function heatmapGroups(rows: readonly HeatmapRow[], by: HeatmapGrouping): HeatmapGroup[] {
  const groups = new Map<string | null, HeatmapGroup>();
  for (const r of rows) {
    const key = r[by] === null ? null : String(r[by]);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, units: 0, breaching_units: 0, breaches: 0, cells: '-'.repeat(r.cells.length) }));
    g.units++;
    if (r.breaches > 0) g.breaching_units++;
    g.breaches += r.breaches;
    g.cells = [...g.cells].map((c, i) => (LETTER_SEVERITY[r.cells[i]] > LETTER_SEVERITY[c] ? r.cells[i] : c)).join('');
  }
  return [...groups.values()].sort((a, b) => b.breaching_units - a.breaching_units || b.breaches - a.breaches || String(a.key ?? '~').localeCompare(String(b.key ?? '~')));
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

  async run(range: AuditRange, filter: UnitFilter, scope: Scope, view: { breachesOnly?: boolean; group?: HeatmapGrouping; lang?: ExportLang } = {}): Promise<ListingResult<HeatmapRow>> {
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
    // What needs attention first: most breach days; ties in directory order (level, place, agency), which the units' map keeps.
    const all: HeatmapRow[] = [];
    for (const [unit, info] of this.units) {
      const cells = worst.get(unit);
      if (!cells) continue;
      const letters = cells.map((c) => (c ? CODE[c] : '-')).join('');
      all.push({ unit, agency: info.agency, level: info.level, region: info.region ?? null, cells: letters, breaches: [...letters].filter((c) => BREACH.has(c)).length });
    }
    const ordered = all.map((r, i) => ({ r, i })).sort((a, b) => b.r.breaches - a.r.breaches || a.i - b.i).map((x) => x.r);
    const rows = view.breachesOnly ? ordered.filter((r) => r.breaches > 0) : ordered;
    const columns: Column<HeatmapRow>[] = [
      { header: 'unit', value: (r) => r.unit },
      ...(view.lang ? [{ header: header(view.lang, 'name'), value: (r: HeatmapRow) => unitName(this.units, view.lang!, r.unit) }] : []),
      { header: 'agency', value: (r) => r.agency },
      { header: 'level', value: (r) => r.level },
      { header: 'region', value: (r) => r.region },
      { header: 'breaches', value: (r) => r.breaches },
      ...days.map((d, i) => ({ header: d, value: (r: HeatmapRow) => (view.lang ? word(view.lang, HEATMAP_LEGEND[r.cells[i]]) : (HEATMAP_LEGEND[r.cells[i]] ?? '')) })),
    ];
    return {
      meta: { range, asOf: set.asOf.toISOString(), days, legend: HEATMAP_LEGEND, breaching: all.filter((r) => r.breaches > 0).length, units: all.length, ...(view.group ? { group: view.group, groups: heatmapGroups(rows, view.group) } : {}) },
      listing: { name: rangeName('heatmap', range), sheet: 'daily heatmap', columns, rows },
      json: (r) => r,
    };
  }
}
