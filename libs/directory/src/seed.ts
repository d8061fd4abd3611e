import { AGENCIES, type AgencyCode } from '@shekara/contracts';
import { AGENCY_HISTORY } from './agencies';
import { DirectoryError, DirectoryErrorCode } from './errors';
import {
  CAPITAL_REGION_CODE,
  DIRECTORY_FORMAT,
  REPUBLIC_SCOPE,
  groupId,
  unitId,
  type Checkpoint,
  type CheckpointType,
  type DirectoryData,
  type InteractionGroup,
  type Level,
  type Region,
  type Unit,
} from './model';
import { REFERENCE, type ReferenceData } from './reference';
import { parseDirectoryData } from './validate';

interface Names {
  nameRu: string;
  nameEn: string;
}

/**
 * Unit names per level and agency, in the wording of clause 8 (as amended in 2006). They describe the
 * post, not the agency: the agency's name at a given date is agencyName(code, at).
 * Level 3 is absent: the reference has no border detachments, city-district police or customs houses.
 */
const LEVEL1_NAMES: Record<AgencyCode, Names> = {
  interior: {
    nameRu: 'Министерство внутренних дел Республики Казахстан (центральный аппарат)',
    nameEn: 'Ministry of Internal Affairs of the Republic of Kazakhstan (headquarters)',
  },
  border: {
    nameRu: 'Пограничная служба КНБ Республики Казахстан (центральный аппарат)',
    nameEn: 'Border Service of the National Security Committee (headquarters)',
  },
  customs: {
    nameRu: 'Центральный аппарат таможенных органов Республики Казахстан',
    nameEn: 'Customs headquarters of the Republic of Kazakhstan',
  },
};

const REGIONAL_NAMES: Record<AgencyCode, (r: Region) => Names> = {
  interior: (r) => ({ nameRu: `Управление внутренних дел (${r.nameRu})`, nameEn: `Internal Affairs Directorate (${r.nameEn})` }),
  border: (r) => ({
    nameRu: `Региональное управление Пограничной службы КНБ (${r.nameRu})`,
    nameEn: `Regional Directorate of the Border Service (${r.nameEn})`,
  }),
  customs: (r) => ({ nameRu: `Департамент таможенного контроля (${r.nameRu})`, nameEn: `Customs Control Department (${r.nameEn})` }),
};

const CHECKPOINT_NAMES: Record<4 | 5, Record<AgencyCode, (c: Checkpoint) => Names>> = {
  4: {
    interior: (c) => ({ nameRu: `Пост миграционного контроля «${c.nameRu}»`, nameEn: `Migration Control Post "${c.nameEn}"` }),
    border: (c) => ({ nameRu: `Отдел пограничного контроля «${c.nameRu}»`, nameEn: `Border Control Section "${c.nameEn}"` }),
    customs: (c) => ({ nameRu: `Таможенный пост «${c.nameRu}»`, nameEn: `Customs Post "${c.nameEn}"` }),
  },
  5: {
    interior: (c) => ({
      nameRu: `Старший поста миграционного контроля «${c.nameRu}»`,
      nameEn: `Senior of the Migration Control Post "${c.nameEn}"`,
    }),
    border: (c) => ({
      nameRu: `Старший смены пограничных нарядов «${c.nameRu}»`,
      nameEn: `Shift Senior of Border Details "${c.nameEn}"`,
    }),
    customs: (c) => ({ nameRu: `Начальник таможенного поста «${c.nameRu}»`, nameEn: `Chief of the Customs Post "${c.nameEn}"` }),
  },
};

/**
 * Seeds the directory from the reference data (without keys; see generateKeys()):
 * - level 1: the three headquarters, one group;
 * - level 2: for every region with at least one checkpoint, the regional unit of each agency, one group per region;
 * - levels 4 and 5: for every checkpoint, one unit of each agency and one group per level.
 * Every unit takes its region's zone; units without a region (level 1, checkpoints whose region the
 * reference does not know) take the zone of the capital's region.
 */
export function buildDirectory(reference: ReferenceData = REFERENCE): DirectoryData {
  const regions = reference.regions.regions.map(
    (r): Region => ({ code: r.code, nameRu: r.name_ru, nameEn: r.name_en, zone: r.iana_zone }),
  );
  const checkpoints = reference.checkpoints.checkpoints.map(
    (c): Checkpoint => ({
      id: c.id,
      nameRu: c.name_ru,
      nameEn: c.name_en,
      type: c.type as CheckpointType, // checked by parseDirectoryData below
      ...(c.region_code !== null && { regionCode: c.region_code }),
    }),
  );
  const regionByCode = new Map(regions.map((r) => [r.code, r]));
  const capitalZone = regionByCode.get(CAPITAL_REGION_CODE)?.zone;
  if (!capitalZone) throw new DirectoryError(DirectoryErrorCode.INVALID_REFERENCE, `regions.json: region ${CAPITAL_REGION_CODE} is missing`);
  const zoneOf = (regionCode: string | undefined): string => {
    if (regionCode === undefined) return capitalZone;
    const region = regionByCode.get(regionCode);
    if (!region) throw new DirectoryError(DirectoryErrorCode.INVALID_REFERENCE, `checkpoints.json: unknown region ${regionCode}`);
    return region.zone;
  };

  const units: Unit[] = [];
  const groups: InteractionGroup[] = [];
  const addGroup = (level: Level, scope: string, make: (agency: AgencyCode) => Omit<Unit, 'id' | 'agency' | 'level' | 'keys'>) => {
    const members = AGENCIES.map((agency) => {
      const unit: Unit = { id: unitId(agency, level, scope), agency, level, ...make(agency), keys: [] };
      units.push(unit);
      return unit.id;
    });
    const placed = units[units.length - 1]; // the three members share their place
    groups.push({
      id: groupId(level, scope),
      level,
      members,
      ...(placed.regionCode !== undefined && { regionCode: placed.regionCode }),
      ...(placed.checkpointId !== undefined && { checkpointId: placed.checkpointId }),
    });
  };

  addGroup(1, REPUBLIC_SCOPE, (agency) => ({ ...LEVEL1_NAMES[agency], zone: capitalZone }));

  const regionsWithCheckpoints = new Set(checkpoints.flatMap((c) => (c.regionCode ? [c.regionCode] : [])));
  for (const region of regions.filter((r) => regionsWithCheckpoints.has(r.code))) {
    addGroup(2, region.code, (agency) => ({ ...REGIONAL_NAMES[agency](region), regionCode: region.code, zone: region.zone }));
  }

  for (const level of [4, 5] as const) {
    for (const cp of checkpoints) {
      addGroup(level, cp.id, (agency) => ({
        ...CHECKPOINT_NAMES[level][agency](cp),
        ...(cp.regionCode !== undefined && { regionCode: cp.regionCode }),
        checkpointId: cp.id,
        zone: zoneOf(cp.regionCode),
      }));
    }
  }

  const data: DirectoryData = {
    format: DIRECTORY_FORMAT,
    agencies: AGENCY_HISTORY.map((a) => ({ code: a.code, names: a.names.map((n) => ({ ...n })) })),
    regions,
    checkpoints,
    units,
    groups,
  };
  try {
    return parseDirectoryData(data, 'directory built from the reference');
  } catch (e) {
    if (e instanceof DirectoryError) throw new DirectoryError(DirectoryErrorCode.INVALID_REFERENCE, e.detail, { cause: e });
    throw e;
  }
}
