import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@shekara/common';
import type { Verdict } from '@shekara/policy';
import { CAPITAL_ZONE, UNIT_INFOS } from '../tokens';
import type { Column } from '../export/export';
import { LedgerStore } from '../ledger/ledger.store';
import { overdueRange } from '../verdicts/ranges';
import { unitMatches } from '../verdicts/units';
import type { UnitFilter, UnitInfo } from '../verdicts/units';
import type { Scope } from '../verdicts/scope';
import { VerdictService } from '../verdicts/verdict.service';
import type { ListingResult } from './listing';
import { header, localTime, unitName, withReadable, word } from '../export/readable';
import type { ExportLang } from '../export/readable';

export interface OverdueRow {
  obligation: string;
  from: string;
  agency: string;
  to: string | null;
  period: string | null;
  /** URGENT_CONFIRMATION: the unconfirmed urgent report. */
  ref: string | null;
  due: string;
  verdict: string;
  /** Seconds from the deadline to now. */
  overdue_s: number;
  /** URGENT_CONFIRMATION: when the scheduler escalated it (null: not yet). */
  escalated_at: string | null;
  recipients: string[] | null;
  summary: string | null;
}

const COLUMNS: readonly Column<OverdueRow>[] = [
  { header: 'obligation', value: (r) => r.obligation },
  { header: 'from', value: (r) => r.from },
  { header: 'agency', value: (r) => r.agency },
  { header: 'to', value: (r) => r.to },
  { header: 'period', value: (r) => r.period },
  { header: 'ref', value: (r) => r.ref },
  { header: 'due', value: (r) => r.due },
  { header: 'verdict', value: (r) => r.verdict },
  { header: 'overdue_s', value: (r) => r.overdue_s },
  { header: 'escalated_at', value: (r) => r.escalated_at },
  { header: 'recipients', value: (r) => r.recipients?.join(' ') },
  { header: 'summary', value: (r) => r.summary },
];

const OVERDUE: ReadonlySet<Verdict['verdict']> = new Set(['MISSING', 'UNCONFIRMED']);

/**
 * GET /api/overdue: as of now, the urgent reports left UNCONFIRMED past their 2-hour deadline and
 * the periodic obligations MISSING, whose deadline fell in the last `lookbackDays` days; with the
 * escalation state of each urgent report. Oldest deadline first.
 */
@Injectable()
export class OverdueQuery {
  constructor(
    private readonly verdicts: VerdictService,
    private readonly store: LedgerStore,
    private readonly clock: Clock,
    @Inject(UNIT_INFOS) private readonly units: ReadonlyMap<string, UnitInfo>,
    @Inject(CAPITAL_ZONE) private readonly zone: string,
  ) {}

  async run(filter: UnitFilter & { obligation?: Verdict['obligation'] }, lookbackDays: number, scope: Scope, lang?: ExportLang): Promise<ListingResult<OverdueRow>> {
    const now = this.clock.now();
    const range = overdueRange(now, this.zone, lookbackDays);
    const set = await this.verdicts.verdicts(range, now);
    const since = now.getTime() - lookbackDays * 24 * 3600 * 1000;
    const visible = scope.verdict(set.messages);
    const due = set.verdicts
      .filter((v) => visible(v) && OVERDUE.has(v.verdict) && v.due.getTime() >= since && (filter.obligation === undefined || v.obligation === filter.obligation) && unitMatches(this.units.get(v.from), filter))
      .sort((a, b) => a.due.getTime() - b.due.getTime() || (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
    const escalated = await this.store.escalations(due.filter((v) => v.ref).map((v) => v.ref!));
    const rows = due.map((v): OverdueRow => {
      const urgent = v.ref ? set.messages.get(v.ref) : undefined;
      return {
        obligation: v.obligation,
        from: v.from,
        agency: this.units.get(v.from)?.agency ?? '',
        to: v.to ?? null,
        period: v.period ?? null,
        ref: v.ref ?? null,
        due: v.due.toISOString(),
        verdict: v.verdict,
        overdue_s: Math.floor((now.getTime() - v.due.getTime()) / 1000),
        escalated_at: v.ref ? (escalated.get(v.ref)?.toISOString() ?? null) : null,
        recipients: urgent ? urgent.to : null,
        summary: urgent ? urgent.summary : null,
      };
    });
    return {
      meta: { asOf: now.toISOString(), lookbackDays, range },
      listing: { name: `overdue-${now.toISOString().slice(0, 16).replace(':', '')}`, sheet: 'overdue', columns: lang ? this.readable(lang) : COLUMNS, rows },
      json: (r) => r,
    };
  }

  /** The columns for people: names beside unit ids, the deadline in the owing unit's local time, words for codes. */
  private readable(lang: ExportLang) {
    const zone = (r: OverdueRow) => this.units.get(r.from)?.zone ?? 'UTC';
    return withReadable(COLUMNS, {
      obligation: { header: header(lang, 'obligation_name'), value: (r: OverdueRow) => word(lang, r.obligation) },
      from: { header: header(lang, 'from_name'), value: (r: OverdueRow) => unitName(this.units, lang, r.from) },
      to: { header: header(lang, 'to_name'), value: (r: OverdueRow) => unitName(this.units, lang, r.to) },
      due: { header: header(lang, 'due_local'), value: (r: OverdueRow) => localTime(r.due, zone(r)) },
      verdict: { header: header(lang, 'verdict_name'), value: (r: OverdueRow) => word(lang, r.verdict) },
    });
  }
}
