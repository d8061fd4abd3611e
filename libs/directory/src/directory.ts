import type { KeyObject } from 'node:crypto';
import { DeadLetterReason } from '@shekara/contracts';
import type { AgencyCode } from '@shekara/contracts';
import { agencyName } from './agencies';
import { publicKeyFromBase64 } from './crypto';
import { DirectoryError, DirectoryErrorCode } from './errors';
import {
  CAPITAL_REGION_CODE,
  type Agency,
  type Checkpoint,
  type DatedName,
  type DirectoryData,
  type InteractionGroup,
  type Level,
  type Region,
  type Unit,
  type UnitKey,
} from './model';
import { parseDirectoryData } from './validate';

export interface UnitFilter {
  agency?: AgencyCode;
  level?: Level;
  regionCode?: string;
}

const EMPTY: ReadonlySet<string> = new Set();

/** Why a key may not verify a message (dead-letter reasons name them). */
export enum KeyRefusal {
  UNKNOWN = DeadLetterReason.UnknownKey,
  NOT_YET_VALID = DeadLetterReason.KeyNotYetValid,
  EXPIRED = DeadLetterReason.ExpiredKey,
  REVOKED = DeadLetterReason.RevokedKey,
}

export type KeyCheck = { ok: true; unitId: string; key: UnitKey } | { ok: false; refusal: KeyRefusal; reason: string };

/**
 * The directory in memory: pure, immutable after construction, every lookup O(1) through Maps built
 * once. Build it with Directory.fromJSON() (validates) or loadDirectory() (reads a file).
 * Returned objects are the directory's own: treat them as read-only.
 */
export class Directory {
  private readonly unitById = new Map<string, Unit>();
  private readonly regionByCode = new Map<string, Region>();
  private readonly checkpointById = new Map<string, Checkpoint>();
  private readonly groupsByUnit = new Map<string, InteractionGroup[]>();
  private readonly counterpartsByUnit = new Map<string, ReadonlySet<string>>();
  private readonly keyById = new Map<string, { unitId: string; key: UnitKey }>();
  /** KeyObjects are made on first use and kept. */
  private readonly keyObjects = new Map<string, KeyObject>();

  private constructor(private readonly data: DirectoryData) {
    for (const r of data.regions) this.regionByCode.set(r.code, r);
    for (const c of data.checkpoints) this.checkpointById.set(c.id, c);
    for (const u of data.units) {
      this.unitById.set(u.id, u);
      for (const key of u.keys) this.keyById.set(key.keyId, { unitId: u.id, key });
    }
    for (const g of data.groups) {
      for (const member of g.members) {
        const list = this.groupsByUnit.get(member) ?? [];
        list.push(g);
        this.groupsByUnit.set(member, list);
        const others = new Set(this.counterpartsByUnit.get(member) ?? []);
        for (const other of g.members) if (other !== member) others.add(other);
        this.counterpartsByUnit.set(member, others);
      }
    }
  }

  /** Validates `raw` strictly (see parseDirectoryData) and builds the directory. */
  static fromJSON(raw: unknown, origin?: string): Directory {
    return new Directory(parseDirectoryData(raw, origin));
  }

  /** The unit with this id; throws DirectoryError(UNKNOWN_UNIT) if there is none. */
  unit(id: string): Unit {
    const unit = this.unitById.get(id);
    if (!unit) throw new DirectoryError(DirectoryErrorCode.UNKNOWN_UNIT, id);
    return unit;
  }

  findUnit(id: string): Unit | undefined {
    return this.unitById.get(id);
  }

  /** Units in directory order (level, then place, then agency), optionally filtered. */
  units(filter: UnitFilter = {}): Unit[] {
    return this.data.units.filter(
      (u) =>
        (filter.agency === undefined || u.agency === filter.agency) &&
        (filter.level === undefined || u.level === filter.level) &&
        (filter.regionCode === undefined || u.regionCode === filter.regionCode),
    );
  }

  groups(): readonly InteractionGroup[] {
    return this.data.groups;
  }

  /** The interaction groups the unit belongs to (throws UNKNOWN_UNIT for an unknown id). */
  groupsOf(unitId: string): readonly InteractionGroup[] {
    this.unit(unitId);
    return this.groupsByUnit.get(unitId) ?? [];
  }

  /** All units that share an interaction group with the unit, without the unit itself. */
  counterparts(unitId: string): Unit[] {
    this.unit(unitId);
    return [...(this.counterpartsByUnit.get(unitId) ?? EMPTY)].map((id) => this.unit(id));
  }

  /** True when both units exist, differ and share an interaction group (clause 8). */
  canSend(from: string, to: string): boolean {
    return this.counterpartsByUnit.get(from)?.has(to) ?? false;
  }

  /** The public key with this key id, or undefined if no unit has it. */
  publicKey(keyId: string): KeyObject | undefined {
    let key = this.keyObjects.get(keyId);
    if (!key) {
      const entry = this.keyById.get(keyId);
      if (!entry) return undefined;
      key = publicKeyFromBase64(entry.key.publicKey);
      this.keyObjects.set(keyId, key);
    }
    return key;
  }

  /** The key entry (base64 public key, `from`) with this key id, or undefined. */
  findKey(keyId: string): UnitKey | undefined {
    return this.keyById.get(keyId)?.key;
  }

  /**
   * Whether the key may verify a message created at `at`: it exists, is not revoked (a revoked key
   * verifies nothing, whatever instant a message claims), and notBefore <= at < notAfter.
   */
  keyValidAt(keyId: string, at: Date): KeyCheck {
    const entry = this.keyById.get(keyId);
    if (!entry) return { ok: false, refusal: KeyRefusal.UNKNOWN, reason: `unknown signing key ${JSON.stringify(keyId.slice(0, 200))}` };
    const { key, unitId } = entry;
    if (key.revokedAt !== undefined) {
      return { ok: false, refusal: KeyRefusal.REVOKED, reason: `key ${keyId} revoked at ${key.revokedAt}${key.revocationReason ? ` (${key.revocationReason})` : ''}` };
    }
    const t = at.getTime();
    if (key.notBefore !== undefined && t < Date.parse(key.notBefore)) {
      return { ok: false, refusal: KeyRefusal.NOT_YET_VALID, reason: `key ${keyId} not valid before ${key.notBefore} (message created ${at.toISOString()})` };
    }
    if (key.notAfter !== undefined && t >= Date.parse(key.notAfter)) {
      return { ok: false, refusal: KeyRefusal.EXPIRED, reason: `key ${keyId} expired at ${key.notAfter} (message created ${at.toISOString()})` };
    }
    return { ok: true, unitId, key };
  }

  /** The key a unit signs with at `at`: of its keys valid then, the one valid from the latest instant. */
  signingKeyAt(unitId: string, at: Date): UnitKey | undefined {
    let best: UnitKey | undefined;
    for (const key of this.unit(unitId).keys) {
      if (!this.keyValidAt(key.keyId, at).ok) continue;
      if (!best || Date.parse(key.notBefore ?? '1970-01-01T00:00:00Z') >= Date.parse(best.notBefore ?? '1970-01-01T00:00:00Z')) best = key;
    }
    return best;
  }

  /** The id of the unit that owns the key; throws DirectoryError(UNKNOWN_KEY) if none does. */
  keyOwner(keyId: string): string {
    const entry = this.keyById.get(keyId);
    if (!entry) throw new DirectoryError(DirectoryErrorCode.UNKNOWN_KEY, keyId);
    return entry.unitId;
  }

  /** IANA zone of the unit's local time. */
  zoneOf(unitId: string): string {
    return this.unit(unitId).zone;
  }

  agencyOf(unitId: string): AgencyCode {
    return this.unit(unitId).agency;
  }

  /** The region with this ISO 3166-2 code; throws DirectoryError(UNKNOWN_REGION) if absent. */
  region(code: string): Region {
    const region = this.regionByCode.get(code);
    if (!region) throw new DirectoryError(DirectoryErrorCode.UNKNOWN_REGION, code);
    return region;
  }

  regions(): readonly Region[] {
    return this.data.regions;
  }

  checkpoint(id: string): Checkpoint | undefined {
    return this.checkpointById.get(id);
  }

  checkpoints(): readonly Checkpoint[] {
    return this.data.checkpoints;
  }

  agencies(): readonly Agency[] {
    return this.data.agencies;
  }

  /** The agency's name in force at `at`, from this directory's agencies, dates read in the capital's zone. */
  agencyName(code: AgencyCode, at: Date): DatedName {
    return agencyName(code, at, this.data.agencies, this.region(CAPITAL_REGION_CODE).zone);
  }

  /** The directory as JSON data (what directory.json holds); a deep copy. */
  toJSON(): DirectoryData {
    return structuredClone(this.data);
  }
}
