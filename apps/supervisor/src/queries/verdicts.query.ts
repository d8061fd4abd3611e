import { Inject, Injectable } from '@nestjs/common';
import type { AuditRange, Verdict } from '@shekara/policy';
import { keyColumns } from '../export/export';
import { UNIT_INFOS } from '../tokens';
import { VERDICT_COLUMNS, toRecord } from '../verdicts/records';
import type { VerdictRecord } from '../verdicts/records';
import { verdictFilter } from '../verdicts/units';
import type { UnitInfo, VerdictFilter } from '../verdicts/units';
import { VerdictService } from '../verdicts/verdict.service';
import { rangeName } from './listing';
import type { ListingResult } from './listing';

/** GET /api/verdicts: the engine's verdicts for a range, filtered; the same records as `shekara audit`. */
@Injectable()
export class VerdictsQuery {
  constructor(
    private readonly verdicts: VerdictService,
    @Inject(UNIT_INFOS) private readonly units: ReadonlyMap<string, UnitInfo>,
  ) {}

  async run(range: AuditRange, filter: VerdictFilter): Promise<ListingResult<Verdict>> {
    const set = await this.verdicts.verdicts(range);
    const rows = set.verdicts.filter(verdictFilter(this.units, filter));
    return {
      meta: { range, asOf: set.asOf.toISOString(), policy: set.policy.id, rejected: set.rejected },
      listing: {
        name: rangeName('verdicts', range),
        sheet: 'verdicts',
        columns: keyColumns<VerdictRecord>(VERDICT_COLUMNS).map((c) => ({ header: c.header, value: (v: Verdict) => c.value(toRecord(v)) })),
        rows,
      },
      json: toRecord,
    };
  }
}
