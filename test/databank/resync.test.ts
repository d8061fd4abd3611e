/**
 * Data bank resync (issue #18 item 2): a node that lost its replica (a restored database, a new
 * node) asks the owners' nodes for the versions it lacks (BANK_RESYNC_REQUEST, signed, addressed to
 * each owner's level-1 unit) and gets them as ordinary BANK_VERSION envelopes, verified and stored
 * as always: the same signed bytes as the owner's, each once. A request for another agency's
 * records is dead-lettered and answered with nothing; a bad body or a non-administrator is refused.
 */
import { create, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { jetstream } from '@nats-io/jetstream';
import { SystemClock, uuidv7 } from '@shekara/common';
import { CURRENT_SCHEMA_VERSION, Classification, EnvelopeSchema, MessageKind, encodeSigned } from '@shekara/contracts';
import { loadAgencyKeys, loadDirectory, readAuthorityPublicKey } from '@shekara/directory';
import { UnitSigner } from '@shekara/security';
import { TestSystem, eventually } from '../support/harness';

jest.setTimeout(180_000);

const record = (number: string) => ({
  travelDocument: { number, issuingState: 'KAZ', documentType: 'DOCUMENT_TYPE_PASSPORT', status: 'TRAVEL_DOCUMENT_STATUS_LOST', reportedOn: '2026-11-20' },
  classification: 'CLASSIFICATION_FOR_OFFICIAL_USE',
});

describe('data bank resync', () => {
  const sys = new TestSystem();
  const token: Record<string, string> = {};
  /** Every version of interior's and border's records, as the owners store them: "record:version:signed(base64)". */
  let owned: string[];

  const signedAt = async (agency: 'interior' | 'border' | 'customs', owners: string[]) =>
    (await sys.sql(agency, `SELECT record_id::text, version, encode(signed, 'base64') AS s FROM bank_versions WHERE owner_agency = ANY($1::text[]) ORDER BY 1, 2`, [owners])).map((r) => `${r.record_id}:${r.version}:${r.s}`);

  beforeAll(async () => {
    await sys.start(['border', 'interior', 'customs']);
    for (const a of ['border', 'interior', 'customs'] as const) token[a] = await sys.login(a);
    token.customsAdmin = await sys.login('customs', 'admin');
    const a = await sys.api('interior', 'POST', '/api/bank/records', record('RS 1000001'), token.interior);
    await sys.api('interior', 'POST', '/api/bank/records', record('RS 1000002'), token.interior);
    await sys.api('interior', 'POST', `/api/bank/records/${a.body.id}/withdraw`, undefined, token.interior);
    await sys.api('border', 'POST', '/api/bank/records', record('RS 2000001'), token.border);
    owned = [...(await signedAt('interior', ['interior'])), ...(await signedAt('border', ['border']))].sort();
    expect(owned).toHaveLength(4);
    await eventually(async () => (await signedAt('customs', ['interior', 'border'])).length === 4, 30_000, 'the versions at customs');
  });
  afterAll(() => sys.cleanup());

  it('gives a node that lost its replica every version back, as the owners signed them, once', async () => {
    // Customs' replica is lost (as a restore of an old backup would lose it).
    await sys.sql('customs', `DELETE FROM bank_records`);
    await sys.sql('customs', `DELETE FROM bank_versions`);
    expect((await sys.api('customs', 'POST', '/api/bank/check', { number: 'RS 1000002', issuingState: 'KAZ' }, token.customs)).body.hit).toBe(false);

    const asked = await sys.api('customs', 'POST', '/api/bank/resync', {}, token.customsAdmin);
    expect(asked.status).toBe(200);
    expect(asked.body.requests.map((r: { agency: string; since: string | null }) => `${r.agency}:${r.since}`).sort()).toEqual(['border:null', 'interior:null']);
    await eventually(async () => (await signedAt('customs', ['interior', 'border'])).length === 4, 30_000, 'the versions back at customs');
    expect((await signedAt('customs', ['interior', 'border'])).sort()).toEqual(owned);
    expect((await sys.api('customs', 'POST', '/api/bank/check', { number: 'RS 1000002', issuingState: 'KAZ' }, token.customs)).body.hit).toBe(true);
    // The withdrawn record is withdrawn there too.
    expect((await sys.api('customs', 'POST', '/api/bank/check', { number: 'RS 1000001', issuingState: 'KAZ' }, token.customs)).body.hit).toBe(false);
    const answered = await sys.sql('interior', `SELECT details FROM audit_log WHERE action = 'bank-resync-answered'`);
    expect(answered.map((r) => r.details.versions)).toEqual([3]);
  });

  it('asks again from the newest version held, and stores nothing twice', async () => {
    const newest = await sys.sql('customs', `SELECT owner_agency, max(created_at) AS at FROM bank_versions GROUP BY owner_agency`);
    const asked = await sys.api('customs', 'POST', '/api/bank/resync', {}, token.customsAdmin);
    expect(asked.status).toBe(200);
    for (const r of asked.body.requests) expect(r.since).toBe(new Date(newest.find((n) => n.owner_agency === r.agency).at).toISOString());
    // The owners answer with the newest again (at or after it): stored once.
    await eventually(async () => (await sys.sql('interior', `SELECT count(*)::int AS n FROM audit_log WHERE action = 'bank-resync-answered'`))[0].n === 2, 30_000, 'the second answer');
    await eventually(async () => (await sys.sql('customs', `SELECT count(*)::int AS n FROM outbox WHERE kind = 'BANK' AND done_at IS NULL`))[0].n === 0, 30_000, 'customs’ requests sent');
    await new Promise((r) => setTimeout(r, 2000));
    expect((await signedAt('customs', ['interior', 'border'])).sort()).toEqual(owned);
  });

  it('refuses a bad body and a user who is not the node’s administrator', async () => {
    const bad = await sys.api('customs', 'POST', '/api/bank/resync', { full: 'yes' }, token.customsAdmin);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('full');
    expect((await sys.api('customs', 'POST', '/api/bank/resync', {}, token.customs)).status).toBe(403);
  });

  it('dead-letters a request for another agency’s records, and answers it with nothing', async () => {
    const directory = loadDirectory(sys.files.directoryPath, readAuthorityPublicKey(sys.files.authorityPublicKeyPath));
    const keys = loadAgencyKeys(sys.files.keyPaths.customs, 'customs', directory);
    const signer = new UnitSigner([...keys].map(([keyId, privateKey]) => ({ keyId, privateKey, unitId: directory.keyOwner(keyId) })), (u) => directory.signingKeyAt(u, new Date())?.keyId);
    const clock = new SystemClock();
    const unit = 'customs.l4.CP-CN-A-01';
    const id = uuidv7(clock);
    const env = create(EnvelopeSchema, {
      messageId: id, correlationId: '', kind: MessageKind.BANK_RESYNC_REQUEST, senderUnit: unit, recipientUnits: [directory.units({ agency: 'interior', level: 1 })[0].id],
      createdAt: timestampFromDate(clock.now()), reportedAt: timestampFromDate(clock.now()), schemaVersion: CURRENT_SCHEMA_VERSION, classification: Classification.UNCLASSIFIED,
      payload: { case: 'bankResyncRequest', value: { ownerAgency: 'border' } },
    });
    const bytes = toBinary(EnvelopeSchema, env);
    const sig = signer.sign(unit, bytes);
    const answeredBefore = await sys.sql('interior', `SELECT count(*)::int AS n FROM audit_log WHERE action = 'bank-resync-answered'`);
    const nc = await sys.connectAs('customs-node');
    try {
      await jetstream(nc).publish(sys.names.inboxFrom('interior', 'customs'), encodeSigned({ envelope: bytes, keyId: sig.keyId, signature: sig.signature }), { msgID: id });
    } finally {
      await nc.close();
    }
    const dead = await eventually(async () => {
      const r = await sys.sql('interior', `SELECT reason FROM dead_letters WHERE reason LIKE '%resync%'`);
      return r.length > 0 && r;
    }, 20_000, 'the request dead-lettered at interior');
    expect(dead[0].reason).toMatch(/not addressed: a bank resync request for border's records, sent to interior/);
    expect(await sys.sql('interior', `SELECT count(*)::int AS n FROM audit_log WHERE action = 'bank-resync-answered'`)).toEqual(answeredBefore);
  });
});
