import { AGENCIES } from '@shekara/contracts';
import regionsJson from '../data/reference/regions.json';
import checkpointsJson from '../data/reference/checkpoints.json';
import { Directory } from './directory';
import { DirectoryError, DirectoryErrorCode } from './errors';
import { buildDirectory } from './seed';

const directory = Directory.fromJSON(buildDirectory());
const zoneOfRegion = new Map(regionsJson.regions.map((r) => [r.code, r.iana_zone]));
const capitalZone = zoneOfRegion.get('KZ-71');

describe('buildDirectory', () => {
  it('gives every checkpoint a level-4 and a level-5 group with one unit per agency', () => {
    expect(checkpointsJson.checkpoints.length).toBe(79);
    for (const cp of checkpointsJson.checkpoints) {
      for (const level of [4, 5] as const) {
        const group = directory.groups().find((g) => g.id === `g.l${level}.${cp.id}`);
        expect(group).toBeDefined();
        expect(group!.members).toEqual(AGENCIES.map((a) => `${a}.l${level}.${cp.id}`));
        expect(group!.checkpointId).toBe(cp.id);
        for (const id of group!.members) expect(directory.unit(id).checkpointId).toBe(cp.id);
      }
    }
  });

  it('has the ministry level and a regional group for every region with a checkpoint', () => {
    expect(directory.groups().filter((g) => g.level === 1).map((g) => g.members)).toEqual([
      ['interior.l1.KZ', 'border.l1.KZ', 'customs.l1.KZ'],
    ]);
    const regions = new Set(checkpointsJson.checkpoints.flatMap((c) => (c.region_code ? [c.region_code] : [])));
    const regional = directory.groups().filter((g) => g.level === 2);
    expect(regional.map((g) => g.regionCode).sort()).toEqual([...regions].sort());
    for (const cp of checkpointsJson.checkpoints.filter((c) => c.region_code)) {
      expect(directory.canSend(`border.l2.${cp.region_code}`, `customs.l2.${cp.region_code}`)).toBe(true);
    }
    // Regions without checkpoints (Akmola, Karaganda's neighbour Ulytau, ...) get no regional units.
    expect(directory.units({ regionCode: 'KZ-11' })).toEqual([]);
  });

  it('seeds no level-3 units (the reference has none) and counts as documented', () => {
    const perLevel = [1, 2, 3, 4, 5].map((level) => directory.units({ level: level as 1 }).length);
    expect(perLevel).toEqual([3, 54, 0, 237, 237]);
    expect(directory.groups().length).toBe(1 + 18 + 79 + 79);
  });

  it('gives every unit the zone of its region from regions.json', () => {
    for (const unit of directory.units()) {
      expect(unit.zone).toBe(unit.regionCode ? zoneOfRegion.get(unit.regionCode) : capitalZone);
    }
    // CP-RU-A-02 Taskala is in West Kazakhstan (KZ-27).
    expect(directory.unit('border.l4.CP-RU-A-02').regionCode).toBe('KZ-27');
    expect(directory.zoneOf('border.l4.CP-RU-A-02')).toBe('Asia/Oral');
    expect(directory.zoneOf('interior.l2.KZ-39')).toBe('Asia/Qostanay');
    expect(directory.zoneOf('customs.l1.KZ')).toBe('Asia/Almaty');
  });

  it('leaves checkpoints of unknown region without a region and on the capital zone', () => {
    const unit = directory.unit('interior.l4.CP-RU-A-27');
    expect(unit.regionCode).toBeUndefined();
    expect(unit.zone).toBe(capitalZone);
    expect(directory.groupsOf(unit.id).map((g) => g.id)).toEqual(['g.l4.CP-RU-A-27']);
  });

  it('names units after their checkpoint or region', () => {
    expect(directory.unit('border.l4.CP-CN-A-01').nameRu).toBe('Отдел пограничного контроля «Нур Жолы»');
    expect(directory.unit('interior.l4.CP-CN-A-01').nameRu).toBe('Пост миграционного контроля «Нур Жолы»');
    expect(directory.unit('customs.l4.CP-CN-A-01').nameRu).toBe('Таможенный пост «Нур Жолы»');
    expect(directory.unit('customs.l5.CP-CN-A-01').nameEn).toBe('Chief of the Customs Post "Nur Zholy"');
    expect(directory.unit('border.l2.KZ-27').nameRu).toBe('Региональное управление Пограничной службы КНБ (Западно-Казахстанская область)');
  });

  it('reports broken reference data as INVALID_REFERENCE', () => {
    const regions = { regions: regionsJson.regions.map((r) => (r.code === 'KZ-27' ? { ...r, iana_zone: 'Asia/Uralsk' } : r)) };
    const call = () => buildDirectory({ regions, checkpoints: checkpointsJson });
    expect(call).toThrow(DirectoryError);
    expect(call).toThrow(/invalid reference data: .*regions\[\d+\]\.zone: "Asia\/Uralsk" is not an IANA time zone/);
    try {
      call();
    } catch (e) {
      expect((e as DirectoryError).code).toBe(DirectoryErrorCode.INVALID_REFERENCE);
    }
  });
});
