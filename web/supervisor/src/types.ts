/**
 * Shapes of the supervisor ledger's HTTP API (apps/supervisor, OpenAPI at /api/docs-json). They are
 * the ledger's query results (snake_case rows, listings), not proto messages, so they are typed here;
 * the agencies come from the contract.
 */
import type { AgencyCode } from '@shared/contract';

export { AGENCIES } from '@shared/contract';
export type Agency = AgencyCode;
export const OBLIGATIONS = ['URGENT_CONFIRMATION', 'DAILY', 'MONTHLY', 'ADVANCE', 'SEMIANNUAL'] as const;
export const VERDICTS = ['ON_TIME', 'LATE', 'EARLY', 'MISSING', 'PENDING', 'CONFIRMED_ON_TIME', 'CONFIRMED_LATE', 'UNCONFIRMED', 'IN_ADVANCE'] as const;
export type VerdictName = (typeof VERDICTS)[number];
/** Verdicts that count as on time (the ledger's own rule). */
export const ON_TIME = new Set<string>(['ON_TIME', 'CONFIRMED_ON_TIME', 'IN_ADVANCE']);
export const BREACHES = ['LATE', 'EARLY', 'MISSING', 'CONFIRMED_LATE', 'UNCONFIRMED'] as const;

export interface SvUnit {
  id: string;
  agency: Agency;
  level: number;
  region: string | null;
  zone: string;
  nameRu: string;
  nameEn: string;
}
export interface SvMe {
  user: { id: string; username: string; unitId: string; role: string };
  unit: SvUnit | null;
}
export interface Range {
  from: string;
  to: string;
}
export interface Listing<T> {
  total: number;
  page: number;
  pageSize: number;
  items: T[];
  range?: Range;
  asOf?: string;
}
export interface VerdictRecord {
  obligation: string;
  from: string;
  to?: string;
  period?: string;
  ref?: string;
  due: string;
  verdict: VerdictName;
  message?: string;
  late_by_s?: number;
}
export interface VerdictListing extends Listing<VerdictRecord> {
  policy: string;
  rejected: unknown[];
}
export type Counts = Record<VerdictName, number>;
export interface RateRow {
  unit: string;
  agency: Agency;
  level: number;
  region: string | null;
  name: string;
  judged: number;
  on_time: number;
  rate: number | null;
  counts: Counts;
}
export interface SeriesPoint {
  start: string;
  judged: number;
  on_time: number;
  rate: number | null;
  counts: Counts;
}
export interface OverdueRow {
  obligation: string;
  from: string;
  agency: Agency;
  to: string | null;
  period: string | null;
  ref: string | null;
  due: string;
  verdict: string;
  overdue_s: number;
  escalated_at: string | null;
  recipients: string[] | null;
  summary: string | null;
}
export interface HeatmapRow {
  unit: string;
  agency: Agency;
  level: number;
  region: string | null;
  cells: string;
  breaches: number;
}
export interface HeatmapGroup {
  key: string | null;
  units: number;
  breaching_units: number;
  breaches: number;
  cells: string;
}
export interface HeatmapListing extends Listing<HeatmapRow> {
  days: string[];
  legend: Record<string, string | null>;
  breaching: number;
  units: number;
  group?: 'region' | 'level' | 'agency';
  groups?: HeatmapGroup[];
}
export interface Timeline {
  message: {
    id: string;
    kind: string;
    from: string;
    to: string[];
    sent_at: string;
    reported_at?: string;
    confirms?: string;
    period?: string;
    event_at?: string;
    summary: string;
    node: string;
  } | null;
  events: { event_id: string; action: string; node: string; at: string; actor: string; units: string[]; reason?: string }[];
  /** Each fact once, with the nodes that observed it. */
  facts: { fact: string; unit: string | null; at: string; actor: string; reason?: string; observed_by: { node: string; action: string; at: string; actor: string; event_id: string }[] }[];
  confirmations: { id: string; from: string; sent_at: string }[];
  escalated_at: string | null;
  verdicts: VerdictRecord[];
}
