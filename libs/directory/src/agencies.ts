import type { AgencyCode } from '@shekara/contracts';
import { DirectoryError, DirectoryErrorCode } from './errors';
import { CAPITAL_REGION_CODE, type Agency, type DatedName, type IsoDate } from './model';
import { REFERENCE } from './reference';
import { localDate } from './time';

/**
 * The three agencies and their names over time.
 *
 * Coverage starts on 2002-04-10, the earliest signature of the 2002 joint order (MGD order No. 420);
 * earlier names are not recorded. `from` is inclusive and `to` exclusive, both calendar dates in the
 * capital's zone. "Instruction" below is joint-instruction-2002.ru.txt (title, preamble and the 2006
 * amendment footnote); SOURCES.md is libs/directory/data/reference/SOURCES.md.
 */
export const AGENCY_HISTORY: readonly Agency[] = [
  {
    code: 'interior',
    names: [
      {
        from: '2002-04-10',
        nameRu: 'Министерство внутренних дел Республики Казахстан',
        nameEn: 'Ministry of Internal Affairs of the Republic of Kazakhstan',
        shortRu: 'МВД РК',
        source:
          'Instruction: signed by the Minister of Internal Affairs (order No. 293 of 29.04.2002) and still so named ' +
          'in the 2006 amendment (order No. 11 of 07.01.2006) and the 2015 repeal (order No. 19 of 13.01.2015). ' +
          'The migration police is a service of this ministry (clause 8).',
      },
    ],
  },
  {
    code: 'border',
    names: [
      {
        from: '2002-04-10',
        nameRu: 'Пограничная служба Комитета национальной безопасности Республики Казахстан',
        nameEn: 'Border Service of the National Security Committee of the Republic of Kazakhstan',
        shortRu: 'ПС КНБ РК',
        source:
          'Instruction: title, clause 8(1), KNB order No. 65 of 23.04.2002; unchanged by the 2006 amendment ' +
          'and named so in the 2015 repeal (KNB order No. 29 of 25.04.2015).',
      },
    ],
  },
  {
    code: 'customs',
    names: [
      {
        from: '2002-04-10',
        to: '2002-08-28',
        nameRu: 'Таможенный комитет Министерства государственных доходов Республики Казахстан',
        nameEn: 'Customs Committee of the Ministry of State Revenues of the Republic of Kazakhstan',
        shortRu: 'ТК МГД РК',
        source:
          'Instruction: title of the 2002 order, signed by the Minister of State Revenues (order No. 420 of ' +
          '10.04.2002). End date: general knowledge (Presidential Decree of 28.08.2002 No. 931 abolished the ' +
          'Ministry of State Revenues and formed the Customs Control Agency), not checked against the decree text.',
      },
      {
        from: '2002-08-28',
        to: '2004-10-29',
        nameRu: 'Агентство таможенного контроля Республики Казахстан',
        nameEn: 'Customs Control Agency of the Republic of Kazakhstan',
        shortRu: 'АТК РК',
        source:
          'SOURCES.md §1: the 2003 joint order on migration cards was signed by the Customs Control Agency ' +
          '(No. 177). Start date: general knowledge (see the previous name). End date: Government Decree of ' +
          '29.10.2004 No. 1133 (under Presidential Decree of 29.09.2004 No. 1449) formed the Customs Control ' +
          'Committee of the Ministry of Finance by reorganising the Agency (continent-online.com doc 30124199).',
      },
      {
        from: '2004-10-29',
        to: '2014-08-06',
        nameRu: 'Комитет таможенного контроля Министерства финансов Республики Казахстан',
        nameEn: 'Customs Control Committee of the Ministry of Finance of the Republic of Kazakhstan',
        shortRu: 'КТК МФ РК',
        source:
          'Instruction: the 2006 amendment (MF order No. 406 of 02.12.2005) replaced "Таможенный комитет ' +
          'Министерства государственных доходов" by this name; places it missed still say "Таможенный ' +
          'комитет МФ" (clauses 4, 9), which is a leftover, not a separate agency. Start date: Government ' +
          'Decree of 29.10.2004 No. 1133. End date: general knowledge (Presidential Decree of 06.08.2014 ' +
          'No. 875 on the reform of public administration merged the tax and customs committees).',
      },
      {
        from: '2014-08-06',
        nameRu: 'Комитет государственных доходов Министерства финансов Республики Казахстан',
        nameEn: 'State Revenue Committee of the Ministry of Finance of the Republic of Kazakhstan',
        shortRu: 'КГД МФ РК',
        source:
          'General knowledge for the start date (see the previous name); the committee signs as such in ' +
          'Ministry of Finance orders of March 2015 (orders No. 205 and No. 238, cis-legislation.com).',
      },
    ],
  },
];

/**
 * The zone in which the dates of agency names are read by default: the zone of the capital's region
 * (KZ-71) in regions.json. Directory.agencyName() uses the zone of its own KZ-71 region.
 */
export const CAPITAL_ZONE: string = capitalZone();

function capitalZone(): string {
  const capital = REFERENCE.regions.regions.find((r) => r.code === CAPITAL_REGION_CODE);
  if (!capital) throw new DirectoryError(DirectoryErrorCode.INVALID_REFERENCE, `region ${CAPITAL_REGION_CODE} is missing`);
  return capital.iana_zone;
}

/** The name of `agency` in force at instant `at`, from `agencies` (the built-in history by default). */
export function agencyName(
  code: AgencyCode,
  at: Date,
  agencies: readonly Agency[] = AGENCY_HISTORY,
  zone: string = CAPITAL_ZONE,
): DatedName {
  const agency = agencies.find((a) => a.code === code);
  if (!agency) throw new DirectoryError(DirectoryErrorCode.NO_NAME_AT, `agency ${code} has no names`);
  const day: IsoDate = localDate(at, zone);
  const name = agency.names.find((n) => n.from <= day && (n.to === undefined || day < n.to));
  if (!name) {
    throw new DirectoryError(
      DirectoryErrorCode.NO_NAME_AT,
      `${code} at ${at.toISOString()} (${day} in ${zone}); names cover ${agency.names[0]?.from ?? 'nothing'} onwards`,
    );
  }
  return name;
}
