import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AGENCIES } from '@shekara/contracts';
import type { AgencyCode } from '@shekara/contracts';
import { MessageStream, ProcSystem, account, sleep, waitFor } from './support';

jest.setTimeout(420_000);

const ROOT = resolve(__dirname, '..', '..');

/**
 * Issue #17 item 1: the transparency log survives kill -9 with no gap and no fork. The BUILT nodes
 * as processes, checkpoints every 100 ms, a stream of reports from border to interior and customs;
 * the sender (which receives the delivery receipts: the received-receipt gap) and a recipient
 * (which logs the envelopes and sends receipts) are each killed with SIGKILL three times while
 * the logs grow, appends and checkpoints under way. After the restarts: each log's indices run
 * 0..size-1, no entry twice, every message and every received receipt is a leaf, the witnesses
 * kept no evidence of a fork, and each node's export verifies (`shekara verify`: every checkpoint
 * signed before and after the kills is the root of the same leaves, cosigned by both witnesses at
 * the end).
 */
describe('kill -9 of the nodes while their logs grow', () => {
  const exportDir = mkdtempSync(join(tmpdir(), 'shekara-kill-tlog-'));
  const sys = new ProcSystem({ nodeEnv: { TLOG_CHECKPOINT_MS: '100', TLOG_EXPORT_DIR: exportDir } });

  beforeAll(() => sys.startNodes());
  afterAll(async () => {
    await sys.cleanup();
    rmSync(exportDir, { recursive: true, force: true });
  });

  it('leaves no gap and no fork in any node’s log', async () => {
    const token = await sys.login('border');
    const stream = new MessageStream(sys, token, { target: 300, concurrency: 6, backoffMs: 50 }).start();
    await stream.acceptedAtLeast(40);
    const killed: string[] = [];
    for (let round = 0; round < 3; round++) {
      for (const agency of ['border', 'interior'] as AgencyCode[]) {
        await sleep(150 + Math.floor(Math.random() * 400));
        const [{ n }] = await sys.sql<{ n: number }>(agency, 'SELECT count(*)::int AS n FROM tlog_leaf');
        await sys.node(agency).kill('SIGKILL');
        killed.push(`${agency}@${n}`);
        await sys.node(agency).start();
      }
    }
    await stream.finished();
    const result = await account(sys, stream);
    console.log('kill -9 during the log:', JSON.stringify({ killed, accepted: result.accepted, orphans: result.orphans.length }));

    for (const a of AGENCIES) {
      // Every message and every received receipt is a leaf (appended after its commit, or at the restart).
      const unlogged = () =>
        sys.sql<{ messages: number; receipts: number }>(
          a,
          `SELECT (SELECT count(*)::int FROM messages m WHERE m.signed IS NOT NULL
                     AND NOT EXISTS (SELECT 1 FROM tlog_leaf l WHERE l.leaf_hash = sha256('\\x00'::bytea || m.signed))) AS messages,
                  (SELECT count(*)::int FROM received_receipts r
                     WHERE NOT EXISTS (SELECT 1 FROM tlog_leaf l WHERE l.leaf_hash = sha256('\\x00'::bytea || r.signed))) AS receipts`,
        );
      await waitFor(async () => {
        const [u] = await unlogged();
        return u.messages === 0 && u.receipts === 0;
      }, 60_000, `${a}: every message and received receipt logged`);
      // No gap: the indices are 0..size-1; no entry twice (a receipt received again, the start's catch-up racing the inbox).
      const [g] = await sys.sql<{ n: number; top: number; hashes: number }>(a, 'SELECT count(*)::int AS n, max(idx)::int AS top, count(DISTINCT leaf_hash)::int AS hashes FROM tlog_leaf');
      const dups = await sys.sql(
        a,
        `SELECT kind, direction, count(*)::int AS leaves, count(DISTINCT leaf_hash)::int AS hashes, count(DISTINCT message_id)::int AS ids,
                min(appended_at) AS first, max(appended_at) AS last
           FROM tlog_leaf GROUP BY kind, direction ORDER BY kind, direction`,
      );
      console.log(`${a} leaves:`, JSON.stringify({ ...g, dups }));
      expect({ agency: a, n: g.n, distinct: g.hashes }).toEqual({ agency: a, n: g.top + 1, distinct: g.n });
      // No fork: one root per checkpoint size, and no witness kept evidence or raised an alert.
      const [f] = await sys.sql<{ sizes: number; roots: number }>(a, 'SELECT count(DISTINCT size)::int AS sizes, count(DISTINCT (size, root))::int AS roots FROM tlog_checkpoint');
      expect(f.roots).toBe(f.sizes);
      const [w] = await sys.sql<{ evidence: number; alerts: number }>(a, 'SELECT (SELECT count(*)::int FROM tlog_witness_evidence) AS evidence, (SELECT count(*)::int FROM tlog_alerts) AS alerts');
      expect({ agency: a, ...w }).toEqual({ agency: a, evidence: 0, alerts: 0 });
    }

    // The latest checkpoint of each log covers every leaf and carries both witnesses' cosignatures;
    // the export verifies offline: all checkpoints (signed before, between and after the kills) are roots of the one tree.
    for (const a of AGENCIES) {
      const admin = await sys.login(a, 'admin');
      await waitFor(async () => {
        const cp = await sys.api(a, 'GET', '/api/admin/log/checkpoint', undefined, admin);
        const [{ n }] = await sys.sql<{ n: number }>(a, 'SELECT count(*)::int AS n FROM tlog_leaf');
        const cosigners = cp.status === 200 ? (cp.body.note as string).split('\n').filter((l) => l.startsWith('— ') && l.includes('/witness ')).length : 0;
        return cp.status === 200 && cp.body.size === n && cosigners === 2;
      }, 60_000, `${a}: a checkpoint of every leaf cosigned by both witnesses`);
      const exp = await sys.api(a, 'POST', '/api/admin/log/export', undefined, admin);
      expect(exp.status).toBe(200);
      const v = spawnSync(process.execPath, ['bin/shekara.js', 'verify', '--export', exp.body.dir], { cwd: ROOT, encoding: 'utf8' });
      const findings = v.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { code: string });
      expect({ agency: a, findings, status: v.status }).toEqual({ agency: a, findings: [], status: 0 });
    }
  });
});
