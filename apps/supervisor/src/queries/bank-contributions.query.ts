import { Inject, Injectable } from '@nestjs/common';
import { AGENCIES } from '@shekara/contracts';
import { LedgerStore } from '../ledger/ledger.store';
import { UNIT_INFOS } from '../tokens';
import { rangeOfPeriod } from '../verdicts/ranges';
import { agencyOfUnit } from '../verdicts/scope';
import type { Scope } from '../verdicts/scope';
import type { UnitInfo } from '../verdicts/units';
import { VerdictService } from '../verdicts/verdict.service';

/** A semi-annual verdict (clause 5.5) with what the report that met it contributed to the data bank. */
export interface SemiannualContribution {
  from: string;
  to?: string;
  verdict: string;
  due: string;
  /** The SEMIANNUAL report that met the obligation, if any. */
  message: string | null;
  /** Records its report added to the data bank. */
  contributed: number;
}

export interface AgencyContributions {
  agency: string;
  /** Records created in the half-year, and of each kind. */
  records: number;
  materials: number;
  specimens: number;
  travelDocuments: number;
  revisions: number;
  withdrawals: number;
  /** The reports that carried records (SEMIANNUAL, ADVANCE). */
  reports: string[];
  semiannual: SemiannualContribution[];
}

export interface ContributionItem {
  recordId: string;
  agency: string;
  contributor: string;
  at: string;
  kind: string;
  action: string;
  /** The report that carried it, if any. */
  report: string | null;
  summary: string;
}

/**
 * GET /api/bank/contributions: what each agency contributed to the Unified Data Bank in a half-year,
 * against the clause 5.5 obligation, from the versions the nodes signed to the ledger (SENT events
 * of kind BANK_VERSION), beside the semi-annual verdicts of that half-year, each linked to the
 * records its report carried. A supervisor sees their own agency; the administrator all three.
 */
@Injectable()
export class BankContributionsQuery {
  constructor(
    private readonly store: LedgerStore,
    private readonly verdicts: VerdictService,
    @Inject(UNIT_INFOS) private readonly units: ReadonlyMap<string, UnitInfo>,
  ) {}

  async run(period: string, scope: Scope): Promise<{ period: string; asOf: string; agencies: AgencyContributions[]; items: ContributionItem[] }> {
    const agencies: string[] = scope.isAll ? [...AGENCIES] : [scope.agency!];
    const versions = await this.store.bankVersions(period, agencies);
    const set = await this.verdicts.verdicts(rangeOfPeriod(period)!);
    const semiannual = set.verdicts.filter((v) => v.obligation === 'SEMIANNUAL' && v.period === period);
    // A semi-annual report may be sent after its half-year: what it carried counts, whenever it was made.
    const carried = await this.store.bankRecordsCarried(semiannual.flatMap((v) => (v.message ? [v.message] : [])));
    return {
      period,
      asOf: set.asOf.toISOString(),
      agencies: agencies.map((agency) => {
        const own = versions.filter((v) => v.agency === agency);
        const made = own.filter((v) => v.action === 'CREATE');
        const kind = (k: string) => made.filter((v) => v.kind === k).length;
        return {
          agency,
          records: made.length,
          materials: kind('MATERIAL'),
          specimens: kind('SPECIMEN'),
          travelDocuments: kind('TRAVEL_DOCUMENT'),
          revisions: own.filter((v) => v.action === 'REVISE').length,
          withdrawals: own.filter((v) => v.action === 'WITHDRAW').length,
          reports: [...new Set(made.flatMap((v) => (v.source ? [v.source] : [])))],
          semiannual: semiannual
            .filter((v) => agencyOfUnit(this.units, v.from) === agency)
            .map((v) => ({ from: v.from, ...(v.to ? { to: v.to } : {}), verdict: v.verdict, due: v.due.toISOString(), message: v.message ?? null, contributed: (v.message && carried.get(v.message)) || 0 })),
        };
      }),
      items: versions.map((v) => ({ recordId: v.record_id, agency: v.agency, contributor: v.contributor, at: new Date(v.at).toISOString(), kind: v.kind, action: v.action, report: v.source, summary: v.summary })),
    };
  }
}
