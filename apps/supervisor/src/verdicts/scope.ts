/**
 * What a supervisor may see of the ledger: the verdicts, messages and timelines in which a unit of
 * their own agency is the sender or a recipient. The ledger's administrator sees everything. Every
 * listing, export, journal and timeline filters its rows through one Scope. Pure.
 */
import type { AuthUser } from '@shekara/auth';
import type { Verdict } from '@shekara/policy';
import type { UnitInfo } from './units';

export class Scope {
  /** Everything: the ledger's administrator (and internal callers such as the scheduler's RPC). */
  static all(units: ReadonlyMap<string, UnitInfo>): Scope {
    return new Scope(units, undefined);
  }

  /** The scope of a signed-in user: admin sees all, a supervisor their own agency's exchanges. */
  static of(user: Pick<AuthUser, 'role' | 'unitId'>, units: ReadonlyMap<string, UnitInfo>): Scope {
    return user.role === 'admin' ? Scope.all(units) : new Scope(units, agencyOfUnit(units, user.unitId));
  }

  private constructor(
    private readonly units: ReadonlyMap<string, UnitInfo>,
    /** The agency whose exchanges are visible; undefined: all. */
    readonly agency: string | undefined,
  ) {}

  get isAll(): boolean {
    return this.agency === undefined;
  }

  /** Whether a unit belongs to the scope's agency. */
  unit(id: string | undefined): boolean {
    return this.isAll || (id !== undefined && agencyOfUnit(this.units, id) === this.agency);
  }

  /** A message (or anything with a sender and recipients) is visible when its sender or a recipient is ours. */
  message(m: { from: string; to: readonly string[] }): boolean {
    return this.isAll || this.unit(m.from) || m.to.some((u) => this.unit(u));
  }

  /**
   * A verdict is visible when the unit that owes is ours, or the one it is owed to: the counterpart
   * of a periodic obligation, a recipient of the urgent report or advance notice judged (`ref`).
   */
  verdict(messages: ReadonlyMap<string, { from: string; to: readonly string[] }>): (v: Verdict) => boolean {
    if (this.isAll) return () => true;
    return (v) => {
      if (this.unit(v.from)) return true;
      if (v.to !== undefined) return this.unit(v.to);
      const judged = v.ref === undefined ? undefined : messages.get(v.ref);
      return judged !== undefined && this.message(judged);
    };
  }
}

/** A unit's agency: the directory's, else the id's first part (`border.l4.…`). */
export function agencyOfUnit(units: ReadonlyMap<string, UnitInfo>, id: string): string {
  return units.get(id)?.agency ?? id.split('.')[0];
}
