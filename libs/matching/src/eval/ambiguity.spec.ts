import { ambiguity, namesakeKey } from './ambiguity';
import type { Identity } from './generator';

const person = (id: string, dateOfBirth: string, extra: Partial<Identity> = {}): Identity => ({ id, surname: 'Ахметов', givenNames: 'Ерлан', sex: 'M', nationality: 'KAZ', citizenship: 'KAZ', father: 'Серік', dateOfBirth, ...extra });

describe('ambiguity', () => {
  const truth = person('P1', '1990-05-10');
  const twinNear = person('P2', '1990-06-01');
  const twinFar = person('P3', '1991-03-01');
  const index = new Map([[namesakeKey(truth), [truth, twinNear, twinFar]]]);
  const ask = (dateOfBirth: string, extra: Partial<Identity> = {}) =>
    ambiguity([{ record: { id: 'Q', surname: 'Akhmetov', givenNames: 'Erlan', dateOfBirth, ...extra }, truth: 'P1', cls: 'dob-within-year' }], new Map([['P1', truth]]), (k) => index.get(k) ?? []);

  it('counts a query whose date agrees with a namesake at least as well as with its person', () => {
    expect(ask('1990-05-25')['dob-within-year']).toEqual({ queries: 1, ambiguous: 1 }); // P2 is as near (within a month) as P1
  });

  it('does not count an exact date, or a query a document decides', () => {
    expect(ask('1990-05-10')['dob-within-year'].ambiguous).toBe(0);
    const withDocs = { ...truth, documents: [{ number: 'N1' }] };
    const r = ambiguity([{ record: { id: 'Q', surname: 'A', givenNames: 'E', dateOfBirth: '1990-05-25', documents: [{ number: 'N1' }] }, truth: 'P1', cls: 'dob-within-year' }], new Map([['P1', withDocs]]), () => [withDocs, twinNear]);
    expect(r['dob-within-year'].ambiguous).toBe(0);
  });

  it('lets a patronymic tell namesakes apart', () => {
    const t = { ...truth, patronymic: 'Серікұлы' };
    const other = { ...twinNear, patronymic: 'Болатұлы' };
    const r = ambiguity([{ record: { id: 'Q', surname: 'A', givenNames: 'E', patronymic: 'Serikuly', dateOfBirth: '1990-05-25' }, truth: 'P1', cls: 'dob-within-year' }], new Map([['P1', t]]), () => [t, other]);
    expect(r['dob-within-year'].ambiguous).toBe(0);
  });
});
