import { Inject, Injectable } from '@nestjs/common';
import type { AuditRange } from '@shekara/policy';
import { UNIT_INFOS } from '../tokens';
import type { Column } from '../export/export';
import { bucketStart, eachBucket } from '../verdicts/ranges';
import type { Bucket } from '../verdicts/ranges';
import { VERDICT_NAMES } from '../verdicts/records';
import { unitMatches } from '../verdicts/units';
import type { UnitFilter, UnitInfo } from '../verdicts/units';
import type { Scope } from '../verdicts/scope';
import { VerdictService } from '../verdicts/verdict.service';
import { rangeName, rate } from './listing';
import type { ListingResult } from './listing';
import { count, emptyTally, verdictDate } from './rates';
import type { VerdictCounts } from './rates';

export interface SeriesPoint {
  /** First local date of the bucket. */
  start: string;
  judged: number;
  on_time: number;
  rate: number | null;
  counts: VerdictCounts;
}

const SERIES_COLUMNS: readonly Column<SeriesPoint>[] = [
  { header: 'start', value: (p) => p.start },
  { header: 'judged', value: (p) => p.judged },
  { header: 'on_time', value: (p) => p.on_time },
  { header: 'rate', value: (p) => p.rate },
  ...VERDICT_NAMES.map((n) => ({ header: n, value: (p: SeriesPoint) => p.counts[n] })),
];

/**
 * GET /api/rates/series: the on-time rate per day, ISO week or month of the range, of one unit, an
 * agency or everything the filter selects (for charts). A verdict falls in the bucket of its date
 * (see verdictDate); every bucket of the range is listed, empty ones too.
 */
@Injectable()
export class SeriesQuery {
  constructor(
    private readonly verdicts: VerdictService,
    @Inject(UNIT_INFOS) private readonly units: ReadonlyMap<string, UnitInfo>,
  ) {}

  async run(range: AuditRange, filter: UnitFilter, bucket: Bucket, scope: Scope): Promise<ListingResult<SeriesPoint>> {
    const set = await this.verdicts.verdicts(range);
    const visible = scope.verdict(set.messages);
    const tallies = new Map(eachBucket(range, bucket).map((start) => [start, emptyTally()]));
    const zoneOf = (unit: string) => this.units.get(unit)?.zone ?? 'UTC';
    for (const v of set.verdicts) {
      if (!visible(v) || !unitMatches(this.units.get(v.from), filter)) continue;
      const t = tallies.get(bucketStart(verdictDate(v, range, set.messages, zoneOf), bucket));
      if (t) count(t, v);
    }
    const rows: SeriesPoint[] = [...tallies].map(([start, t]) => ({ start, judged: t.judged, on_time: t.onTime, rate: rate(t.onTime, t.judged), counts: t.counts }));
    return {
      meta: { range, asOf: set.asOf.toISOString(), bucket, filter },
      listing: { name: rangeName(`rates-${bucket}`, range), sheet: `rates by ${bucket}`, columns: SERIES_COLUMNS, rows },
      json: (p) => p,
    };
  }
}
