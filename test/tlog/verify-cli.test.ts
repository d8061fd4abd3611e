/**
 * `shekara verify` as a user runs it (node bin/shekara.js verify ...), on the fixture exports in
 * test/fixtures/verify/{ok,not-ok} and on an export written by the PostgreSQL log itself.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import { ManualClock } from '@shekara/common';
import { dropDatabase, ensureDatabase, withDatabase } from '@shekara/persistence';
import {
  CosignatureSigner,
  PgLogStore,
  PgWitnessStore,
  SIG_TYPE_COSIGNATURE_V1,
  SIG_TYPE_ED25519,
  TLOG_ALL_SQL,
  cosignatureVerifier,
  ed25519RawPublicKey,
  ed25519Signer,
  ed25519Verifier,
  formatTlogProof,
  formatVerifierKey,
  poolDb,
  writeLogExport,
} from '@shekara/tlog';
import { PG_URL } from '../support/harness';
import { buildOk, type VerifyCase } from './verify-fixtures';
import { builtForThisRun } from '../support/processes';

const ROOT = path.resolve(__dirname, '../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/verify');

function shekara(args: string[]) {
  const r = spawnSync(process.execPath, ['bin/shekara.js', 'verify', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

beforeAll(() => {
  // Recompile what the CLI runs, so the test runs the current sources.
  if (!builtForThisRun()) execFileSync('npx', ['swc', 'apps/cli', 'libs/tlog', 'libs/contracts', 'libs/security', '-d', 'dist', '--quiet'], { cwd: ROOT, stdio: 'pipe' });
}, 120_000);

describe.each(['ok', 'not-ok'])('shekara verify on %s fixtures', (dir) => {
  const cases = JSON.parse(readFileSync(path.join(FIXTURES, dir, 'cases.json'), 'utf8')) as VerifyCase[];
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = shekara(['--export', path.join(FIXTURES, dir, c.export)]);
    expect(r.status).toBe(c.exitCode);
    const found = r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const f = JSON.parse(l) as Record<string, unknown>;
        expect(typeof f.message_en).toBe('string');
        expect(typeof f.message_ru).toBe('string');
        return Object.fromEntries(Object.entries(f).filter(([k]) => ['code', 'file', 'line', 'row', 'field'].includes(k)));
      });
    expect(found).toEqual(c.findings);
    if (c.exitCode === 1) expect(r.stderr).toContain(`${c.findings.length} finding(s)`);
    if (c.exitCode === 0) expect(r.stderr).toContain('verified: no findings');
  });
});

describe('shekara verify input handling', () => {
  it('reproduces the committed ok fixture from its fixed keys', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'shekara-verify-'));
    try {
      buildOk(dir);
      for (const f of readdirSync(dir)) expect(readFileSync(path.join(dir, f), 'utf8')).toBe(readFileSync(path.join(FIXTURES, 'ok/honest', f), 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('summarizes in Russian with --lang ru', () => {
    const r = shekara(['--export', path.join(FIXTURES, 'not-ok/message-edited'), '--lang', 'ru']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('строка расходится со своим подписанным конвертом [payload]');
    expect(r.stderr).toContain('нарушений: 2');
  });

  it('distrusts the export’s own keys when others are pinned', () => {
    const other = generateKeyPairSync('ed25519').privateKey;
    const pinned = formatVerifierKey('kz.shekara.interior/log', SIG_TYPE_ED25519, ed25519RawPublicKey(other));
    const r = shekara(['--export', path.join(FIXTURES, 'ok/honest'), '--log-key', pinned]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('"code":"BAD_CHECKPOINT"');
    expect(r.stdout).toContain('"code":"NO_TRUSTED_CHECKPOINT"');
  });

  it('exits 2 on unusable input and 64 on bad usage, with the reason', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'shekara-verify-'));
    try {
      buildOk(dir);
      writeFileSync(path.join(dir, 'leaves.jsonl'), readFileSync(path.join(dir, 'leaves.jsonl'), 'utf8') + '{not json\n');
      const r = shekara(['--export', dir]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/leaves\.jsonl:22: not JSON/);
      writeFileSync(path.join(dir, 'manifest.json'), '{"format":"shekara-tlog-export/v1","origin":"x","log_key":"nonsense","witnesses":[],"quorum":0}');
      expect(shekara(['--export', dir])).toMatchObject({ status: 2, stderr: expect.stringContaining('bad verifier key') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(shekara([])).toMatchObject({ status: 64, stderr: expect.stringContaining('--export or --proof is required') });
    expect(shekara(['--export', 'x', '--quorum', 'two'])).toMatchObject({ status: 64 });
  });
});

describe('export from the PostgreSQL log, verified offline', () => {
  const url = withDatabase(PG_URL, `shekara_tlog_export_${randomBytes(4).toString('hex')}`);
  // The node's database and one for each witness node.
  const urls = [url, `${url}_w1`, `${url}_w2`];
  let pools: Pool[] = [];
  let out: string;

  beforeAll(async () => {
    for (const u of urls) await ensureDatabase(u);
    pools = urls.map((u) => new Pool({ connectionString: u, max: 2 }));
    for (const p of pools) for (const sql of TLOG_ALL_SQL) await p.query(sql);
    out = mkdtempSync(path.join(tmpdir(), 'shekara-export-'));
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()));
    for (const u of urls) await dropDatabase(u);
    rmSync(out, { recursive: true, force: true });
  });

  it('a node’s log, checkpointed and cosigned by two witnesses, exports into a verified export; a proof bundle verifies', async () => {
    const clock = new ManualClock('2026-11-02T06:00:00Z');
    const origin = 'kz.shekara.interior/log';
    const logKey = generateKeyPairSync('ed25519').privateKey;
    const store = new PgLogStore(poolDb(pools[0]), clock);
    const wKeys = [generateKeyPairSync('ed25519').privateKey, generateKeyPairSync('ed25519').privateKey];
    const cosigners = [new CosignatureSigner('kz.shekara.border/witness', wKeys[0]), new CosignatureSigner('kz.shekara.customs/witness', wKeys[1])];
    const witnesses = cosigners.map((c, i) => new PgWitnessStore(poolDb(pools[i + 1]), [{ origin, verifiers: [ed25519Verifier(origin, logKey)] }], c, clock));
    // The leaves and rows of the honest fixture, appended in three batches.
    const fixture = path.join(FIXTURES, 'ok/honest');
    const leaves = readFileSync(path.join(fixture, 'leaves.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { message_id: string; kind: 'envelope' | 'receipt'; direction: 'sent' | 'received'; entry: string });
    const olds = [0, 0];
    for (const [from, to] of [[0, 8], [8, 15], [15, leaves.length]]) {
      await store.append(leaves.slice(from, to).map((l) => ({ data: Buffer.from(l.entry, 'base64'), messageId: l.message_id, kind: l.kind, direction: l.direction })));
      clock.advance(1000);
      const cp = (await store.signCheckpoint(origin, ed25519Signer(origin, logKey)))!;
      for (const [i, w] of witnesses.entries()) {
        // The first request of a node that does not know the witness's size is answered with it.
        let d = await w.addCheckpoint(await store.witnessRequest(cp, i === 1 && olds[i] === 0 ? 3 : olds[i]));
        if (d.kind === 'conflict') d = await w.addCheckpoint(await store.witnessRequest(cp, d.size));
        expect(d.kind).toBe('cosigned');
        if (d.kind === 'cosigned') await store.addCosignatures(cp.size, d.body, cosigners.map((c, j) => cosignatureVerifier(c.name, wKeys[j])));
        olds[i] = cp.size;
      }
    }
    const rows = (name: string) => readFileSync(path.join(fixture, name), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    const manifest = await writeLogExport(store, out, {
      origin,
      logKey: formatVerifierKey(origin, SIG_TYPE_ED25519, ed25519RawPublicKey(logKey)),
      witnesses: cosigners.map((c) => formatVerifierKey(c.name, SIG_TYPE_COSIGNATURE_V1, c.publicKey)),
      quorum: 2,
      clock,
      messages: rows('messages.jsonl'),
      receipts: rows('receipts.jsonl'),
    });
    expect(manifest.size).toBe(leaves.length);
    const r = shekara(['--export', out]);
    expect(r.stderr).toContain('verified: no findings');
    expect(r.status).toBe(0);

    // One envelope's tlog-proof against the latest cosigned checkpoint.
    const index = 5;
    const proofFile = path.join(out, 'entry.tlog-proof');
    const entryFile = path.join(out, 'entry.bin');
    writeFileSync(proofFile, formatTlogProof({ index, proof: await store.inclusionProof(index, manifest.size), checkpoint: (await store.cosignedCheckpoint(manifest.size))! }));
    writeFileSync(entryFile, Buffer.from(leaves[index].entry, 'base64'));
    const keys = ['--log-key', manifest.log_key, ...manifest.witnesses.flatMap((w) => ['--witness-key', w])];
    expect(shekara(['--proof', proofFile, '--entry', entryFile, ...keys])).toMatchObject({ status: 0 });
    writeFileSync(entryFile, Buffer.from(leaves[index + 1].entry, 'base64'));
    expect(shekara(['--proof', proofFile, '--entry', entryFile, ...keys])).toMatchObject({ status: 1 });
  }, 120_000);
});

describe('verifyExport with its worker thread (compiled)', () => {
  it('finds the same in a worker as in the main thread', async () => {
    // The compiled module, whose worker file exists; a zero threshold sends every file to the worker.
    const compiled = path.join(ROOT, 'dist/apps/cli/src/verify/export-verifier.js');
    const { verifyExport } = require(compiled) as typeof import('../../apps/cli/src/verify/export-verifier');
    for (const dir of ['ok', 'not-ok']) {
      const cases = (JSON.parse(readFileSync(path.join(FIXTURES, dir, 'cases.json'), 'utf8')) as VerifyCase[]).filter((c) => c.exitCode !== 2);
      for (const c of cases) {
        const found: Array<Record<string, unknown>> = [];
        await verifyExport(path.join(FIXTURES, dir, c.export), {}, { finding: (f) => found.push({ ...f }), badLine: () => undefined }, { workerFromBytes: 0 });
        expect(found.map((f) => Object.fromEntries(Object.entries(f).filter(([k]) => ['code', 'file', 'line', 'row', 'field'].includes(k))))).toEqual(c.findings);
      }
    }
  }, 120_000);
});
