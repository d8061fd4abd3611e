import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { create, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { logOrigin, logUnit } from '@shekara/agency-node';
import { uuidv7, SystemClock } from '@shekara/common';
import { CURRENT_SCHEMA_VERSION, Classification, EnvelopeSchema, MessageKind, SignedEnvelopeSchema, TlogForkAlertSchema } from '@shekara/contracts';
import { loadAgencyKeys, loadDirectory } from '@shekara/directory';
import { ed25519Signer, formatAddCheckpointRequest, formatCheckpoint, signNote } from '@shekara/tlog';
import { TestSystem, eventually } from '../support/harness';
import { SupervisorHarness } from '../supervisor/harness';
import { BORDER, INTERIOR, daily } from '../exchange/fixtures';

jest.setTimeout(240_000);

const ROOT = path.resolve(__dirname, '..', '..');

type Alert = { role: string; origin: string; witness: string; reason: string; proven: boolean; messageId: string };

/**
 * Fork alerts (issue #17 item 2): a witness shown another tree of a size it cosigned keeps the
 * alert, notifies its administrators, tells the forked log's node over the bus (a signed
 * TlogForkAlert) and the ledger (its signed audit batch); the forked node verifies and keeps it,
 * notifies its administrators and reports its receipt to the ledger. An alert about another log
 * than the recipient's, or from a witness other than the signer's agency, is refused.
 */
describe('a fork caught by a witness alerts both agencies and the ledger', () => {
  const sys = new TestSystem();
  let sup: SupervisorHarness;
  const exports: string[] = [];

  beforeAll(async () => {
    await sys.start();
    sup = SupervisorHarness.of(sys);
    await sup.start();
  });
  afterAll(async () => {
    for (const d of exports) rmSync(d, { recursive: true, force: true });
    await sup?.cleanup();
    await sys.cleanup();
  });

  const alerts = async (agency: 'interior' | 'border' | 'customs') =>
    (await sys.api(agency, 'GET', '/api/admin/log/alerts', undefined, await sys.login(agency, 'admin'))).body.items as Alert[];

  it('raises the alert at the witness, at the forked node and in the ledger, once per evidence', async () => {
    const token = await sys.login('border');
    const sent = await sys.api('border', 'POST', '/api/messages', { ...daily('fork alert: first'), senderUnit: BORDER, recipientUnits: [INTERIOR] }, token);
    expect(sent.status).toBe(201);
    const admin = await sys.login('border', 'admin');
    const origin = logOrigin('interior');
    // Border (the witness) cosigns a checkpoint of interior's log.
    const known = await eventually(async () => {
      const r = await sys.api('border', 'GET', '/api/admin/log/witness', undefined, admin);
      const rec = (r.body.items as Array<{ origin: string; size: number | null }>).find((i) => i.origin === origin);
      return rec && rec.size && rec.size > 0 ? rec : undefined;
    }, 30_000, 'border cosigns interior');
    expect(await alerts('border')).toEqual([]);
    expect(await alerts('interior')).toEqual([]);

    const directory = loadDirectory(sys.files.directoryPath);
    const unit = logUnit(directory, 'interior');
    const logKey = loadAgencyKeys(sys.files.keyPaths.interior, 'interior', directory).get(unit.keys[unit.keys.length - 1].keyId)!;
    // Another tree of the size border cosigned, signed by interior's own log key: a proven fork.
    const fork = signNote(formatCheckpoint({ origin, size: known.size!, root: randomBytes(32), extensions: [] }), [ed25519Signer(origin, logKey)]);
    const nc = await sys.connectAs('interior-node');
    try {
      const ask = async (body: string) => JSON.parse((await nc.request(sys.names.witnessFrom('border', 'interior-node'), body, { timeout: 5000 })).string());
      const req = formatAddCheckpointRequest({ oldSize: known.size!, proof: [], checkpoint: fork });
      expect(await ask(req)).toMatchObject({ status: 409, fork: true });
      // The same evidence again (the forked node retries every round): one alert, not two.
      expect(await ask(req)).toMatchObject({ status: 409, fork: true });
    } finally {
      await nc.close();
    }

    // The witness keeps the alert and notifies its administrators.
    const atWitness = await eventually(async () => (await alerts('border')).find((a) => a.origin === origin), 20_000, 'alert at the witness');
    expect(atWitness).toMatchObject({ role: 'witness', witness: 'kz.shekara.border/witness', reason: 'same-size', proven: true });
    const notes = (await sys.api('border', 'GET', '/api/notifications', undefined, admin)).body.items as Array<{ code: string; params: Record<string, string> }>;
    expect(notes.filter((n) => n.code === 'TLOG_FORK')).toEqual([expect.objectContaining({ params: expect.objectContaining({ origin, role: 'witness', reason: 'same-size' }) })]);

    // The forked node learns it over the bus (signed by border's top unit), verifies it is proven by its own key, notifies its administrators.
    const atAccused = await eventually(async () => (await alerts('interior')).find((a) => a.messageId === atWitness.messageId), 30_000, 'alert at the forked node');
    expect(atAccused).toMatchObject({ role: 'accused', origin, witness: 'kz.shekara.border/witness', reason: 'same-size', proven: true });
    const iadmin = await sys.login('interior', 'admin');
    const inotes = (await sys.api('interior', 'GET', '/api/notifications', undefined, iadmin)).body.items as Array<{ code: string; params: Record<string, string> }>;
    expect(inotes.filter((n) => n.code === 'TLOG_FORK')).toEqual([expect.objectContaining({ params: expect.objectContaining({ origin, role: 'accused', witness: 'kz.shekara.border/witness' }) })]);
    // Customs was not involved.
    expect(await alerts('customs')).toEqual([]);

    // The ledger shows both signed facts to its administrator: SENT by border, RECEIVED by interior.
    const ledger = await eventually(async () => {
      const r = await sup.get('/api/admin/log-alerts');
      const items = (r.body.items ?? []) as Array<{ messageId: string; action: string; node: string; reason: string; summary: string }>;
      return items.filter((i) => i.messageId === atWitness.messageId).length === 2 && items;
    }, 30_000, 'alert in the ledger');
    expect(ledger.map((i) => `${i.action} ${i.node} ${i.reason}`).sort()).toEqual(['RECEIVED interior same-size', 'SENT border same-size']);
    expect(ledger[0].summary).toContain(`fork of ${origin}`);
    // A supervisor who is not the ledger's administrator does not see them.
    expect((await sup.get('/api/admin/log-alerts', 'supervisor.border')).status).toBe(403);
    expect((await alerts('border')).filter((a) => a.origin === origin)).toHaveLength(1);

    // The alert sent is a leaf of border's log (kept in tlog_alerts, not as a message row): border's
    // export still verifies once its latest checkpoint is cosigned by both witnesses.
    await eventually(async () => {
      const cp = await sys.api('border', 'GET', '/api/admin/log/checkpoint', undefined, admin);
      const [{ n }] = await sys.sql('border', 'SELECT count(*)::int AS n FROM tlog_leaf');
      const leaf = await sys.sql('border', 'SELECT 1 FROM tlog_leaf WHERE message_id = $1', [atWitness.messageId]);
      return cp.status === 200 && leaf.length === 1 && cp.body.size === n && (cp.body.note as string).split('\n').filter((l) => l.includes('/witness ')).length === 2;
    }, 30_000, 'a cosigned checkpoint of border covering the alert');
    const exp = await sys.api('border', 'POST', '/api/admin/log/export', undefined, admin);
    exports.push(exp.body.dir);
    const v = spawnSync(process.execPath, ['bin/shekara.js', 'verify', '--export', exp.body.dir], { cwd: ROOT, encoding: 'utf8' });
    expect(v.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l))).toEqual([]);
    expect(v.status).toBe(0);
  });

  it('refuses a fork alert about another agency’s log, or one whose witness is not the signer’s agency', async () => {
    const directory = loadDirectory(sys.files.directoryPath);
    const clock = new SystemClock();
    const customsTop = logUnit(directory, 'customs');
    const customsKeys = loadAgencyKeys(sys.files.keyPaths.customs, 'customs', directory);
    const keyId = customsTop.keys[customsTop.keys.length - 1].keyId;
    const { sign } = await import('node:crypto');
    const forged = (origin: string, witness: string) => {
      const now = new Date();
      const env = create(EnvelopeSchema, {
        messageId: uuidv7(clock),
        kind: MessageKind.TLOG_FORK_ALERT,
        senderUnit: customsTop.id,
        recipientUnits: [logUnit(directory, 'interior').id],
        createdAt: timestampFromDate(now),
        reportedAt: timestampFromDate(now),
        schemaVersion: CURRENT_SCHEMA_VERSION,
        classification: Classification.FOR_OFFICIAL_USE,
        payload: { case: 'tlogForkAlert', value: create(TlogForkAlertSchema, { origin, witness, reason: 'unproven', knownCheckpoint: 'a', presentedCheckpoint: 'b', detectedAt: timestampFromDate(now) }) },
      });
      const bytes = toBinary(EnvelopeSchema, env);
      return { id: env.messageId, data: toBinary(SignedEnvelopeSchema, create(SignedEnvelopeSchema, { envelope: bytes, keyId, signature: sign(null, bytes, customsKeys.get(keyId)!) })) };
    };
    const nc = await sys.connectAs('customs-node');
    const js = (await import('@nats-io/jetstream')).jetstream(nc);
    const cases = [forged(logOrigin('border'), 'kz.shekara.customs/witness'), forged(logOrigin('interior'), 'kz.shekara.border/witness')];
    try {
      for (const c of cases) await js.publish(sys.names.inboxFrom('interior', 'customs'), c.data, { msgID: c.id });
    } finally {
      await nc.close();
    }
    const reasons = [];
    for (const c of cases) {
      reasons.push(await eventually(async () => (await sys.sql('interior', 'SELECT reason FROM dead_letters WHERE message_id = $1', [c.id]))[0]?.reason as string | undefined, 30_000, `dead letter ${c.id}`));
    }
    expect(reasons[0]).toContain('not this node');
    expect(reasons[1]).toContain('fork alert of witness kz.shekara.border/witness signed by');
    expect((await alerts('interior')).filter((a) => cases.some((c) => c.id === a.messageId))).toEqual([]);
  });
});
