import { AGENCY_HISTORY, CAPITAL_ZONE, agencyName } from './agencies';
import { DirectoryError, DirectoryErrorCode } from './errors';

describe('agencyName', () => {
  it('gives the customs name in force before and after each rename', () => {
    const at = (iso: string) => agencyName('customs', new Date(iso)).nameEn;
    expect(at('2002-05-22T06:00:00Z')).toBe('Customs Committee of the Ministry of State Revenues of the Republic of Kazakhstan');
    expect(at('2003-06-01T06:00:00Z')).toBe('Customs Control Agency of the Republic of Kazakhstan');
    expect(at('2006-01-07T06:00:00Z')).toBe('Customs Control Committee of the Ministry of Finance of the Republic of Kazakhstan');
    expect(at('2026-08-01T06:00:00Z')).toBe('State Revenue Committee of the Ministry of Finance of the Republic of Kazakhstan');
  });

  it('switches at midnight of the capital zone, not at midnight UTC', () => {
    // Asia/Almaty kept summer time (UTC+7) until 2004-10-31: 2004-10-29 00:00 local = 2004-10-28 17:00 UTC.
    expect(CAPITAL_ZONE).toBe('Asia/Almaty');
    expect(agencyName('customs', new Date('2004-10-28T16:59:59Z')).shortRu).toBe('АТК РК');
    expect(agencyName('customs', new Date('2004-10-28T17:00:00Z')).shortRu).toBe('КТК МФ РК');
  });

  it('keeps the interior and border names across the period', () => {
    expect(agencyName('interior', new Date('2010-01-01T00:00:00Z')).nameRu).toBe('Министерство внутренних дел Республики Казахстан');
    expect(agencyName('border', new Date('2015-04-25T00:00:00Z')).shortRu).toBe('ПС КНБ РК');
  });

  it('throws NO_NAME_AT before the recorded history', () => {
    const call = () => agencyName('border', new Date('2001-01-01T00:00:00Z'));
    expect(call).toThrow(DirectoryError);
    expect(call).toThrow(/no agency name in force at that instant: border at 2001-01-01T00:00:00.000Z/);
    try {
      call();
    } catch (e) {
      expect((e as DirectoryError).code).toBe(DirectoryErrorCode.NO_NAME_AT);
    }
  });

  it('records contiguous names with a source each', () => {
    for (const agency of AGENCY_HISTORY) {
      agency.names.forEach((n, i) => {
        expect(n.source.length).toBeGreaterThan(20);
        const next = agency.names[i + 1];
        if (next) expect(n.to).toBe(next.from);
        else expect(n.to).toBeUndefined();
      });
    }
  });
});
