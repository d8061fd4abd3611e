/**
 * The matching phase (BENCH_ONLY=matching): the person index in PostgreSQL filled with synthetic
 * identities (1,000,000; BENCH_QUICK: 100,000), then queries of every variant class and hard
 * negatives through PersonIndexStore.candidates(): candidate recall (top 50), precision and recall
 * at the alert threshold per class, and query latency. The indexes are built after the load, as a
 * restore would; their definitions come from the node's migration.
 */
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { ensureDatabase } from '@shekara/persistence';
import {
  ALERT_THRESHOLD,
  MatchingNameCounts1767300000000,
  MatchingPersonIndex1764900000000,
  PersonIndexStore,
  ambiguity,
  asRecord,
  buildQueries,
  evaluateAsync,
  identities,
  namesakeKey,
  type Identity,
  type Namesake,
} from '@shekara/matching';
import { percentiles } from './stats';
import type { BenchSystem } from './system';

const log = (s: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] matching: ${s}\n`);

export interface MatchingOptions {
  persons: number;
  perClass: number;
  negatives: number;
}

export async function matchingPhase(sys: BenchSystem, result: Record<string, any>, o: MatchingOptions): Promise<void> {
  const url = sys.dbUrl('matching');
  await ensureDatabase(url);
  const ds = new DataSource({ type: 'postgres', url, migrations: [MatchingPersonIndex1764900000000, MatchingNameCounts1767300000000], poolSize: 1 });
  await ds.initialize();
  await ds.runMigrations();
  await ds.destroy();
  const pool = new Pool({ connectionString: url, max: 2 });
  try {
    const defs = (await pool.query<{ name: string; def: string }>(`SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE tablename = 'match_persons' AND indexname <> 'match_persons_pkey'`)).rows;
    for (const d of defs) await pool.query(`DROP INDEX ${d.name}`);
    const store = new PersonIndexStore(pool);
    // Every 997th identity is kept as a source of queries; the rest only goes to the database.
    const sources: Identity[] = [];
    // Every identity's namesakes (same names, sex, nationality): the ceiling of what a matcher can tell apart.
    const namesakes = new Map<string, Namesake[]>();
    const t0 = performance.now();
    let batch: Identity[] = [];
    let n = 0;
    for (const p of identities(o.persons, 19)) {
      if (n++ % 997 === 0) sources.push(p);
      const k = namesakeKey(p);
      const entry: Namesake = { id: p.id, patronymic: p.patronymic, dateOfBirth: p.dateOfBirth };
      const same = namesakes.get(k);
      if (same) same.push(entry);
      else namesakes.set(k, [entry]);
      batch.push(p);
      if (batch.length === 5000) {
        await store.add(batch.map(asRecord));
        batch = [];
        if (n % 100_000 === 0) log(`${n.toLocaleString('en-US')} persons loaded`);
      }
    }
    if (batch.length) await store.add(batch.map(asRecord));
    const loadS = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    for (const d of defs) await pool.query(d.def);
    await pool.query('ANALYZE match_persons');
    const indexS = (performance.now() - t1) / 1000;
    const size = (await pool.query<{ table: string; indexes: string }>(`SELECT pg_size_pretty(pg_table_size('match_persons')) AS table, pg_size_pretty(pg_indexes_size('match_persons')) AS indexes`)).rows[0];
    log(`loaded ${o.persons.toLocaleString('en-US')} in ${loadS.toFixed(0)} s, indexed in ${indexS.toFixed(0)} s (${size.table} table, ${size.indexes} indexes)`);

    const queries = buildQueries(sources, o.perClass, o.negatives, 19);
    // Warm-up: the first queries fault the indexes into memory.
    for (const q of queries.slice(0, 50)) await store.candidates(q.record, 50);
    const latencies: number[] = [];
    const quality = await evaluateAsync(queries, (q, limit) => store.candidates(q, limit), (ms) => latencies.push(ms), 0);
    const plans = await store.plans(queries[0].record);
    const ambiguous = ambiguity(queries, new Map(sources.map((p) => [p.id, p])), (k) => namesakes.get(k) ?? []);
    const lat = percentiles(latencies);
    log(`${queries.length} queries: p50 ${lat.p50} ms, p95 ${lat.p95} ms; candidate recall ${quality.candidateRecall.toFixed(4)}, precision ${quality.precision.toFixed(4)}`);
    result.matching = {
      persons: o.persons,
      queries: queries.length,
      threshold: ALERT_THRESHOLD,
      loadSeconds: Math.round(loadS),
      indexSeconds: Math.round(indexS),
      tableSize: size.table,
      indexesSize: size.indexes,
      latencyMs: lat,
      candidateRecall: quality.candidateRecall,
      precision: quality.precision,
      alerts: quality.alerts,
      falseAlerts: quality.falseAlerts,
      perClass: quality.perClass,
      ambiguous,
      indexOnly: !Object.values(plans).some((p) => p.includes('Seq Scan')),
    };
  } finally {
    await pool.end();
  }
}

export interface Row {
  metric: string;
  value: number | string;
  unit: string;
  target?: string;
  pass?: boolean;
}

/** The rows of the results table for the matching phase. */
export function matchingRows(m: Record<string, any>): Row[] {
  const n = (x: number) => Math.round(x * 1000) / 1000;
  const rows: Row[] = [];
  rows.push({ metric: `matching: persons indexed in PostgreSQL (load / index build)`, value: `${m.persons.toLocaleString('en-US')} (${m.loadSeconds} s / ${m.indexSeconds} s)`, unit: '' });
  rows.push({ metric: 'matching: candidate recall (true person in the top 50)', value: n(m.candidateRecall), unit: '', target: '>= 0.995', pass: m.candidateRecall >= 0.995 });
  rows.push({ metric: `matching: precision at the alert threshold (${m.threshold}), all alerts`, value: `${n(m.precision)} (${m.falseAlerts} false of ${m.alerts})`, unit: '', target: '>= 0.95', pass: m.precision >= 0.95 });
  for (const [cls, c] of Object.entries<any>(m.perClass)) {
    if (cls === 'hard-negative') rows.push({ metric: `  hard negatives (${c.queries}): false alerts`, value: c.falseAlerts, unit: '' });
    else {
      // Beside it, the share of the class's queries no matcher can tell from a namesake (eval/ambiguity.ts): 1 - that bounds recall at full precision.
      const amb = m.ambiguous?.[cls]?.ambiguous;
      rows.push({ metric: `  recall at the threshold: ${cls} (${c.queries})${amb ? `; ambiguous with a namesake: ${n(amb)}` : ''}`, value: n(c.recall), unit: '', target: '>= 0.98', pass: c.recall >= 0.98 });
    }
  }
  rows.push({ metric: `matching: query latency p50 / p95 / p99 at ${m.persons.toLocaleString('en-US')} persons`, value: `${m.latencyMs.p50} / ${m.latencyMs.p95} / ${m.latencyMs.p99}`, unit: 'ms', target: 'p95 < 50 ms', pass: m.latencyMs.p95 < 50 });
  rows.push({ metric: '  retrieval through the indexes only (EXPLAIN)', value: m.indexOnly ? 'yes' : 'no', unit: '', pass: m.indexOnly });
  return rows;
}
