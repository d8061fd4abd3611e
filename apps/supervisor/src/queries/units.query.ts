import { Inject, Injectable } from '@nestjs/common';
import type { Column } from '../export/export';
import { UNIT_INFOS } from '../tokens';
import { unitMatches } from '../verdicts/units';
import type { UnitFilter, UnitInfo } from '../verdicts/units';
import type { ListingResult } from './listing';

const COLUMNS: readonly Column<UnitInfo>[] = [
  { header: 'id', value: (u) => u.id },
  { header: 'agency', value: (u) => u.agency },
  { header: 'level', value: (u) => u.level },
  { header: 'region', value: (u) => u.region },
  { header: 'zone', value: (u) => u.zone },
  { header: 'nameRu', value: (u) => u.nameRu },
  { header: 'nameEn', value: (u) => u.nameEn },
];

/** GET /api/directory/units: the directory's units (for the listings' filters), in directory order. */
@Injectable()
export class UnitsQuery {
  constructor(@Inject(UNIT_INFOS) private readonly units: ReadonlyMap<string, UnitInfo>) {}

  run(filter: UnitFilter): ListingResult<UnitInfo> {
    const rows = [...this.units.values()].filter((u) => unitMatches(u, filter));
    return { meta: {}, listing: { name: 'units', sheet: 'units', columns: COLUMNS, rows }, json: (u) => ({ ...u, region: u.region ?? null }) };
  }
}
