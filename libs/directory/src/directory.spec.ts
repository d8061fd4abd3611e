import { Directory } from './directory';
import { DirectoryError, DirectoryErrorCode } from './errors';
import { generateKeys } from './keys';
import type { DirectoryData, Unit } from './model';
import { buildDirectory } from './seed';

const { directory: data } = generateKeys(buildDirectory());
const directory = Directory.fromJSON(data);

function codeOf(fn: () => unknown): DirectoryErrorCode {
  try {
    fn();
  } catch (e) {
    if (e instanceof DirectoryError) return e.code;
    throw e;
  }
  throw new Error('nothing was thrown');
}

describe('Directory', () => {
  it('looks units up and throws a typed error for unknown ones', () => {
    expect(directory.unit('border.l4.CP-CN-A-01').agency).toBe('border');
    expect(directory.findUnit('border.l4.CP-NOPE')).toBeUndefined();
    expect(codeOf(() => directory.unit('border.l4.CP-NOPE'))).toBe(DirectoryErrorCode.UNKNOWN_UNIT);
    expect(() => directory.zoneOf('nobody')).toThrow('unknown unit: nobody');
    expect(directory.agencyOf('customs.l2.KZ-33')).toBe('customs');
  });

  it('filters units by agency, level and region', () => {
    const zhetisuBorder = directory.units({ agency: 'border', regionCode: 'KZ-33' });
    expect(zhetisuBorder.every((u) => u.agency === 'border' && u.regionCode === 'KZ-33')).toBe(true);
    expect(zhetisuBorder.map((u) => u.level)).toContain(2);
    expect(directory.units({ agency: 'customs', level: 1 }).map((u) => u.id)).toEqual(['customs.l1.KZ']);
    expect(directory.units().length).toBe(531);
  });

  it('gives the counterparts of a unit: the other members of its groups', () => {
    expect(directory.counterparts('border.l4.CP-CN-A-01').map((u) => u.id).sort()).toEqual([
      'customs.l4.CP-CN-A-01',
      'interior.l4.CP-CN-A-01',
    ]);
    expect(directory.groupsOf('interior.l2.KZ-27').map((g) => g.id)).toEqual(['g.l2.KZ-27']);
  });

  it('lets units of one group send to each other and nobody else', () => {
    expect(directory.canSend('border.l4.CP-CN-A-01', 'customs.l4.CP-CN-A-01')).toBe(true);
    expect(directory.canSend('customs.l4.CP-CN-A-01', 'interior.l4.CP-CN-A-01')).toBe(true);
    expect(directory.canSend('border.l4.CP-CN-A-01', 'border.l4.CP-CN-A-01')).toBe(false); // itself
    expect(directory.canSend('border.l4.CP-CN-A-01', 'customs.l4.CP-CN-A-02')).toBe(false); // other checkpoint
    expect(directory.canSend('border.l4.CP-CN-A-01', 'customs.l5.CP-CN-A-01')).toBe(false); // other level
    expect(directory.canSend('border.l4.CP-CN-A-01', 'customs.l2.KZ-33')).toBe(false);
    expect(directory.canSend('nobody', 'customs.l2.KZ-33')).toBe(false);
  });

  it('resolves key ids to cached public keys and their owners', () => {
    const unit = directory.unit('interior.l5.CP-AIR-ALA');
    const [{ keyId, publicKey }] = unit.keys;
    expect(keyId).toMatch(/^interior\.l5\.CP-AIR-ALA#[A-Za-z0-9_-]{16}$/);
    const key = directory.publicKey(keyId)!;
    expect(key.asymmetricKeyType).toBe('ed25519');
    expect(directory.publicKey(keyId)).toBe(key);
    expect(key.export({ format: 'jwk' }).x).toBe(Buffer.from(publicKey, 'base64').toString('base64url'));
    expect(directory.keyOwner(keyId)).toBe(unit.id);
    expect(directory.publicKey('interior.l5.CP-AIR-ALA#AAAAAAAAAAAAAAAA')).toBeUndefined();
    expect(codeOf(() => directory.keyOwner('x#y'))).toBe(DirectoryErrorCode.UNKNOWN_KEY);
  });

  it('knows regions and the agency names of its own data', () => {
    expect(directory.region('KZ-27')).toEqual({ code: 'KZ-27', nameRu: 'Западно-Казахстанская область', nameEn: 'West Kazakhstan Region', zone: 'Asia/Oral' });
    expect(codeOf(() => directory.region('KZ-99'))).toBe(DirectoryErrorCode.UNKNOWN_REGION);
    expect(directory.agencyName('customs', new Date('2010-01-01T00:00:00Z')).shortRu).toBe('КТК МФ РК');
  });

  it('round-trips through toJSON and JSON text', () => {
    const again = Directory.fromJSON(JSON.parse(JSON.stringify(directory)));
    expect(again.toJSON()).toEqual(data);
    const copy = directory.toJSON();
    copy.units[0].nameRu = 'changed';
    expect(directory.units()[0].nameRu).not.toBe('changed');
  });

  it('accepts a hand-made level-3 group (no level-3 data is seeded)', () => {
    const raw: DirectoryData = directory.toJSON();
    const level3 = (agency: Unit['agency'], nameEn: string): Unit => ({
      id: `${agency}.l3.KZ-27-ORAL`,
      agency,
      level: 3,
      nameRu: nameEn,
      nameEn,
      regionCode: 'KZ-27',
      zone: 'Asia/Oral',
      keys: [],
    });
    raw.units.push(level3('interior', 'Oral city police'), level3('border', 'Oral border detachment'), level3('customs', 'Oral customs house'));
    raw.groups.push({ id: 'g.l3.KZ-27-ORAL', level: 3, members: ['interior.l3.KZ-27-ORAL', 'border.l3.KZ-27-ORAL', 'customs.l3.KZ-27-ORAL'], regionCode: 'KZ-27' });
    const withLevel3 = Directory.fromJSON(raw);
    expect(withLevel3.units({ level: 3 }).length).toBe(3);
    expect(withLevel3.canSend('border.l3.KZ-27-ORAL', 'customs.l3.KZ-27-ORAL')).toBe(true);
    expect(withLevel3.zoneOf('interior.l3.KZ-27-ORAL')).toBe('Asia/Oral');

    // Scope rule: a level-3 scope starts with its region code.
    raw.units[raw.units.length - 1] = { ...level3('customs', 'x'), regionCode: 'KZ-71', zone: 'Asia/Almaty' };
    expect(() => Directory.fromJSON(raw)).toThrow('units[533] (customs.l3.KZ-27-ORAL).id: level-3 scope must start with "KZ-71-"');
  });

  // How fast lookups are is the bench's question (timed tests fail on a loaded machine); this one
  // checks that the three indexes agree with each other for every pair of units it samples.
  it('answers canSend, zoneOf and counterparts consistently from its indexes', () => {
    const ids = directory.units().map((u) => u.id);
    for (let i = 0; i < 3 * ids.length; i++) {
      const a = ids[i % ids.length];
      const b = ids[(i * 7) % ids.length];
      const theirs = directory.counterparts(a).map((u) => u.id);
      expect(directory.canSend(a, b)).toBe(theirs.includes(b));
      expect(directory.zoneOf(a)).toBe(directory.unit(a).zone);
    }
  });
});
