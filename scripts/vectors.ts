/**
 * Writes the protocol's test vectors (apps/cli/src/conformance/vectors.ts) under a folder,
 * replacing what is there: `npm run vectors` (after `npm run build`) makes test/fixtures/vectors/.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { makeVectors } from '../apps/cli/src/conformance/vectors';

const out = process.argv[2] ?? 'test/fixtures/vectors';
rmSync(join(out, 'envelopes'), { recursive: true, force: true });
const { files } = makeVectors();
for (const [path, content] of files) {
  mkdirSync(dirname(join(out, path)), { recursive: true });
  writeFileSync(join(out, path), content);
}
process.stdout.write(`${files.size} vector files written to ${out}\n`);
