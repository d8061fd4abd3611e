import { AGENCIES, type AgencyCode } from '@shekara/contracts';

/**
 * The directory model. Everything here is plain JSON-compatible data: it is what `directory.json`
 * holds and what `Directory.toJSON()` returns.
 *
 * UNIT ID CONVENTION: `<agency>.l<level>.<scope>`, where scope is
 *   level 1: `KZ` (the republic)                       e.g. `customs.l1.KZ`
 *   level 2: the region's ISO 3166-2 code              e.g. `interior.l2.KZ-33`
 *   level 3: `<region code>-<local name>`, free-form   e.g. `border.l3.KZ-27-ORAL` (no seeded units)
 *   level 4: the checkpoint id from checkpoints.json  e.g. `border.l4.CP-CN-A-01`
 *   level 5: the checkpoint id                         e.g. `customs.l5.CP-CN-A-01`
 * A scope is `[A-Za-z0-9][A-Za-z0-9_-]*`. Group ids are `g.l<level>.<scope>` with the same scope as
 * their members. Ids are persisted (messages, audit logs, key ids): never rename one.
 */

/** A calendar date `YYYY-MM-DD`, read in Kazakhstan's capital zone (see agencies.ts). */
export type IsoDate = string;

export type Level = 1 | 2 | 3 | 4 | 5;
export const LEVELS: readonly Level[] = [1, 2, 3, 4, 5];

/** One name of an agency over a period: `from` inclusive, `to` exclusive (absent = still in force). */
export interface DatedName {
  from: IsoDate;
  to?: IsoDate;
  nameRu: string;
  nameEn: string;
  shortRu?: string;
  /** Where the name and the dates come from; general-knowledge dates are marked as such. */
  source: string;
}

export interface Agency {
  code: AgencyCode;
  /** Ordered by `from`, contiguous: each `to` is the next `from`. */
  names: DatedName[];
}

export interface Region {
  /** ISO 3166-2 code, e.g. `KZ-27`. */
  code: string;
  nameRu: string;
  nameEn: string;
  /** IANA zone used to read local times of the region, e.g. `Asia/Oral`. */
  zone: string;
}

export type CheckpointType = 'automobile' | 'railway' | 'air' | 'sea' | 'pedestrian';

/** A border checkpoint, as far as the directory needs it (the full record is in checkpoints.json). */
export interface Checkpoint {
  /** The id from checkpoints.json, e.g. `CP-CN-A-01`. */
  id: string;
  nameRu: string;
  nameEn: string;
  type: CheckpointType;
  /** Absent when the reference does not know the region (three Russian-border checkpoints). */
  regionCode?: string;
}

export interface UnitKey {
  /** `<unitId>#<first 16 chars of base64url(sha256(raw public key))>`, see keyIdFor(). */
  keyId: string;
  /** base64 of the raw 32-byte Ed25519 public key. */
  publicKey: string;
  /** ISO 8601 instant from which the key is valid; absent = from the start. */
  notBefore?: string;
  /** ISO 8601 instant after which the key is no longer valid (retired); absent = no end. */
  notAfter?: string;
  /**
   * ISO 8601 instant at which the key was revoked (compromised or withdrawn). A revoked key verifies
   * nothing any more, whatever instant a message claims: its holder could backdate.
   */
  revokedAt?: string;
  /** Why the key was revoked (only with revokedAt). */
  revocationReason?: string;
}

export interface Unit {
  id: string;
  agency: AgencyCode;
  level: Level;
  nameRu: string;
  nameEn: string;
  regionCode?: string;
  checkpointId?: string;
  /**
   * IANA zone of the unit's local time: its region's zone; for units without a region (level 1, and
   * checkpoints whose region the reference does not know) the zone of the capital's region (KZ-71).
   */
  zone: string;
  keys: UnitKey[];
}

/** The counterpart units of the three agencies at one level and place (clause 8): one per agency. */
export interface InteractionGroup {
  id: string;
  level: Level;
  members: string[];
  regionCode?: string;
  checkpointId?: string;
}

export const DIRECTORY_FORMAT = 'shekara-directory/1';

/** The whole directory as stored in `directory.json`. */
export interface DirectoryData {
  format: typeof DIRECTORY_FORMAT;
  agencies: Agency[];
  regions: Region[];
  checkpoints: Checkpoint[];
  units: Unit[];
  groups: InteractionGroup[];
}

/** The region whose zone applies to units that have no region of their own. */
export const CAPITAL_REGION_CODE = 'KZ-71';
/** Scope of the level-1 units and group. */
export const REPUBLIC_SCOPE = 'KZ';

export const SCOPE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const UNIT_ID_PATTERN = new RegExp(`^(${AGENCIES.join('|')})\\.l([1-5])\\.([A-Za-z0-9][A-Za-z0-9_-]*)$`);
const GROUP_ID_PATTERN = /^g\.l([1-5])\.([A-Za-z0-9][A-Za-z0-9_-]*)$/;

export function unitId(agency: AgencyCode, level: Level, scope: string): string {
  return `${agency}.l${level}.${scope}`;
}

export function groupId(level: Level, scope: string): string {
  return `g.l${level}.${scope}`;
}

/** Splits a unit id into its parts, or returns undefined if it does not follow the convention. */
export function parseUnitId(id: string): { agency: AgencyCode; level: Level; scope: string } | undefined {
  const m = UNIT_ID_PATTERN.exec(id);
  return m ? { agency: m[1] as AgencyCode, level: Number(m[2]) as Level, scope: m[3] } : undefined;
}

export function parseGroupId(id: string): { level: Level; scope: string } | undefined {
  const m = GROUP_ID_PATTERN.exec(id);
  return m ? { level: Number(m[1]) as Level, scope: m[2] } : undefined;
}
