/**
 * Issue #16 item 4, first part, on the BUILT node as a process: it starts with its own agency's keys
 * and the signed directory only, refuses to start with another agency's key file (or a key file
 * others may read, or a directory not signed by the configured authority), and its memory holds no
 * other agency's private key.
 */
import { chmodSync, closeSync, copyFileSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { AgencyCode } from '@shekara/contracts';
import { generateAuthorityKey, readAuthorityPublicKey } from '@shekara/directory';
import { ProcSystem, waitFor } from '../resilience/support';
import { AppProcess, freePort, tail } from '../support/processes';

jest.setTimeout(180_000);

const sys = new ProcSystem();
beforeAll(() => sys.bus!.start());
afterAll(() => sys.cleanup());

/** An interior node process with these settings changed; started, it must exit. */
async function refusedStart(name: string, change: Record<string, string>): Promise<string> {
  const log = join(sys.dir, `${name}.log`);
  const node = new AppProcess(
    'interior',
    await freePort(),
    {
      SHEKARA_AGENCY: 'interior',
      ...sys.busEnv('interior-node'),
      BUS_PREFIX: sys.runId,
      DATABASE_URL: sys.databaseUrl('interior'),
      JWT_SECRET: 'refused-start-0123456789abcdef0123456789',
      DIRECTORY_PATH: sys.files.directoryPath,
      DIRECTORY_AUTHORITY_KEY: readAuthorityPublicKey(sys.files.authorityPublicKeyPath),
      KEYS_PATH: sys.files.keyPaths.interior,
      WEB_DIR: join(sys.dir, 'no-web'),
      ...change,
    },
    log,
  );
  node.spawn();
  await waitFor(async () => !node.running, 60_000, `${name}: the node to exit`);
  expect(node.exits.at(-1)?.code).not.toBe(0);
  return tail(log, 40);
}

describe('a node starts with its own keys only', () => {
  it("refuses to start with another agency's key file", async () => {
    const log = await refusedStart('border-keys', { KEYS_PATH: sys.files.keyPaths.border });
    expect(log).toContain('INVALID_KEYS');
    expect(log).toContain('agency: expected \\"interior\\", got \\"border\\"'); // in the JSON log line
  });

  it('refuses to start with a key file others may read', async () => {
    const copy = join(sys.dir, 'interior-keys-0644.json');
    copyFileSync(sys.files.keyPaths.interior, copy);
    chmodSync(copy, 0o644);
    const log = await refusedStart('keys-0644', { KEYS_PATH: copy });
    expect(log).toContain('mode 0644, expected 0600');
  });

  it('refuses to start with a directory not signed by the configured authority', async () => {
    const log = await refusedStart('other-authority', { DIRECTORY_AUTHORITY_KEY: generateAuthorityKey().key.publicKey });
    expect(log).toContain('not by the configured authority');
  });

  it("holds no other agency's private key in its memory (and its own ones, as a control of the scan)", async () => {
    await sys.startNodes(['interior']);
    const pid = sys.node('interior').pid!;
    const seeds = (agency: AgencyCode) =>
      (JSON.parse(readFileSync(sys.files.keyPaths[agency], 'utf8')) as { keys: { privateKeyPkcs8: string }[] }).keys.map((k) => {
        const der = Buffer.from(k.privateKeyPkcs8, 'base64');
        // The raw Ed25519 private key (what OpenSSL holds), and a stretch of the file's base64 that
        // encodes only key bytes (in case a process kept the text).
        return [der.subarray(der.length - 32), Buffer.from(k.privateKeyPkcs8.slice(24, 56), 'latin1')];
      });
    const found = scanMemory(pid, { interior: seeds('interior').flat(), border: seeds('border').flat(), customs: seeds('customs').flat() });
    expect(found.border).toBe(0);
    expect(found.customs).toBe(0);
    expect(found.interior).toBeGreaterThan(0);
  });
});

/** Counts, per label, how many of the needles occur in the readable memory of process `pid`. */
function scanMemory(pid: number, needles: Record<string, Buffer[]>): Record<string, number> {
  const byPrefix = new Map<number, { label: string; needle: Buffer }[]>();
  for (const [label, list] of Object.entries(needles)) {
    for (const needle of list) {
      const prefix = needle.readUInt32LE(0);
      byPrefix.set(prefix, [...(byPrefix.get(prefix) ?? []), { label, needle }]);
    }
  }
  const hits = new Map<Buffer, string>();
  const fd = openSync(`/proc/${pid}/mem`, 'r');
  try {
    for (const line of readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n')) {
      const m = /^([0-9a-f]+)-([0-9a-f]+) (r)/.exec(line);
      if (!m || /\[(vvar|vsyscall)\]/.test(line)) continue;
      const start = Number.parseInt(m[1], 16);
      const end = Number.parseInt(m[2], 16);
      for (let at = start; at < end; at += 64 << 20) {
        const len = Math.min(64 << 20, end - at) + 31; // overlap: a needle across two chunks
        const buf = Buffer.alloc(Math.min(len, end - at));
        let n: number;
        try {
          n = readSync(fd, buf, 0, buf.length, at);
        } catch {
          break; // unreadable region
        }
        for (let i = 0; i + 32 <= n; i++) {
          const candidates = byPrefix.get(buf.readUInt32LE(i));
          if (!candidates) continue;
          for (const c of candidates) if (!hits.has(c.needle) && buf.compare(c.needle, 0, 32, i, i + 32) === 0) hits.set(c.needle, c.label);
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  const counts: Record<string, number> = Object.fromEntries(Object.keys(needles).map((l) => [l, 0]));
  for (const label of hits.values()) counts[label]++;
  return counts;
}
