/**
 * Full-text relevance of the data bank on a small labelled set per language
 * (test/fixtures/databank/relevance.json): russian and english through PostgreSQL's stemmers, kazakh
 * through the node's own configuration (lower case, no stemming, prefix queries). Runs the store's
 * search statement on a migrated database of its own, without a node.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { BankLanguage, BankRecordContentSchema, BankRecordVersionSchema, BankVersionAction, Classification, MaterialKind } from '@shekara/contracts';
import { DataBankStore, agencyNodeDataSource, tsQueries, versionRow } from '@shekara/agency-node';
import { dropDatabase, ensureDatabase, withDatabase } from '@shekara/persistence';
import { PG_URL } from '../support/harness';

jest.setTimeout(60_000);

interface Material {
  id: string;
  title: string;
  body: string;
  topics: string[];
}
type Lang = 'ru' | 'kk' | 'en';
const SET = JSON.parse(readFileSync(join(__dirname, '../fixtures/databank/relevance.json'), 'utf8')) as Record<Lang, { materials: Material[]; queries: { q: string; relevant: string[] }[] }>;
const LANGUAGE: Record<Lang, BankLanguage> = { ru: BankLanguage.RU, kk: BankLanguage.KK, en: BankLanguage.EN };

/** A UUIDv7-shaped id per fixture id (the store keys records by uuid). */
const uuidOf = (i: number) => `01900000-0000-7000-8000-${String(i).padStart(12, '0')}`;

describe('full-text relevance of the data bank', () => {
  const url = withDatabase(PG_URL, `shekara_relevance_${process.pid}_${Date.now()}`);
  const ds = agencyNodeDataSource(url);
  const store = new DataBankStore(ds);
  const idOf = new Map<string, string>();
  const filter = { classifications: ['UNCLASSIFIED', 'FOR_OFFICIAL_USE', 'CONFIDENTIAL'], today: '2026-12-01', limit: 10, offset: 0 };

  beforeAll(async () => {
    await ensureDatabase(url);
    await ds.initialize();
    await ds.runMigrations();
    const rows = [];
    let n = 0;
    for (const lang of ['ru', 'kk', 'en'] as const) {
      for (const m of SET[lang].materials) {
        const recordId = uuidOf(++n);
        idOf.set(recordId, m.id);
        const version = create(BankRecordVersionSchema, {
          recordId,
          version: 1,
          ownerAgency: 'customs',
          contributorUnit: 'customs.l1.KZ',
          createdAt: timestampFromDate(new Date('2026-11-01T00:00:00Z')),
          action: BankVersionAction.CREATE,
          content: create(BankRecordContentSchema, {
            body: { case: 'material', value: { kind: MaterialKind.REVIEW, title: m.title, body: m.body, topics: m.topics, language: LANGUAGE[lang] } },
            classification: Classification.UNCLASSIFIED,
          }),
        });
        rows.push(versionRow(version, new Uint8Array([1])));
      }
    }
    await store.writeVersions(rows, new Date(), '[]', '[]', false);
  });
  afterAll(async () => {
    await ds.destroy();
    await dropDatabase(url);
  });

  for (const lang of ['ru', 'kk', 'en'] as const) {
    it.each(SET[lang].queries)(`${lang}: %j`, async ({ q, relevant }) => {
      const { rows } = await store.search(tsQueries(q), filter);
      const found = rows.map((r) => idOf.get(r.record_id));
      expect(found.slice(0, relevant.length)).toEqual(relevant);
      // Kazakh letters survive in the snippet, and the hits are marked.
      expect(rows[0].snippet).toMatch(/\u0001[^\u0002]+\u0002/);
    });
  }

  it('keeps Kazakh letters whole in the index (no stemming into nonsense)', async () => {
    const [row] = await ds.query(`SELECT search::text AS s FROM bank_records WHERE title = 'Жалған құжаттар туралы шолу'`);
    expect(row.s).toContain("'құжаттар'");
    expect(row.s).toContain("'жалған'");
  });
});
