/**
 * The directory as the ledger uses it: the engine's input shape, and the unit attributes listings
 * are filtered by (agency, level, region, zone). Pure.
 */
import type { AgencyCode } from '@shekara/contracts';
import type { Directory as UnitDirectory } from '@shekara/directory';
import type { Directory as PolicyDirectory, Level, Verdict } from '@shekara/policy';

export interface UnitInfo {
  id: string;
  agency: AgencyCode;
  level: Level;
  region?: string;
  zone: string;
  nameRu: string;
  nameEn: string;
}

/** The verdict engine's directory: units {id, agency, level, zone}, groups {id, level, members}. */
export function policyDirectory(directory: UnitDirectory): PolicyDirectory {
  return {
    units: directory.units().map((u) => ({ id: u.id, agency: u.agency, level: u.level, zone: u.zone })),
    groups: directory.groups().map((g) => ({ id: g.id, level: g.level, members: [...g.members] })),
  };
}

export function unitInfos(directory: UnitDirectory): Map<string, UnitInfo> {
  return new Map(
    directory.units().map((u) => [u.id, { id: u.id, agency: u.agency, level: u.level, region: u.regionCode, zone: u.zone, nameRu: u.nameRu, nameEn: u.nameEn }]),
  );
}

/** Filters on the unit a listing row belongs to (for verdicts: the unit that owes). */
export interface UnitFilter {
  agency?: AgencyCode;
  unit?: string;
  level?: Level;
  region?: string;
  zone?: string;
}

export function unitMatches(info: UnitInfo | undefined, f: UnitFilter): boolean {
  if (!info) return f.agency === undefined && f.unit === undefined && f.level === undefined && f.region === undefined && f.zone === undefined;
  return (
    (f.agency === undefined || info.agency === f.agency) &&
    (f.unit === undefined || info.id === f.unit) &&
    (f.level === undefined || info.level === f.level) &&
    (f.region === undefined || info.region === f.region) &&
    (f.zone === undefined || info.zone === f.zone)
  );
}

export interface VerdictFilter extends UnitFilter {
  obligation?: Verdict['obligation'];
  verdict?: Verdict['verdict'];
  period?: string;
}

export function verdictFilter(units: ReadonlyMap<string, UnitInfo>, f: VerdictFilter): (v: Verdict) => boolean {
  return (v) =>
    (f.obligation === undefined || v.obligation === f.obligation) &&
    (f.verdict === undefined || v.verdict === f.verdict) &&
    (f.period === undefined || v.period === f.period) &&
    unitMatches(units.get(v.from), f);
}

export interface Page<T> {
  total: number;
  page: number;
  pageSize: number;
  items: T[];
}

/** Page `page` (1-based) of `pageSize` items. */
export function paginate<T>(all: readonly T[], page: number, pageSize: number): Page<T> {
  const start = (page - 1) * pageSize;
  return { total: all.length, page, pageSize, items: all.slice(start, start + pageSize) };
}
