/**
 * A writer for the crash test (run from dist/): appends batches of leaves to the log in the
 * database given as argv[2] and signs checkpoints between them, as fast as it can, printing the
 * size after each commit, until it is killed. Its leaves are derived from their index so the
 * parent can tell what a committed leaf must contain.
 */
import { Pool } from 'pg';
import { SystemClock } from '@shekara/common';
import { PgLogStore, ed25519Signer, parseSignerKey, poolDb } from '@shekara/tlog';

export function childLeaf(index: number): Buffer {
  return Buffer.from(`leaf ${index}`);
}

async function main(): Promise<void> {
  const [url, skey, origin] = process.argv.slice(2);
  const pool = new Pool({ connectionString: url, max: 2 });
  const store = new PgLogStore(poolDb(pool), new SystemClock());
  const { name, privateKey } = parseSignerKey(skey);
  const signer = ed25519Signer(name, privateKey);
  for (let round = 0; ; round++) {
    const size = await store.size();
    const n = 1 + (round % 37);
    // The data depends on the index it will get: a leaf written twice would show.
    const batch = Array.from({ length: n }, (_, i) => ({ data: childLeaf(size + i), messageId: `m${size + i}`, kind: 'envelope' as const, direction: 'sent' as const }));
    const r = await store.append(batch);
    if (round % 3 === 0) await store.signCheckpoint(origin, signer);
    process.stdout.write(`${r.size}\n`);
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`${String((e as Error).stack ?? e)}\n`);
    process.exit(1);
  });
}
