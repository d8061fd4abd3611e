import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { TransparencyService } from '@shekara/agency-node';
import { hashLeaf, parseTlogProof, verifierFromKey, verifyTlogProof } from '@shekara/tlog';
import { TestSystem, eventually } from '../support/harness';
import { INTERIOR, daily } from '../exchange/fixtures';

jest.setTimeout(90_000);

const ROOT = path.resolve(__dirname, '..', '..');

/** `shekara verify` (built by scripts/build.sh) on an export: its exit code and findings. */
function verify(...args: string[]): { status: number | null; findings: Array<{ code: string; field?: string }> } {
  const r = spawnSync(process.execPath, ['bin/shekara.js', 'verify', ...args], { cwd: ROOT, encoding: 'utf8' });
  const findings = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  return { status: r.status, findings };
}

/**
 * The transparency log in the node (issue #17 items 1 and 4): every envelope and receipt sent or
 * received is a leaf of the node's log, checkpoints are signed with the agency's log key, the admin
 * gets checkpoints, proofs and an export `shekara verify` accepts; a message row edited in the
 * database is caught by the scrub, listed to the admin, and refused by the API.
 */
describe('the transparency log of a node', () => {
  const sys = new TestSystem();
  const exports: string[] = [];
  let id: string;

  beforeAll(async () => {
    await sys.start(['border', 'interior']);
    const border = await sys.login('border');
    const sent = await sys.api('border', 'POST', '/api/messages', { ...daily('tlog: one daily report'), recipientUnits: [INTERIOR] }, border);
    expect(sent.status).toBe(201);
    id = sent.body.id;
    const opened = await eventually(async () => {
      const r = await sys.api('interior', 'GET', `/api/messages/${id}`, undefined, await sys.login('interior'));
      return r.status === 200 && r;
    }, 20_000, 'the report at interior');
    expect(opened.body.id).toBe(id);
    await eventually(async () => {
      const r = await sys.api('border', 'GET', `/api/messages/${id}/status`, undefined, border);
      return r.body?.[0]?.status === 'READ';
    }, 20_000, 'READ at border');
  });
  afterAll(async () => {
    for (const d of exports) rmSync(d, { recursive: true, force: true });
    await sys.cleanup();
  });

  it('appends every envelope and receipt sent and received, and signs checkpoints covering them', async () => {
    const leaves = (agency: 'border' | 'interior') => sys.sql<{ kind: string; direction: string }>(agency, 'SELECT kind, direction FROM tlog_leaf ORDER BY kind, direction');
    // border: its report sent, the delivery and read receipts received; interior the other way round.
    await eventually(async () => (await leaves('border')).length === 3 && (await leaves('interior')).length === 3, 10_000, 'six leaves');
    expect(await leaves('border')).toEqual([{ kind: 'envelope', direction: 'sent' }, { kind: 'receipt', direction: 'received' }, { kind: 'receipt', direction: 'received' }]);
    expect(await leaves('interior')).toEqual([{ kind: 'envelope', direction: 'received' }, { kind: 'receipt', direction: 'sent' }, { kind: 'receipt', direction: 'sent' }]);
    // A leaf is the exact signed bytes the message row keeps.
    const [row] = await sys.sql('interior', `SELECT m.signed = l.entry AS same FROM messages m JOIN tlog_leaf l ON l.message_id = m.id::text WHERE m.id = $1`, [id]);
    expect(row.same).toBe(true);

    const admin = await sys.login('border', 'admin');
    const cp = await eventually(async () => {
      const r = await sys.api('border', 'GET', '/api/admin/log/checkpoint', undefined, admin);
      return r.status === 200 && r.body.size === 3 && r.body;
    }, 10_000, 'a checkpoint of size 3');
    expect(cp.note).toMatch(/^kz\.shekara\.border\/log\n3\n[A-Za-z0-9+/=]{44}\n\n— kz\.shekara\.border\/log /);
  });

  it('serves a tlog-proof of the message that verifies with the log key, refuses bad queries', async () => {
    const admin = await sys.login('border', 'admin');
    await eventually(async () => (await sys.api('border', 'GET', '/api/admin/log/checkpoint', undefined, admin)).body?.size === 3, 10_000, 'checkpoint');
    const r = await sys.api('border', 'GET', `/api/admin/log/proof?messageId=${id}`, undefined, admin);
    expect(r.status).toBe(200);
    expect(r.body.items).toHaveLength(1);
    const exp = await sys.api('border', 'POST', '/api/admin/log/export', undefined, admin);
    expect(exp.status).toBe(200);
    exports.push(exp.body.dir);
    const [{ signed }] = await sys.sql<{ signed: Buffer }>('border', 'SELECT signed FROM messages WHERE id = $1', [id]);
    const policy = { origin: 'kz.shekara.border/log', log: [verifierFromKey(exp.body.manifest.log_key)], witnesses: [], quorum: 0 };
    const trusted = verifyTlogProof(parseTlogProof(r.body.items[0].proof), hashLeaf(signed), policy);
    expect(trusted.checkpoint.size).toBe(3);
    // Another entry's bytes do not verify against that proof.
    expect(() => verifyTlogProof(parseTlogProof(r.body.items[0].proof), hashLeaf(Buffer.from('forged')), policy)).toThrow();

    expect((await sys.api('border', 'GET', '/api/admin/log/proof?messageId=nope', undefined, admin)).status).toBe(400);
    const unknown = await sys.api('border', 'GET', '/api/admin/log/proof?messageId=00000000-0000-4000-8000-000000000000', undefined, admin);
    expect([unknown.status, unknown.body.code]).toEqual([404, 'NOT_IN_LOG']);
    expect((await sys.api('border', 'GET', '/api/admin/log/checkpoint', undefined, await sys.login('border'))).status).toBe(403);
  });

  it('writes an export that shekara verify accepts (quorum 0: customs, a witness, is not running here)', async () => {
    const admin = await sys.login('interior', 'admin');
    await eventually(async () => (await sys.api('interior', 'GET', '/api/admin/log/checkpoint', undefined, admin)).body?.size === 3, 10_000, 'checkpoint');
    const exp = await sys.api('interior', 'POST', '/api/admin/log/export', undefined, admin);
    expect(exp.status).toBe(200);
    exports.push(exp.body.dir);
    expect(exp.body.manifest).toMatchObject({ format: 'shekara-tlog-export/v1', origin: 'kz.shekara.interior/log', size: 3, quorum: 2 });
    expect(exp.body.manifest.witnesses).toHaveLength(2);
    const v = verify('--export', exp.body.dir, '--quorum', '0');
    expect(v.findings).toEqual([]);
    expect(v.status).toBe(0);
  });

  it('scrub: a message row edited in the database is flagged to the admin and refused by the API, never served as genuine', async () => {
    const token = await sys.login('interior');
    const admin = await sys.login('interior', 'admin');
    const tlog = sys.apps.get('interior')!.get(TransparencyService);
    expect(await tlog.scrub()).toEqual([]);
    expect((await sys.api('interior', 'GET', '/api/admin/integrity', undefined, admin)).body.items).toEqual([]);

    await sys.sql('interior', `UPDATE messages SET payload = jsonb_set(payload, '{daily,summary}', '"forged: all quiet"') WHERE id = $1`, [id]);
    const findings = await tlog.scrub();
    expect(findings).toEqual([{ messageId: id, fields: ['payload'] }]);
    const listed = await sys.api('interior', 'GET', '/api/admin/integrity', undefined, admin);
    expect(listed.body.items).toEqual([expect.objectContaining({ messageId: id, fields: ['payload'], foundBy: 'scrub' })]);
    const metrics = await fetch(`${sys.url('interior')}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/^shekara_integrity_failures 1$/m);

    const opened = await sys.api('interior', 'GET', `/api/messages/${id}`, undefined, token);
    expect([opened.status, opened.body.code]).toEqual([409, 'INTEGRITY_FAILURE']);
    expect(JSON.stringify(opened.body)).not.toContain('forged: all quiet');
    // In the inbox listing it is marked, its summary withheld.
    await sys.sql('interior', `UPDATE messages SET summary = 'forged: all quiet' WHERE id = $1`, [id]);
    const inbox = await sys.api('interior', 'GET', '/api/messages?box=inbox', undefined, token);
    expect(inbox.status).toBe(200);
    expect(inbox.body.items.find((m: { id: string }) => m.id === id)).toMatchObject({ integrityFailure: true, summary: '' });

    // Another column edited as well: each column that differs is named.
    await sys.sql('interior', `UPDATE messages SET created_at = created_at + interval '1 hour' WHERE id = $1`, [id]);
    expect((await tlog.scrub())[0].fields).toEqual(['created_at', 'summary', 'payload']);
  });

  it('scrub: a recipient status set back at the sender, against the signed receipt it logged, is flagged', async () => {
    const admin = await sys.login('border', 'admin');
    const tlog = sys.apps.get('border')!.get(TransparencyService);
    expect(await tlog.scrub()).toEqual([]);
    await sys.sql('border', `UPDATE message_recipients SET status = 'SENT', read_at = NULL, read_by = NULL, delivered_at = NULL WHERE message_id = $1`, [id]);
    expect(await tlog.scrub()).toEqual([{ messageId: id, fields: [`recipient ${INTERIOR}`] }]);
    const listed = await sys.api('border', 'GET', '/api/admin/integrity', undefined, admin);
    expect(listed.body.items).toEqual([expect.objectContaining({ messageId: id, fields: [`recipient ${INTERIOR}`], foundBy: 'scrub' })]);
  });

  it('an append that fails never holds up the exchange; what was committed but not logged is appended at the next start', async () => {
    // Every insert into interior's log fails from now on (as if the process died after each commit).
    // And into border's: the receipt it receives back is recorded, but not logged (issue #17: the gap
    // a received receipt left, its bytes kept nowhere else).
    for (const a of ['interior', 'border'] as const) {
      await sys.sql(a, `CREATE FUNCTION test_refuse_leaf() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no log today'; END $$`);
      await sys.sql(a, 'CREATE TRIGGER test_refuse_leaf BEFORE INSERT ON tlog_leaf FOR EACH STATEMENT EXECUTE FUNCTION test_refuse_leaf()');
    }
    const before = Number((await sys.sql('interior', 'SELECT count(*) AS n FROM tlog_leaf'))[0].n);
    const borderBefore = Number((await sys.sql('border', 'SELECT count(*) AS n FROM tlog_leaf'))[0].n);
    const border = await sys.login('border');
    const sent = await sys.api('border', 'POST', '/api/messages', { ...daily('tlog: while the log refuses'), recipientUnits: [INTERIOR] }, border);
    expect(sent.status).toBe(201);
    await eventually(async () => (await sys.api('border', 'GET', `/api/messages/${sent.body.id}/status`, undefined, border)).body?.[0]?.status === 'DELIVERED', 20_000, 'delivery');
    await eventually(async () => /^shekara_tlog_append_failures_total [1-9]/m.test(await fetch(`${sys.url('interior')}/metrics`).then((r) => r.text())), 10_000, 'a failed append counted');
    expect(Number((await sys.sql('interior', 'SELECT count(*) AS n FROM tlog_leaf'))[0].n)).toBe(before);

    await sys.sql('interior', 'DROP TRIGGER test_refuse_leaf ON tlog_leaf');
    await sys.stopNode('interior');
    await sys.startNode('interior');
    const logged = await sys.sql<{ kind: string; direction: string }>('interior', `SELECT l.kind, l.direction FROM tlog_leaf l WHERE l.idx >= $1 ORDER BY l.idx`, [before]);
    // The report received (its row) and the delivery receipt sent (its outbox row), signed bytes as committed.
    expect(logged).toEqual(expect.arrayContaining([{ kind: 'envelope', direction: 'received' }, { kind: 'receipt', direction: 'sent' }]));
    const [row] = await sys.sql('interior', 'SELECT m.signed = l.entry AS same FROM messages m JOIN tlog_leaf l ON l.message_id = m.id::text WHERE m.id = $1', [sent.body.id]);
    expect(row.same).toBe(true);

    // At border: the delivery receipt received while its log refused is appended at its next start,
    // with the bytes it was recorded with.
    expect(Number((await sys.sql('border', 'SELECT count(*) AS n FROM tlog_leaf'))[0].n)).toBe(borderBefore);
    await sys.sql('border', 'DROP TRIGGER test_refuse_leaf ON tlog_leaf');
    await sys.stopNode('border');
    await sys.startNode('border');
    const [{ appended }] = await sys.sql(
      'border',
      `SELECT count(*)::int AS appended FROM tlog_leaf l JOIN received_receipts r ON r.receipt_id = l.message_id AND r.signed = l.entry
        WHERE l.kind = 'receipt' AND l.direction = 'received' AND l.idx >= $1`,
      [borderBefore],
    );
    expect(appended).toBeGreaterThanOrEqual(1);
    const [{ unlogged }] = await sys.sql(
      'border',
      `SELECT count(*)::int AS unlogged FROM received_receipts r
        WHERE NOT EXISTS (SELECT 1 FROM tlog_leaf l WHERE l.message_id = r.receipt_id AND l.kind = 'receipt' AND l.direction = 'received' AND l.entry = r.signed)`,
    );
    expect(unlogged).toBe(0);
  });
});
