import { AGENCIES, isAgencyCode, type AgencyCode } from '@shekara/contracts';
import { decodeRawPublicKey, keyIdFor } from './crypto';
import { DirectoryError, DirectoryErrorCode } from './errors';
import {
  CAPITAL_REGION_CODE,
  DIRECTORY_FORMAT,
  LEVELS,
  REPUBLIC_SCOPE,
  SCOPE_PATTERN,
  parseGroupId,
  parseUnitId,
  type Agency,
  type Checkpoint,
  type CheckpointType,
  type DatedName,
  type DirectoryData,
  type InteractionGroup,
  type Level,
  type Region,
  type Unit,
  type UnitKey,
} from './model';
import { isIsoDate, isIsoInstant, isKnownZone } from './time';

const CHECKPOINT_TYPES: readonly CheckpointType[] = ['automobile', 'railway', 'air', 'sea', 'pedestrian'];
const REGION_CODE_PATTERN = /^KZ-\d{2}$/;

type Json = Record<string, unknown>;

/**
 * Strict validation of a directory: the schema (no unknown fields, right types) and its rules (id
 * convention, zones from regions, groups of one unit per agency, key ids derived from the keys).
 * Returns a fresh, normalised copy; throws DirectoryError(INVALID_DIRECTORY) naming the field, e.g.
 * `directory.json: units[12] (border.l4.CP-RU-A-02).zone: expected "Asia/Oral" ...`.
 */
export function parseDirectoryData(raw: unknown, origin = 'directory'): DirectoryData {
  const fail = (path: string, msg: string): never => {
    throw new DirectoryError(DirectoryErrorCode.INVALID_DIRECTORY, `${origin}: ${path}: ${msg}`);
  };

  const top = object(raw, '(root)', fail, ['format', 'agencies', 'regions', 'checkpoints', 'units', 'groups']);
  if (top.format !== DIRECTORY_FORMAT) fail('format', `expected "${DIRECTORY_FORMAT}", got ${show(top.format)}`);

  const agencies = array(top.agencies, 'agencies', fail).map((a, i) => parseAgency(a, `agencies[${i}]`, fail));
  const codes = agencies.map((a) => a.code).sort();
  if (codes.join() !== [...AGENCIES].sort().join()) {
    fail('agencies', `expected exactly one entry for each of ${AGENCIES.join(', ')}, got ${codes.join(', ') || 'none'}`);
  }

  const regions = new Map<string, Region>();
  array(top.regions, 'regions', fail).forEach((r, i) => {
    const path = `regions[${i}]`;
    const o = object(r, path, fail, ['code', 'nameRu', 'nameEn', 'zone']);
    const region: Region = {
      code: pattern(o.code, `${path}.code`, REGION_CODE_PATTERN, fail),
      nameRu: text(o.nameRu, `${path}.nameRu`, fail),
      nameEn: text(o.nameEn, `${path}.nameEn`, fail),
      zone: zone(o.zone, `${path}.zone`, fail),
    };
    if (regions.has(region.code)) fail(`${path}.code`, `duplicate region ${region.code}`);
    regions.set(region.code, region);
  });
  const capital = regions.get(CAPITAL_REGION_CODE) ?? fail('regions', `the capital's region ${CAPITAL_REGION_CODE} is missing`);
  const knownRegion = (v: unknown, path: string): string => {
    const code = text(v, path, fail);
    if (!regions.has(code)) fail(path, `unknown region ${code}`);
    return code;
  };

  const checkpoints = new Map<string, Checkpoint>();
  array(top.checkpoints, 'checkpoints', fail).forEach((c, i) => {
    const path = `checkpoints[${i}]`;
    const o = object(c, path, fail, ['id', 'nameRu', 'nameEn', 'type', 'regionCode']);
    const cp: Checkpoint = {
      id: pattern(o.id, `${path}.id`, SCOPE_PATTERN, fail),
      nameRu: text(o.nameRu, `${path}.nameRu`, fail),
      nameEn: text(o.nameEn, `${path}.nameEn`, fail),
      type: oneOf(o.type, `${path}.type`, CHECKPOINT_TYPES, fail),
      ...(o.regionCode !== undefined && { regionCode: knownRegion(o.regionCode, `${path}.regionCode`) }),
    };
    if (checkpoints.has(cp.id)) fail(`${path}.id`, `duplicate checkpoint ${cp.id}`);
    checkpoints.set(cp.id, cp);
  });

  const units = new Map<string, Unit>();
  const keyIds = new Set<string>();
  array(top.units, 'units', fail).forEach((u, i) => {
    const o = object(u, `units[${i}]`, fail, [
      'id', 'agency', 'level', 'nameRu', 'nameEn', 'regionCode', 'checkpointId', 'zone', 'keys',
    ]);
    const id = text(o.id, `units[${i}].id`, fail);
    const path = `units[${i}] (${id})`;
    const parts = parseUnitId(id) ?? fail(`${path}.id`, 'expected <agency>.l<level>.<scope>, e.g. border.l4.CP-CN-A-01');
    if (units.has(id)) fail(`${path}.id`, 'duplicate unit id');
    const agency = text(o.agency, `${path}.agency`, fail);
    if (!isAgencyCode(agency)) fail(`${path}.agency`, `expected one of ${AGENCIES.join(', ')}, got ${show(agency)}`);
    if (agency !== parts.agency) fail(`${path}.agency`, `"${agency}" does not match the id`);
    const level = oneOf(o.level, `${path}.level`, LEVELS, fail);
    if (level !== parts.level) fail(`${path}.level`, `${level} does not match the id`);
    const regionCode = o.regionCode === undefined ? undefined : knownRegion(o.regionCode, `${path}.regionCode`);
    const checkpointId = o.checkpointId === undefined ? undefined : text(o.checkpointId, `${path}.checkpointId`, fail);
    checkScope(parts.level, parts.scope, regionCode, checkpointId, checkpoints, path, fail);

    const expectedZone = regionCode ? regions.get(regionCode)!.zone : capital.zone;
    const unitZone = zone(o.zone, `${path}.zone`, fail);
    if (unitZone !== expectedZone) {
      const why = regionCode ? `zone of ${regionCode}` : `no region: zone of the capital's region ${CAPITAL_REGION_CODE}`;
      fail(`${path}.zone`, `expected "${expectedZone}" (${why}), got "${unitZone}"`);
    }

    const keys = array(o.keys, `${path}.keys`, fail).map((k, j) => {
      const kp = `${path}.keys[${j}]`;
      const ko = object(k, kp, fail, ['keyId', 'publicKey', 'notBefore', 'notAfter', 'revokedAt', 'revocationReason']);
      const publicKey = text(ko.publicKey, `${kp}.publicKey`, fail);
      const rawKey = decodeRawPublicKey(publicKey) ?? fail(`${kp}.publicKey`, 'expected base64 of a raw 32-byte Ed25519 public key');
      const keyId = text(ko.keyId, `${kp}.keyId`, fail);
      const expectedKeyId = keyIdFor(id, rawKey);
      if (keyId !== expectedKeyId) fail(`${kp}.keyId`, `expected "${expectedKeyId}" (derived from the unit id and the public key), got "${keyId}"`);
      if (keyIds.has(keyId)) fail(`${kp}.keyId`, 'duplicate key id');
      keyIds.add(keyId);
      const key: UnitKey = { keyId, publicKey };
      for (const field of ['notBefore', 'notAfter', 'revokedAt'] as const) {
        if (ko[field] === undefined) continue;
        if (!isIsoInstant(ko[field])) fail(`${kp}.${field}`, `expected an ISO 8601 UTC instant, got ${show(ko[field])}`);
        key[field] = ko[field] as string;
      }
      if (key.notBefore && key.notAfter && Date.parse(key.notAfter) <= Date.parse(key.notBefore)) {
        fail(`${kp}.notAfter`, `must be after notBefore (${key.notBefore})`);
      }
      if (ko.revocationReason !== undefined) {
        if (key.revokedAt === undefined) fail(`${kp}.revocationReason`, 'only a revoked key (revokedAt) has a revocation reason');
        key.revocationReason = text(ko.revocationReason, `${kp}.revocationReason`, fail);
      }
      return key;
    });

    units.set(id, {
      id,
      agency: agency as AgencyCode,
      level,
      nameRu: text(o.nameRu, `${path}.nameRu`, fail),
      nameEn: text(o.nameEn, `${path}.nameEn`, fail),
      ...(regionCode !== undefined && { regionCode }),
      ...(checkpointId !== undefined && { checkpointId }),
      zone: unitZone,
      keys,
    });
  });

  const groups = new Map<string, InteractionGroup>();
  array(top.groups, 'groups', fail).forEach((g, i) => {
    const o = object(g, `groups[${i}]`, fail, ['id', 'level', 'members', 'regionCode', 'checkpointId']);
    const id = text(o.id, `groups[${i}].id`, fail);
    const path = `groups[${i}] (${id})`;
    const parts = parseGroupId(id) ?? fail(`${path}.id`, 'expected g.l<level>.<scope>, e.g. g.l4.CP-CN-A-01');
    if (groups.has(id)) fail(`${path}.id`, 'duplicate group id');
    const level = oneOf(o.level, `${path}.level`, LEVELS, fail);
    if (level !== parts.level) fail(`${path}.level`, `${level} does not match the id`);
    const members = array(o.members, `${path}.members`, fail).map((m, j) => {
      const mid = text(m, `${path}.members[${j}]`, fail);
      const unit = units.get(mid) ?? fail(`${path}.members[${j}]`, `unknown unit ${mid}`);
      if (unit.level !== level) fail(`${path}.members[${j}]`, `${mid} is on level ${unit.level}, the group on level ${level}`);
      if (parseUnitId(mid)!.scope !== parts.scope) fail(`${path}.members[${j}]`, `${mid} is not of scope ${parts.scope}`);
      return unit;
    });
    const agencies = members.map((m) => m.agency).sort();
    if (agencies.join() !== [...AGENCIES].sort().join()) {
      fail(`${path}.members`, `expected one unit of each agency (${AGENCIES.join(', ')}), got ${members.map((m) => m.id).join(', ') || 'none'}`);
    }
    // The group's place is its members' place (they share the scope, hence the place).
    const group: InteractionGroup = { id, level, members: members.map((m) => m.id) };
    for (const field of ['regionCode', 'checkpointId'] as const) {
      const expected = members[0][field];
      if (o[field] !== expected) fail(`${path}.${field}`, `expected ${show(expected)} (as its members), got ${show(o[field])}`);
      if (expected !== undefined) group[field] = expected;
    }
    groups.set(id, group);
  });

  return {
    format: DIRECTORY_FORMAT,
    agencies,
    regions: [...regions.values()],
    checkpoints: [...checkpoints.values()],
    units: [...units.values()],
    groups: [...groups.values()],
  };
}

type Fail = (path: string, msg: string) => never;

/** The scope rules of the unit id convention (see model.ts). */
function checkScope(
  level: Level,
  scope: string,
  regionCode: string | undefined,
  checkpointId: string | undefined,
  checkpoints: Map<string, Checkpoint>,
  path: string,
  fail: Fail,
): void {
  if (level !== 4 && level !== 5 && checkpointId !== undefined) fail(`${path}.checkpointId`, `only level-4 and level-5 units belong to a checkpoint`);
  switch (level) {
    case 1:
      if (scope !== REPUBLIC_SCOPE) fail(`${path}.id`, `level-1 scope must be ${REPUBLIC_SCOPE}`);
      if (regionCode !== undefined) fail(`${path}.regionCode`, 'level-1 units have no region');
      return;
    case 2:
      if (scope !== regionCode) fail(`${path}.regionCode`, `expected the id's scope "${scope}", got ${show(regionCode)}`);
      return;
    case 3:
      if (regionCode === undefined) fail(`${path}.regionCode`, 'level-3 units need a region');
      if (!scope.startsWith(`${regionCode}-`)) fail(`${path}.id`, `level-3 scope must start with "${regionCode}-"`);
      return;
    case 4:
    case 5: {
      if (checkpointId === undefined) fail(`${path}.checkpointId`, `level-${level} units belong to a checkpoint`);
      if (scope !== checkpointId) fail(`${path}.checkpointId`, `expected the id's scope "${scope}", got "${checkpointId}"`);
      const cp = checkpoints.get(checkpointId!) ?? fail(`${path}.checkpointId`, `unknown checkpoint ${checkpointId}`);
      if (regionCode !== cp.regionCode) fail(`${path}.regionCode`, `expected ${show(cp.regionCode)} (region of ${cp.id}), got ${show(regionCode)}`);
      return;
    }
  }
}

function parseAgency(raw: unknown, path: string, fail: Fail): Agency {
  const o = object(raw, path, fail, ['code', 'names']);
  const code = text(o.code, `${path}.code`, fail);
  if (!isAgencyCode(code)) fail(`${path}.code`, `expected one of ${AGENCIES.join(', ')}, got ${show(code)}`);
  const names = array(o.names, `${path}.names`, fail).map((n, i): DatedName => {
    const np = `${path} (${code}).names[${i}]`;
    const no = object(n, np, fail, ['from', 'to', 'nameRu', 'nameEn', 'shortRu', 'source']);
    if (!isIsoDate(no.from)) fail(`${np}.from`, `expected a date YYYY-MM-DD, got ${show(no.from)}`);
    if (no.to !== undefined && !isIsoDate(no.to)) fail(`${np}.to`, `expected a date YYYY-MM-DD, got ${show(no.to)}`);
    if (no.to !== undefined && (no.to as string) <= (no.from as string)) fail(`${np}.to`, 'must be after from');
    return {
      from: no.from as string,
      ...(no.to !== undefined && { to: no.to as string }),
      nameRu: text(no.nameRu, `${np}.nameRu`, fail),
      nameEn: text(no.nameEn, `${np}.nameEn`, fail),
      ...(no.shortRu !== undefined && { shortRu: text(no.shortRu, `${np}.shortRu`, fail) }),
      source: text(no.source, `${np}.source`, fail),
    };
  });
  if (names.length === 0) fail(`${path}.names`, 'at least one name is required');
  names.forEach((n, i) => {
    const next = names[i + 1];
    if (next && n.to !== next.from) fail(`${path} (${code}).names[${i}].to`, `must equal the next name's from (${next.from}): names are contiguous`);
  });
  return { code: code as AgencyCode, names };
}

function object(v: unknown, path: string, fail: Fail, allowed: readonly string[]): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(path, `expected an object, got ${show(v)}`);
  for (const k of Object.keys(v)) if (!allowed.includes(k)) fail(`${path}.${k}`, 'unknown field');
  return v as Json;
}

function array(v: unknown, path: string, fail: Fail): unknown[] {
  return Array.isArray(v) ? v : fail(path, `expected an array, got ${show(v)}`);
}

function text(v: unknown, path: string, fail: Fail): string {
  return typeof v === 'string' && v.trim() !== '' ? v : fail(path, `expected a non-empty string, got ${show(v)}`);
}

function pattern(v: unknown, path: string, re: RegExp, fail: Fail): string {
  const s = text(v, path, fail);
  return re.test(s) ? s : fail(path, `"${s}" does not match ${re}`);
}

function oneOf<T>(v: unknown, path: string, values: readonly T[], fail: Fail): T {
  return values.includes(v as T) ? (v as T) : fail(path, `expected one of ${values.join(', ')}, got ${show(v)}`);
}

function zone(v: unknown, path: string, fail: Fail): string {
  const z = text(v, path, fail);
  return isKnownZone(z) ? z : fail(path, `"${z}" is not an IANA time zone known to this runtime`);
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
