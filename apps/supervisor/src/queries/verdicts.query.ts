import { Inject, Injectable } from '@nestjs/common';
import type { AuditRange, Verdict } from '@shekara/policy';
import { keyColumns } from '../export/export';
import type { Column } from '../export/export';
import { header, localTime, unitName, withReadable, word } from '../export/readable';
import type { ExportLang } from '../export/readable';
import { UNIT_INFOS } from '../tokens';
import { VERDICT_COLUMNS, toRecord } from '../verdicts/records';
import type { VerdictRecord } from '../verdicts/records';
import { verdictFilter } from '../verdicts/units';
import type { UnitInfo, VerdictFilter } from '../verdicts/units';
import type { Scope } from '../verdicts/scope';
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

  async run(range: AuditRange, filter: VerdictFilter, scope: Scope, lang?: ExportLang): Promise<ListingResult<Verdict>> {
    const set = await this.verdicts.verdicts(range);
    const visible = scope.verdict(set.messages);
    const matches = verdictFilter(this.units, filter);
    const rows = set.verdicts.filter((v) => visible(v) && matches(v));
    // A refused message is listed to those who would see it: its sender's or a recipient's agency.
    const rejected = scope.isAll ? set.rejected : set.rejected.filter((r) => { const m = r.id === undefined ? undefined : set.messages.get(r.id); return m !== undefined && scope.message(m); });
    return {
      meta: { range, asOf: set.asOf.toISOString(), policy: set.policy.id, rejected },
      listing: {
        name: rangeName('verdicts', range),
        sheet: 'verdicts',
        columns: this.columns(lang),
        rows,
      },
      json: toRecord,
    };
  }

  /** The record's columns (as `shekara audit` writes them); with `lang`, readable companions beside them. */
  private columns(lang?: ExportLang): Column<Verdict>[] {
    const machine = keyColumns<VerdictRecord>(VERDICT_COLUMNS).map((c) => ({ header: c.header, value: (v: Verdict) => c.value(toRecord(v)) }));
    if (!lang) return machine;
    const zone = (v: Verdict) => this.units.get(v.from)?.zone ?? 'UTC';
    return withReadable(machine, {
      obligation: { header: header(lang, 'obligation_name'), value: (v) => word(lang, v.obligation) },
      from: { header: header(lang, 'from_name'), value: (v) => unitName(this.units, lang, v.from) },
      to: { header: header(lang, 'to_name'), value: (v) => unitName(this.units, lang, v.to) },
      due: { header: header(lang, 'due_local'), value: (v) => localTime(v.due, zone(v)) },
      verdict: { header: header(lang, 'verdict_name'), value: (v) => word(lang, v.verdict) },
    });
  }
}
