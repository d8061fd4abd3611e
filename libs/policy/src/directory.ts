import { LEVELS, type Level } from './policy';
import { isValidTimeZone } from './time';
import type { Directory, Unit } from './types';

export class DirectoryError extends Error {
  override readonly name = 'DirectoryError';
}

/**
 * Problems with a directory, as readable sentences; empty when it is valid. A unit needs a unique
 * id, an agency (one of `agencies` when the caller gives the list, else any non-empty code), a level
 * 1-5 and an IANA zone; a group needs a unique id, a level, and at least two distinct known member
 * units of that same level.
 */
export function validateDirectory(directory: Directory, agencies?: readonly string[]): string[] {
  const errors: string[] = [];
  if (!directory || !Array.isArray(directory.units)) return ['directory.units must be a list'];
  if (!Array.isArray(directory.groups)) return ['directory.groups must be a list'];
  const units = new Map<string, Unit>();
  directory.units.forEach((unit, i) => {
    const where = `units[${i}]`;
    if (!unit || typeof unit !== 'object') {
      errors.push(`${where} is not an object`);
      return;
    }
    if (typeof unit.id !== 'string' || unit.id === '') errors.push(`${where}.id must be a non-empty string`);
    else if (units.has(unit.id)) errors.push(`${where}: duplicate unit id ${unit.id}`);
    else units.set(unit.id, unit);
    const name = typeof unit.id === 'string' ? `unit ${unit.id}` : where;
    if (typeof unit.agency !== 'string' || unit.agency === '') {
      errors.push(`${name}: agency must be a non-empty string`);
    } else if (agencies && !agencies.includes(unit.agency)) {
      errors.push(`${name}: unknown agency ${JSON.stringify(unit.agency)} (expected ${agencies.join(' | ')})`);
    }
    if (!LEVELS.includes(unit.level)) errors.push(`${name}: unknown level ${JSON.stringify(unit.level)} (expected 1-5)`);
    if (!isValidTimeZone(unit.zone)) errors.push(`${name}: unknown time zone ${JSON.stringify(unit.zone)}`);
  });
  const groupIds = new Set<string>();
  directory.groups.forEach((group, i) => {
    const where = `groups[${i}]`;
    if (!group || typeof group !== 'object') {
      errors.push(`${where} is not an object`);
      return;
    }
    if (typeof group.id !== 'string' || group.id === '') errors.push(`${where}.id must be a non-empty string`);
    else if (groupIds.has(group.id)) errors.push(`${where}: duplicate group id ${group.id}`);
    else groupIds.add(group.id);
    const name = typeof group.id === 'string' ? `group ${group.id}` : where;
    if (!LEVELS.includes(group.level)) errors.push(`${name}: unknown level ${JSON.stringify(group.level)} (expected 1-5)`);
    if (!Array.isArray(group.members)) {
      errors.push(`${name}: members must be a list of unit ids`);
      return;
    }
    if (new Set(group.members).size !== group.members.length) errors.push(`${name}: lists a member twice`);
    if (group.members.length < 2) errors.push(`${name}: needs at least two members`);
    for (const member of group.members) {
      const unit = units.get(member);
      if (!unit) errors.push(`${name}: unknown member unit ${JSON.stringify(member)}`);
      else if (unit.level !== group.level) errors.push(`${name}: member ${member} is on level ${unit.level}, not ${group.level}`);
    }
  });
  return errors;
}

/** Throws a DirectoryError listing every problem when `directory` is invalid. */
export function assertValidDirectory(directory: Directory): void {
  const errors = validateDirectory(directory);
  if (errors.length > 0) throw new DirectoryError(`invalid directory: ${errors.join('; ')}`);
}

/** Every ordered pair [from, to] of members of the groups on `levels`, without repeats, sorted. */
export function orderedPairs(directory: Directory, levels: readonly Level[]): Array<[string, string]> {
  const seen = new Set<string>();
  const pairs: Array<[string, string]> = [];
  for (const group of directory.groups) {
    if (!levels.includes(group.level)) continue;
    for (const a of group.members) {
      for (const b of group.members) {
        const key = `${a}\u0000${b}`;
        if (a === b || seen.has(key)) continue;
        seen.add(key);
        pairs.push([a, b]);
      }
    }
  }
  return pairs.sort((p, q) => compare(p[0], q[0]) || compare(p[1], q[1]));
}

/** Code-unit order, independent of locale, so output order is the same everywhere. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
