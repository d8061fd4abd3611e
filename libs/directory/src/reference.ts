import regionsJson from '../data/reference/regions.json';
import checkpointsJson from '../data/reference/checkpoints.json';

/**
 * The parts of the reference files (libs/directory/data/reference) that the directory reads.
 * The files carry more (sources, notes, historical codes); see their `_about` fields.
 */
export interface ReferenceRegion {
  code: string;
  name_ru: string;
  name_en: string;
  iana_zone: string;
}

export interface ReferenceCheckpoint {
  id: string;
  name_ru: string;
  name_en: string;
  type: string;
  /** null where the sources did not give the region. */
  region_code: string | null;
}

export interface ReferenceData {
  regions: { regions: ReferenceRegion[] };
  checkpoints: { checkpoints: ReferenceCheckpoint[] };
}

/** The reference data shipped with the library (copied from the shared reference set). */
export const REFERENCE: ReferenceData = { regions: regionsJson, checkpoints: checkpointsJson };
