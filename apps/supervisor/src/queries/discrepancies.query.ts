import { Inject, Injectable } from '@nestjs/common';
import { localDate, monthOf, reconcile } from '@shekara/policy';
import type { ActPersons, LatestReport, PairStatus } from '@shekara/policy';
import { UNIT_INFOS } from '../tokens';
import type { Column } from '../export/export';
import { LedgerStore } from '../ledger/ledger.store';
import type { ActRow, ActStepRow } from '../ledger/ledger.store';
import { unitMatches } from '../verdicts/units';
import type { UnitFilter, UnitInfo } from '../verdicts/units';
import type { Scope } from '../verdicts/scope';
import type { ListingResult } from './listing';
import { header, unitName, withReadable, word } from '../export/readable';
import type { ExportLang } from '../export/readable';

export const PAIR_STATUSES: readonly PairStatus[] = ['DISCREPANCY', 'AWAITING', 'EXPLAINED', 'AGREED'];

export interface DiscrepancyRow {
  period: string;
  handing_unit: string;
  handing_agency: string;
  handing_level: number | null;
  receiving_unit: string;
  receiving_agency: string;
  receiving_level: number | null;
  handed_over: number | null;
  received: number | null;
  acts: number;
  status: PairStatus;
  explanations: string;
}

const COLUMNS: readonly Column<DiscrepancyRow>[] = [
  { header: 'period', value: (r) => r.period },
  { header: 'handing_unit', value: (r) => r.handing_unit },
  { header: 'handing_agency', value: (r) => r.handing_agency },
  { header: 'handing_level', value: (r) => r.handing_level },
  { header: 'receiving_unit', value: (r) => r.receiving_unit },
  { header: 'receiving_agency', value: (r) => r.receiving_agency },
  { header: 'receiving_level', value: (r) => r.receiving_level },
  { header: 'handed_over', value: (r) => r.handed_over },
  { header: 'received', value: (r) => r.received },
  { header: 'acts', value: (r) => r.acts },
  { header: 'status', value: (r) => r.status },
  { header: 'explanations', value: (r) => r.explanations },
];

/** The month `n` months after `month` (YYYY-MM; n may be negative). */
export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number);
  const k = y * 12 + (m - 1) + n;
  return `${String(Math.floor(k / 12)).padStart(4, '0')}-${String((k % 12) + 1).padStart(2, '0')}`;
}

/** The months from..to (YYYY-MM), inclusive. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let key = from; key <= to; key = addMonths(key, 1)) out.push(key);
  return out;
}

/**
 * Which answer decided an act (the same rule as the nodes' fold, libs/agency-node handover/act.ts):
 * the earliest acceptance or dispute by the receiving unit, or withdrawal by the handing unit.
 */
export function personsAccepted(act: ActRow, steps: readonly ActStepRow[]): number {
  const receiving = act.recipients[0];
  const decisive = steps
    .filter((s) => s.confirms === act.id && (s.kind === 'HANDOVER_WITHDRAWAL' ? s.sender === act.sender : s.sender === receiving))
    .sort((a, b) => a.sent_at.getTime() - b.sent_at.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))[0];
  return decisive?.kind === 'HANDOVER_ACCEPTANCE' ? (decisive.persons_accepted ?? 0) : 0;
}

/**
 * GET /api/discrepancies: the counterpart figures of clause 9.3 as the ledger holds them (the units'
 * latest signed STATISTICS reports per month, and the persons accepted in the signed handover acts
 * handed over that month, the handing unit's local month), reconciled by the nodes' own rule
 * (@shekara/policy reconcile), per month and pair; by default only the unreconciled discrepancies.
 * A supervisor sees the pairs one side of which is a unit of their agency.
 */
@Injectable()
export class DiscrepanciesQuery {
  constructor(
    private readonly store: LedgerStore,
    @Inject(UNIT_INFOS) private readonly units: ReadonlyMap<string, UnitInfo>,
  ) {}

  async run(from: string, to: string, filter: UnitFilter, status: PairStatus | undefined, scope: Scope, lang?: ExportLang): Promise<ListingResult<DiscrepancyRow>> {
    const months = monthsBetween(from, to);
    // Acts are selected by the handing unit's local month: a day's margin either side, then exactly.
    const lo = new Date(Date.parse(`${from}-01T00:00:00Z`) - 86_400_000);
    const hi = new Date(Date.parse(`${addMonths(to, 1)}-01T00:00:00Z`) + 86_400_000);
    const facts = await this.store.reconciliationFacts(from, to, lo, hi);
    const include = (a: string, b: string) => scope.message({ from: a, to: [b] }) && (unitMatches(this.units.get(a), filter) || unitMatches(this.units.get(b), filter));
    const rows: DiscrepancyRow[] = [];
    for (const period of months) {
      // A unit's latest report for the month corrects its earlier ones (rows come by sent_at, id).
      const latest = new Map<string, LatestReport>();
      for (const r of facts.reports) if (r.period === period) latest.set(r.sender, { unit: r.sender, figures: r.statistics?.figures ?? [], explanations: r.statistics?.explanations ?? [] });
      const acts: ActPersons[] = facts.acts
        .filter((a) => monthOf(localDate(a.event_at, this.units.get(a.sender)?.zone ?? 'UTC')) === period)
        .map((a) => ({ handingUnit: a.sender, receivingUnit: a.recipients[0], personsAccepted: personsAccepted(a, facts.steps) }));
      for (const p of reconcile(period, [...latest.values()], acts, include)) {
        if (status !== undefined && p.status !== status) continue;
        const h = this.units.get(p.handingUnit);
        const r = this.units.get(p.receivingUnit);
        rows.push({
          period,
          handing_unit: p.handingUnit,
          handing_agency: h?.agency ?? p.handingUnit.split('.')[0],
          handing_level: h?.level ?? null,
          receiving_unit: p.receivingUnit,
          receiving_agency: r?.agency ?? p.receivingUnit.split('.')[0],
          receiving_level: r?.level ?? null,
          handed_over: p.handedOver ?? null,
          received: p.received ?? null,
          acts: p.acts,
          status: p.status,
          explanations: p.explanations.map((x) => `${x.unit}: ${x.text}`).join('; '),
        });
      }
    }
    return {
      meta: { from, to, status: status ?? null },
      listing: { name: `discrepancies-${from}_${to}`, sheet: 'discrepancies', columns: lang ? this.readable(lang) : COLUMNS, rows },
      json: (r) => r,
    };
  }

  private readable(lang: ExportLang) {
    return withReadable(COLUMNS, {
      handing_unit: { header: header(lang, 'handing_name'), value: (r: DiscrepancyRow) => unitName(this.units, lang, r.handing_unit) },
      receiving_unit: { header: header(lang, 'receiving_name'), value: (r: DiscrepancyRow) => unitName(this.units, lang, r.receiving_unit) },
      status: { header: header(lang, 'status_name'), value: (r: DiscrepancyRow) => word(lang, r.status) },
    });
  }
}
