/**
 * Reconciliation of counterpart figures (clause 9.3), pure: for each pair (handing unit A →
 * receiving unit B) and month, A's "persons handed over to B", B's "persons received from A" (each
 * from the unit's latest report for the month: a later report corrects an earlier one) and the
 * persons B accepted in handover acts from A handed over that month, compared. The one rule of the
 * agency node's reconciliation page and of the supervisor ledger's discrepancies.
 */

/** What reconciliation needs of a handover act handed over in the month: who, and the persons accepted. */
export interface ActPersons {
  handingUnit: string;
  receivingUnit: string;
  /** Persons (items of kind "person") the receiving unit accepted; 0 while undecided, disputed or withdrawn. */
  personsAccepted: number;
}

export type PairStatus = 'AGREED' | 'DISCREPANCY' | 'EXPLAINED' | 'AWAITING';

export interface PairReconciliation {
  period: string;
  handingUnit: string;
  receivingUnit: string;
  /** A's figure; undefined when A has sent none. */
  handedOver?: number;
  /** B's figure; undefined when B has sent none. */
  received?: number;
  /** Persons accepted in the acts recorded between them for the month. */
  acts: number;
  status: PairStatus;
  /** The units' explanations (from their latest reports). */
  explanations: { unit: string; text: string }[];
}

/** A unit's latest report for the month (proto JSON of MonthlyStatistics). */
export interface LatestReport {
  unit: string;
  figures: { indicator: string; counterpartUnit?: string; value?: number }[];
  explanations: { indicator: string; counterpartUnit: string; text: string }[];
}

const HANDED = 'STATISTICS_INDICATOR_PERSONS_HANDED_OVER';
const RECEIVED = 'STATISTICS_INDICATOR_PERSONS_RECEIVED';

/** The pairs `include(handing, receiving)` admits (the caller's scope), sorted by handing then receiving unit. */
export function reconcile(period: string, reports: LatestReport[], acts: readonly ActPersons[], include: (handing: string, receiving: string) => boolean): PairReconciliation[] {
  const pairs = new Map<string, [string, string]>();
  const add = (a: string, b: string) => pairs.set(`${a}\u0000${b}`, [a, b]);
  for (const r of reports) {
    for (const f of r.figures) {
      if (f.indicator === HANDED && f.counterpartUnit) add(r.unit, f.counterpartUnit);
      if (f.indicator === RECEIVED && f.counterpartUnit) add(f.counterpartUnit, r.unit);
    }
  }
  for (const a of acts) add(a.handingUnit, a.receivingUnit);
  const byUnit = new Map(reports.map((r) => [r.unit, r]));
  const figure = (unit: string, indicator: string, other: string) => {
    const r = byUnit.get(unit);
    if (!r) return undefined;
    return r.figures.find((f) => f.indicator === indicator && f.counterpartUnit === other)?.value ?? (r ? 0 : undefined);
  };
  const out: PairReconciliation[] = [];
  for (const [a, b] of [...pairs.values()].sort()) {
    if (!include(a, b)) continue;
    const handedOver = figure(a, HANDED, b);
    const received = figure(b, RECEIVED, a);
    const accepted = acts
      .filter((x) => x.handingUnit === a && x.receivingUnit === b)
      .reduce((n, x) => n + x.personsAccepted, 0);
    const explanations = [
      ...(byUnit.get(a)?.explanations ?? []).filter((e) => e.indicator === HANDED && e.counterpartUnit === b).map((e) => ({ unit: a, text: e.text })),
      ...(byUnit.get(b)?.explanations ?? []).filter((e) => e.indicator === RECEIVED && e.counterpartUnit === a).map((e) => ({ unit: b, text: e.text })),
    ];
    let status: PairStatus;
    if (handedOver === undefined || received === undefined) status = 'AWAITING';
    else if (handedOver === received && received === accepted) status = 'AGREED';
    else status = explanations.length ? 'EXPLAINED' : 'DISCREPANCY';
    out.push({ period, handingUnit: a, receivingUnit: b, ...(handedOver !== undefined ? { handedOver } : {}), ...(received !== undefined ? { received } : {}), acts: accepted, status, explanations });
  }
  return out;
}
