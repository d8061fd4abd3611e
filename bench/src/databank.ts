/**
 * The data bank phase (BENCH_ONLY=databank; like matching, only when named):
 * - the document check: N travel documents (1,000,000; BENCH_QUICK: 100,000) in a node's tables
 *   (bulk-loaded, keys as documentKey() folds them), then lookups of present and absent numbers
 *   (with misreadings) through DataBankStore.documents(): latency p50/p95/p99;
 * - full text: M materials (100,000; quick: 10,000) of synthetic ru/kk/en text through the store's
 *   own write statement, then searches through DataBankStore.search(): latency;
 * - replication lag: three nodes, records made at interior through the API, lag = stored at the
 *   other node − made at interior (same machine, same clock), p50/p95.
 */
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { BankLanguage, BankRecordContentSchema, BankRecordVersionSchema, BankVersionAction, Classification, MaterialKind } from '@shekara/contracts';
import { DEMO_PASSWORD, DataBankStore, agencyNodeDataSource, documentKey, tsQueries, versionRow } from '@shekara/agency-node';
import { ensureDatabase } from '@shekara/persistence';
import { seededRandom } from '@shekara/common';
import { ApiClient } from './e2e';
import { percentiles } from './stats';
import { sleep } from './system';
import type { BenchSystem } from './system';

const log = (s: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] databank: ${s}\n`);

export interface DataBankOptions {
  documents: number;
  materials: number;
  queries: number;
  replicated: number;
}

const WORDS: Record<'ru' | 'kk' | 'en', string[]> = {
  ru: 'паспорт граница контрабанда мигрант подделка виза пункт пропуск таможня груз сигареты фотография защита документ проверка задержание маршрут водитель автомобиль регистрация'.split(' '),
  kk: 'паспорт шекара контрабанда мигрант жалған виза өткізу пункт кеден жүк темекі фотосурет қорғаныс құжат тексеру ұстау бағыт жүргізуші көлік тіркеу'.split(' '),
  en: 'passport border smuggling migrant forgery visa checkpoint crossing customs cargo cigarettes photograph security document inspection detention route driver vehicle registration'.split(' '),
};
const LANGS = ['ru', 'kk', 'en'] as const;
const LANG_ENUM = { ru: BankLanguage.RU, kk: BankLanguage.KK, en: BankLanguage.EN };

export async function dataBankPhase(sys: BenchSystem, result: Record<string, any>, o: DataBankOptions): Promise<void> {
  const url = sys.dbUrl('databank');
  await ensureDatabase(url);
  const ds = agencyNodeDataSource(url);
  await ds.initialize();
  await ds.runMigrations();
  const store = new DataBankStore(ds);
  const filter = { classifications: ['UNCLASSIFIED', 'FOR_OFFICIAL_USE', 'CONFIDENTIAL'], today: '2026-12-01', limit: 20, offset: 0 };
  const rnd = seededRandom(18);
  try {
    // Travel documents: numbers "K" + 8 digits, issuing state KAZ; keys as documentKey() folds them.
    const t0 = performance.now();
    await ds.query(
      `INSERT INTO bank_records (record_id, owner_agency, version, kind, status, classification, contributor_unit, created_at, updated_at, review_on, title, doc_state, doc_key, content)
       SELECT gen_random_uuid(), 'border', 1, 'TRAVEL_DOCUMENT', 'ACTIVE', 'FOR_OFFICIAL_USE', 'border.l1.KZ', now(), now(), '2036-01-01', 'KAZ K' || lpad(i::text, 8, '0'),
              'KAZ', 'KAZ:K' || lpad(i::text, 8, '0'), jsonb_build_object('travelDocument', jsonb_build_object('number', 'K' || lpad(i::text, 8, '0'), 'issuingState', 'KAZ'))
         FROM generate_series(1, $1) AS i`,
      [o.documents],
    );
    await ds.query(`ANALYZE bank_records`);
    const loadS = (performance.now() - t0) / 1000;
    log(`${o.documents.toLocaleString('en-US')} documents loaded in ${loadS.toFixed(1)} s`);
    const check: number[] = [];
    let hits = 0;
    for (let q = 0; q < o.queries; q++) {
      const i = 1 + Math.floor(rnd() * o.documents * 1.1); // ~9% absent
      const printed = `K${String(i).padStart(8, '0')}`;
      const asked = q % 3 === 0 ? printed.replace(/0/g, 'O') : q % 3 === 1 ? `${printed.slice(0, 4)} ${printed.slice(4)}` : printed;
      const s = performance.now();
      const rows = await store.documents(documentKey('KAZ', asked), filter.today);
      check.push(performance.now() - s);
      if (rows.length) hits++;
    }
    const checkLat = percentiles(check);
    log(`document check p95 ${checkLat.p95} ms (${hits}/${o.queries} hits)`);

    // Materials: synthetic text in three languages, written by the store's own statement.
    const t1 = performance.now();
    const batch = 1000;
    for (let start = 0; start < o.materials; start += batch) {
      const rows = [];
      for (let k = start; k < Math.min(o.materials, start + batch); k++) {
        const lang = LANGS[k % 3];
        const words = WORDS[lang];
        const text = Array.from({ length: 80 }, () => words[Math.floor(rnd() * words.length)]).join(' ');
        const id = `0190${String(k).padStart(4, '0').slice(-4)}-0000-7000-8000-${String(k).padStart(12, '0')}`;
        rows.push(
          versionRow(
            create(BankRecordVersionSchema, {
              recordId: id, version: 1, ownerAgency: 'customs', contributorUnit: 'customs.l1.KZ', createdAt: timestampFromDate(new Date()), action: BankVersionAction.CREATE,
              content: create(BankRecordContentSchema, { body: { case: 'material', value: { kind: MaterialKind.REVIEW, title: text.split(' ').slice(0, 5).join(' '), body: text, language: LANG_ENUM[lang] } }, classification: Classification.UNCLASSIFIED }),
            }),
            new Uint8Array([1]),
          ),
        );
      }
      await store.writeVersions(rows, new Date(), '[]', '[]', false);
    }
    await ds.query(`ANALYZE bank_records`);
    const ftsLoadS = (performance.now() - t1) / 1000;
    log(`${o.materials.toLocaleString('en-US')} materials loaded in ${ftsLoadS.toFixed(1)} s`);
    const fts: number[] = [];
    for (let q = 0; q < Math.min(o.queries, 300); q++) {
      const words = WORDS[LANGS[q % 3]];
      const question = `${words[Math.floor(rnd() * words.length)]} ${words[Math.floor(rnd() * words.length)]}`;
      const s = performance.now();
      await store.search(tsQueries(question), filter);
      fts.push(performance.now() - s);
    }
    const ftsLat = percentiles(fts);
    log(`full-text search p95 ${ftsLat.p95} ms`);
    result.databank = { documents: o.documents, documentLoadS: Math.round(loadS), check: checkLat, hits, materials: o.materials, materialLoadS: Math.round(ftsLoadS), search: ftsLat };
  } finally {
    await ds.destroy();
  }
  if (o.replicated) result.databank.replication = await replicationLag(sys, o.replicated);
}

/** Records made at interior through the API, one every 50 ms; lag at border and customs from their own tables. */
async function replicationLag(sys: BenchSystem, n: number): Promise<Record<string, unknown>> {
  const nodes = { interior: await sys.startNode('interior'), border: await sys.startNode('border'), customs: await sys.startNode('customs') };
  const api = new ApiClient(nodes.interior, 4);
  try {
    await api.login('interior.duty', DEMO_PASSWORD);
    for (let i = 0; i < n; i++) {
      const body = { travelDocument: { number: `R${String(i).padStart(8, '0')}`, issuingState: 'KAZ', documentType: 'DOCUMENT_TYPE_PASSPORT', status: 'TRAVEL_DOCUMENT_STATUS_LOST', reportedOn: '2026-12-01' }, classification: 'CLASSIFICATION_FOR_OFFICIAL_USE' };
      const r = await api.request('POST', '/api/bank/records', Buffer.from(JSON.stringify(body)));
      if (r.status !== 201) throw new Error(`bank record: ${r.status} ${r.text.slice(0, 300)}`);
      await sleep(50);
    }
    const out: Record<string, unknown> = { records: n };
    for (const agency of ['border', 'customs'] as const) {
      const deadline = Date.now() + 60_000;
      let lags: number[] = [];
      while (Date.now() < deadline) {
        const rows = await sys.sql<{ ms: number }>(sys.dbUrl(agency), `SELECT extract(epoch FROM stored_at - created_at) * 1000 AS ms FROM bank_versions WHERE owner_agency = 'interior'`);
        lags = rows.map((r) => Number(r.ms));
        if (lags.length >= n) break;
        await sleep(500);
      }
      out[agency] = percentiles(lags);
      log(`replication lag to ${agency}: p95 ${(out[agency] as { p95: number }).p95} ms (${lags.length}/${n})`);
    }
    return out;
  } finally {
    api.close();
    for (const a of ['interior', 'border', 'customs']) await sys.stop(a).catch(() => undefined);
  }
}

/** The rows of the results table. */
export function dataBankRows(d: Record<string, any>): { metric: string; value: number | string; unit: string; target?: string; pass?: boolean }[] {
  const rows: { metric: string; value: number | string; unit: string; target?: string; pass?: boolean }[] = [
    { metric: `bank: document check p95 (${d.documents.toLocaleString('en-US')} documents)`, value: d.check.p95, unit: 'ms', target: '< 50', pass: d.check.p95 < 50 },
    { metric: `bank: full-text search p95 (${d.materials.toLocaleString('en-US')} materials)`, value: d.search.p95, unit: 'ms', target: '< 300', pass: d.search.p95 < 300 },
  ];
  for (const a of ['border', 'customs']) if (d.replication?.[a]) rows.push({ metric: `bank: replication lag interior → ${a} p95`, value: d.replication[a].p95, unit: 'ms' });
  return rows;
}
