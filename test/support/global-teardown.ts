import { existsSync, readFileSync, rmSync } from 'node:fs';
import { Client, escapeIdentifier } from 'pg';
import { DEFERRED_DROPS, type DeferredDrop } from './deferred-drops';

/** Drops the databases, then their roles, that the run's tests released (TestDatabase.release), four at a time. */
export default async function globalTeardown(): Promise<void> {
  const list = process.env[DEFERRED_DROPS];
  if (!list || !existsSync(list)) return;
  const drops: DeferredDrop[] = readFileSync(list, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const failed: string[] = [];
  for (let i = 0; i < drops.length; i += 4) {
    await Promise.all(drops.slice(i, i + 4).map((d) => drop(d).catch((e: Error) => void failed.push(`${d.database}: ${e.message}`))));
  }
  rmSync(list, { force: true });
  if (failed.length) process.stderr.write(`global teardown: ${failed.length} of ${drops.length} released databases not dropped:\n  ${failed.slice(0, 5).join('\n  ')}\n`);
}

/**
 * `dropProvisioned` of libs/persistence, written here: Jest loads this file without the project's
 * module mapping, and the dependency rules forbid reaching into a library's source by its path.
 */
async function drop(d: DeferredDrop): Promise<void> {
  const admin = new Client({ connectionString: d.adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${escapeIdentifier(d.database)} WITH (FORCE)`);
    for (const r of d.roles) await admin.query(`DROP ROLE IF EXISTS ${escapeIdentifier(r)}`);
  } finally {
    await admin.end();
  }
}
