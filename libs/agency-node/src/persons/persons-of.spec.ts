import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { personsOf } from './persons-of';

const fixture = (name: string) => JSON.parse(readFileSync(join(__dirname, '../../../../test/fixtures/contracts/ok', name), 'utf8'));

describe('personsOf', () => {
  it('reads the detained migrants of an urgent report with their documents', () => {
    const body = fixture('urgent-detained-migrants.json');
    const persons = personsOf('m1', { urgent: body.urgent });
    expect(persons.map((p) => p.role)).toEqual(['detained-migrant', 'detained-migrant']);
    expect(persons[1].record).toEqual({
      id: 'm1:1',
      surname: 'TURSUNOV',
      givenNames: 'AZIZ',
      patronymic: 'BAKHTIYOROVICH',
      dateOfBirth: '1996-11-02',
      citizenship: 'UZB',
      sex: 'M',
      documents: [{ number: 'FA7654321', issuingState: 'UZB', type: 'DOCUMENT_TYPE_PASSPORT' }],
    });
  });

  it('gives a forged document to its holder and reads holders of lost documents', () => {
    const payload = {
      urgent: {
        forgedDocuments: { documents: [{ documentType: 'DOCUMENT_TYPE_PASSPORT', number: 'N0001', issuingState: 'KGZ', holder: { surname: 'Асанов', givenNames: 'Бакыт', dateOfBirth: '1980-01-02', citizenship: 'KGZ', sex: 'SEX_MALE' } }] },
      },
    };
    expect(personsOf('m2', payload)).toEqual([
      { role: 'forged-document-holder', record: { id: 'm2:0', surname: 'Асанов', givenNames: 'Бакыт', dateOfBirth: '1980-01-02', citizenship: 'KGZ', sex: 'M', documents: [{ number: 'N0001', issuingState: 'KGZ', type: 'DOCUMENT_TYPE_PASSPORT' }] } },
    ]);
    const lost = personsOf('m3', { advance: { documents: { lostOrStolen: [{ number: 'X1', holderName: 'IVANOV Ivan' }, { number: 'X2', holderName: 'NOBODY' }] } } });
    expect(lost).toEqual([{ role: 'lost-document-holder', record: { id: 'm3:0', surname: 'IVANOV', givenNames: 'Ivan', documents: [{ number: 'X1' }] } }]);
  });

  it('finds nobody in reports without persons', () => {
    expect(personsOf('m4', { daily: { summary: 'quiet', changes: [] } })).toEqual([]);
    expect(personsOf('m5', null)).toEqual([]);
  });

  it('files no person of a hit decision (it repeats a person the deciding node matched)', () => {
    expect(personsOf('m1', { hitDecision: { person: { surname: 'TURSUNOV', givenNames: 'AZIZ' }, outcome: 'HIT_OUTCOME_CONFIRMED' } })).toEqual([]);
  });
});
