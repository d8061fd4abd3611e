import { create, fromBinary, fromJson, toBinary, toJson } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { AuditAction, AuditEventBatchSchema, BUNDLE_HEADER, Classification, decodeSigned, encodeBundle, EnvelopeSchema, MessageKind, SendMessageRequestSchema, SignedAuditBatchSchema, SignedEnvelopeSchema } from '@shekara/contracts';
import type { AgencyCode, AuditEvent } from '@shekara/contracts';
import { envelopeFromRequest } from '@shekara/agency-node';
import { loadAgencyKeys, loadDirectory } from '@shekara/directory';
import { SignatureVerifier, UnitSigner } from '@shekara/security';
import { SystemClock, uuidv7 } from '@shekara/common';
import { TestSystem, eventually } from '../support/harness';
import { verifySignedAuditBatch } from '../../apps/supervisor/src/ledger/signed-batch';
import { BORDER, CUSTOMS, INTERIOR, daily, okFixtures, urgentDetainedMigrants } from './fixtures';

jest.setTimeout(90_000);

describe('exchange between the three agency nodes', () => {
  const sys = new TestSystem({ resendAfterMs: 1500, resendMaxMs: 3000 });
  let nc: NatsConnection;
  let borderToken: string;

  beforeAll(async () => {
    await sys.start();
    // Border's node identity: what it publishes lands in interior's inbox as from border (docs/bus.md).
    nc = await sys.connectAs('border-node');
    borderToken = await sys.login('border');
  });
  afterAll(async () => {
    await nc?.close();
    await sys.cleanup();
  });

  const statusOf = async (id: string) => (await sys.api('border', 'GET', `/api/messages/${id}/status`, undefined, borderToken)).body as { unitId: string; status: string; reason: string | null }[];
  const allDelivered = (id: string) => async () => {
    const s = await statusOf(id);
    return s.length > 0 && s.every((r) => r.status === 'DELIVERED' || r.status === 'READ') ? s : undefined;
  };
  const stored = (agency: AgencyCode, id: string) => sys.sql(agency, `SELECT id FROM messages WHERE id = $1`, [id]);

  /** A message signed by a unit of the border agency, built outside the border node (for bus-level tests). */
  function signedByBorder(mutate?: (b: Uint8Array) => void, kind = MessageKind.DAILY, fields: Record<string, unknown> = {}, as: AgencyCode = 'border') {
    const directory = loadDirectory(sys.files.directoryPath);
    const keys = loadAgencyKeys(sys.files.keyPaths[as], as, directory);
    const signer = new UnitSigner([...keys].map(([keyId, privateKey]) => ({ keyId, privateKey, unitId: directory.keyOwner(keyId) })));
    const now = new Date();
    const id = uuidv7(new SystemClock());
    const env = create(EnvelopeSchema, {
      messageId: id,
      correlationId: id,
      kind,
      senderUnit: BORDER,
      recipientUnits: [INTERIOR],
      createdAt: timestampFromDate(now),
      reportedAt: timestampFromDate(now),
      schemaVersion: 1,
      classification: Classification.FOR_OFFICIAL_USE,
      payload: { case: 'daily', value: { summary: 'Bus-level test report' } },
      ...fields,
    } as never);
    const bytes = toBinary(EnvelopeSchema, env);
    const sig = signer.sign(env.senderUnit, bytes);
    mutate?.(sig.signature);
    return { id, bytes: toBinary(SignedEnvelopeSchema, create(SignedEnvelopeSchema, { envelope: bytes, keyId: sig.keyId, signature: sig.signature })) };
  }

  it('an urgent report from a border section reaches the migration post and the customs post exactly once each, with signed receipts back', async () => {
    const sent = await sys.api('border', 'POST', '/api/messages', urgentDetainedMigrants(), borderToken);
    expect(sent.status).toBe(201);
    expect(sent.body.kind).toBe('URGENT');
    const id = sent.body.id;

    const statuses = await eventually(allDelivered(id), 20_000, 'delivery receipts');
    expect(statuses.map((s) => s.unitId).sort()).toEqual([CUSTOMS, INTERIOR]);
    expect(await stored('interior', id)).toHaveLength(1);
    expect(await stored('customs', id)).toHaveLength(1);

    // The migration post officer sees it in the inbox and opens it: READ goes back to the sender.
    const interiorToken = await sys.login('interior');
    const inbox = await sys.api('interior', 'GET', '/api/messages?box=inbox&kind=URGENT', undefined, interiorToken);
    expect(inbox.status).toBe(200);
    expect(inbox.body.items.map((m: { id: string }) => m.id)).toContain(id);
    // Every desk of the unit is told it was read (their unread counts drop), once.
    const live = await sys.liveEvents('interior', interiorToken);
    try {
      const told = live.next((e) => e.id === id);
      const opened = await sys.api('interior', 'GET', `/api/messages/${id}`, undefined, interiorToken);
      expect(opened.status).toBe(200);
      expect(await told).toEqual({ type: 'status', id, box: 'inbox' });
      const again = live.next((e) => e.id === id, 1_500);
      expect((await sys.api('interior', 'GET', `/api/messages/${id}`, undefined, interiorToken)).status).toBe(200);
      await expect(again).rejects.toThrow(/no matching live event/);
      expect(opened.body.payload.urgent.detainedMigrants.persons).toHaveLength(urgentDetainedMigrants().urgent.detainedMigrants.persons.length);
    } finally {
      live.close();
    }
    await eventually(async () => (await statusOf(id)).find((s) => s.unitId === INTERIOR && s.status === 'READ'), 20_000, 'READ receipt');

    // The receipts were verified against the recipients' keys: the sender's audit log records them.
    const audit = await sys.sql('border', `SELECT action, unit_id FROM audit_log WHERE message_id = $1 ORDER BY id`, [id]);
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['sent', 'delivered', 'read']));
    // Each message is individually attributable: the stored bytes carry the batch signature of the
    // sending unit and the message's inclusion proof, and verify against the directory on their own.
    const [{ signed }] = await sys.sql('interior', `SELECT signed FROM messages WHERE id = $1`, [id]);
    const [{ signed: sentProof }] = await sys.sql('border', `SELECT signed FROM messages WHERE id = $1`, [id]);
    expect(Buffer.from(sentProof).equals(Buffer.from(signed))).toBe(true);
    const envelope = decodeSigned(signed);
    expect(envelope.batchProof).toBeDefined();
    const directory = loadDirectory(sys.files.directoryPath);
    const verifier = new SignatureVerifier((keyId) => (directory.publicKey(keyId) ? { unitId: directory.keyOwner(keyId), publicKey: directory.publicKey(keyId)! } : undefined));
    const p = envelope.batchProof!;
    expect(verifier.verify(envelope.keyId, envelope.envelope, envelope.signature, { index: p.index, size: p.leafCount, path: p.siblings })).toEqual({ ok: true, unitId: BORDER });

    // Nothing is left in the sender's outbox for it (its audit events go out shortly after, in a later pass).
    await eventually(async () => (await sys.sql('border', `SELECT id FROM outbox WHERE message_id = $1 AND done_at IS NULL`, [id])).length === 0, 10_000, 'an empty outbox');
  });

  it('every kind round-trips with its typed payload', async () => {
    const fixtures = okFixtures();
    expect(fixtures.size).toBeGreaterThanOrEqual(6);
    const sentIds: { name: string; id: string; body: Record<string, any> }[] = [];
    let urgentId: string | undefined;
    for (const [name, fixture] of fixtures) {
      const body: Record<string, any> = { ...fixture, senderUnit: BORDER, recipientUnits: [INTERIOR, CUSTOMS] };
      if (body.urgentConfirmation) {
        if (!urgentId) {
          const u = await sys.api('border', 'POST', '/api/messages', urgentDetainedMigrants(), borderToken);
          urgentId = u.body.id;
        }
        body.urgentConfirmation = { ...body.urgentConfirmation, urgentMessageId: urgentId };
        body.correlationId = urgentId;
      }
      const r = await sys.api('border', 'POST', '/api/messages', body, borderToken);
      expect({ name, status: r.status, body: r.status === 201 ? undefined : r.body }).toEqual({ name, status: 201, body: undefined });
      sentIds.push({ name, id: r.body.id, body });
    }
    const customsToken = await sys.login('customs', 'supervisor');
    for (const { name, id, body } of sentIds) {
      await eventually(allDelivered(id), 20_000, `delivery of ${name}`);
      const got = await sys.api('customs', 'GET', `/api/messages/${id}`, undefined, customsToken);
      const payloadKey = Object.keys(got.body.payload)[0];
      // Compare in the contract's canonical JSON form (e.g. instants are normalised to UTC).
      const expected = toJson(SendMessageRequestSchema, fromJson(SendMessageRequestSchema, body)) as Record<string, unknown>;
      expect({ name, payload: got.body.payload[payloadKey] }).toEqual({ name, payload: expected[payloadKey] });
    }
    const kinds = new Set((await sys.sql('customs', `SELECT DISTINCT kind FROM messages`)).map((r) => r.kind));
    expect([...kinds].sort()).toEqual(['ADVANCE', 'DAILY', 'MONTHLY', 'SEMIANNUAL', 'URGENT', 'URGENT_CONFIRMATION']);
  });

  it('a recipient node stopped while messages are sent receives all of them after it restarts', async () => {
    await sys.stopNode('customs');
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await sys.api('border', 'POST', '/api/messages', daily(`While customs is down #${i}`), borderToken);
      expect(r.status).toBe(201);
      ids.push(r.body.id);
    }
    await eventually(async () => (await Promise.all(ids.map(statusOf))).every((s) => s.find((r) => r.unitId === INTERIOR)?.status === 'DELIVERED'), 20_000, 'interior deliveries');
    await sys.startNode('customs');
    for (const id of ids) await eventually(allDelivered(id), 30_000, `delivery of ${id} after restart`);
    const rows = await sys.sql('customs', `SELECT id FROM messages WHERE id = ANY($1::uuid[])`, [ids]);
    expect(rows).toHaveLength(ids.length);
  });

  it('a duplicate publish yields one stored message', async () => {
    const m = signedByBorder();
    const js = jetstream(nc);
    // Different Nats-Msg-Ids, so the server's de-duplication does not hide the second copy.
    await js.publish(sys.names.inboxFrom('interior', 'border'), m.bytes, { msgID: `${m.id}-a` });
    await js.publish(sys.names.inboxFrom('interior', 'border'), m.bytes, { msgID: `${m.id}-b` });
    await js.publish(sys.names.inboxFrom('interior', 'border'), m.bytes, { msgID: `${m.id}-b` });
    await eventually(async () => (await stored('interior', m.id)).length === 1, 10_000, 'stored');
    // Both copies were processed (and each answered with a receipt), yet the message is stored once.
    await eventually(async () => (await sys.sql('interior', `SELECT count(*)::int AS n FROM outbox WHERE message_id = $1 AND kind = 'RECEIPT'`, [m.id]))[0].n >= 2, 10_000, 'second receipt');
    expect(await stored('interior', m.id)).toHaveLength(1);
    expect(await sys.sql('interior', `SELECT unit_id FROM message_recipients WHERE message_id = $1`, [m.id])).toHaveLength(1);
  });

  it('a message whose broker copy is lost (stream purged before the recipient consumed it) is re-sent from the outbox and arrives once', async () => {
    await sys.stopNode('interior');
    const r = await sys.api('border', 'POST', '/api/messages', { ...daily('Lost in the broker'), recipientUnits: [INTERIOR] }, borderToken);
    const id = r.body.id;
    await eventually(async () => (await statusOf(id))[0]?.status === 'SENT', 10_000, 'SENT');
    // Only interior's node may manage interior's stream (in its own account and domain).
    const jsm = await jetstreamManager(await sys.connectAs('interior-node'));
    await jsm.streams.purge(sys.names.inboxFromStream('interior').name);
    await sys.startNode('interior');
    await eventually(allDelivered(id), 30_000, 're-sent delivery');
    expect(await stored('interior', id)).toHaveLength(1);
    const [outbox] = await sys.sql('border', `SELECT attempts FROM outbox WHERE message_id = $1 AND kind = 'ENVELOPE'`, [id]);
    expect(outbox.attempts).toBeGreaterThanOrEqual(2);
  });

  it('implausible times on the bus are dead-lettered with the reason, nothing stored: a clock ahead, a report from 1900, a period long past', async () => {
    const js = jetstream(nc);
    const ahead = signedByBorder(undefined, MessageKind.DAILY, { createdAt: timestampFromDate(new Date(Date.now() + 10 * 60_000)) });
    const ancient = signedByBorder(undefined, MessageKind.URGENT, {
      reportedAt: timestampFromDate(new Date('1900-01-01T00:00:00Z')),
      payload: envelopeFromRequest(fromJson(SendMessageRequestSchema, { ...urgentDetainedMigrants(), recipientUnits: [INTERIOR] }), uuidv7(new SystemClock()), new Date()).payload,
    });
    const oldPeriod = signedByBorder(undefined, MessageKind.DAILY, { payload: { case: 'daily', value: { period: '2001-01-01', summary: 'A day long past' } } });
    for (const m of [ahead, ancient, oldPeriod]) await js.publish(sys.names.inboxFrom('interior', 'border'), m.bytes, { msgID: m.id });
    const adminToken = await sys.login('interior', 'admin');
    const reasons = await eventually(async () => {
      const r = await sys.api('interior', 'GET', '/api/admin/dead-letters', undefined, adminToken);
      const byId = new Map<string, string>(r.body.items.map((d: { messageId: string; reason: string }) => [d.messageId, d.reason]));
      return [ahead, ancient, oldPeriod].every((m) => byId.has(m.id)) ? byId : undefined;
    }, 15_000, 'dead letters');
    expect(reasons.get(ahead.id)).toMatch(/^clock skew: the envelope was created at .* after the recipient's clock/);
    expect(reasons.get(ancient.id)).toMatch(/^implausible time: reportedAt: /);
    expect(reasons.get(oldPeriod.id)).toMatch(/^implausible time: daily.period: /);
    for (const m of [ahead, ancient, oldPeriod]) expect(await stored('interior', m.id)).toHaveLength(0);
  });

  it('a tampered signature is dead-lettered, and the consumer keeps running', async () => {
    const bad = signedByBorder((sig) => (sig[0] ^= 0xff));
    const js = jetstream(nc);
    await js.publish(sys.names.inboxFrom('interior', 'border'), bad.bytes, { msgID: bad.id });
    await js.publish(sys.names.inboxFrom('interior', 'border'), new TextEncoder().encode('not a protobuf at all'), { msgID: `${bad.id}-garbage` });
    const unsigned = signedByBorder((sig) => sig.fill(0));
    await js.publish(sys.names.inboxFrom('interior', 'border'), unsigned.bytes, { msgID: unsigned.id });

    const adminToken = await sys.login('interior', 'admin');
    const letters = await eventually(async () => {
      const r = await sys.api('interior', 'GET', '/api/admin/dead-letters', undefined, adminToken);
      const mine = r.body.items.filter((d: { messageId: string | null; reason: string }) => d.messageId === bad.id || d.messageId === unsigned.id || /malformed/.test(d.reason));
      return mine.length >= 3 ? mine : undefined;
    }, 15_000, 'dead letters');
    expect(letters.find((d: { messageId: string }) => d.messageId === bad.id).reason).toMatch(/bad signature/);
    expect(letters.some((d: { reason: string }) => /malformed/.test(d.reason))).toBe(true);
    expect(await stored('interior', bad.id)).toHaveLength(0);

    // Still consuming: a good message after the bad ones is stored.
    const good = signedByBorder();
    await js.publish(sys.names.inboxFrom('interior', 'border'), good.bytes, { msgID: good.id });
    await eventually(async () => (await stored('interior', good.id)).length === 1, 10_000, 'good message after bad ones');
  });
  describe('bundles (several envelopes in one bus message, docs/protocol.md)', () => {
    const bundleHeaders = (count: string) => {
      const h = natsHeaders();
      h.set(BUNDLE_HEADER, count);
      return h;
    };
    const deadLetters = async () => {
      const adminToken = await sys.login('interior', 'admin');
      return (await sys.api('interior', 'GET', '/api/admin/dead-letters?pageSize=100', undefined, adminToken)).body.items as { messageId: string | null; reason: string; raw?: string }[];
    };

    it('each envelope is checked on its own: the good ones stored and receipted, a forged one and one signed by another agency dead-lettered with their reasons', async () => {
      const good = [signedByBorder(), signedByBorder()];
      const forged = signedByBorder((sig) => (sig[0] ^= 0xff));
      // Signed by a customs unit, published by border: the bus routes it as from border.
      const smuggled = signedByBorder(undefined, MessageKind.DAILY, { senderUnit: CUSTOMS }, 'customs');
      const parts = [good[0], forged, smuggled, good[1]];
      await jetstream(nc).publish(sys.names.inboxFrom('interior', 'border'), encodeBundle(parts.map((p) => p.bytes)), { msgID: `bundle-${good[0].id}`, headers: bundleHeaders('4') });
      for (const g of good) await eventually(async () => (await stored('interior', g.id)).length === 1, 15_000, 'the good envelopes stored');
      const letters = await eventually(async () => {
        const all = await deadLetters();
        const byId = new Map(all.filter((d) => d.messageId).map((d) => [d.messageId!, d.reason]));
        return byId.has(forged.id) && byId.has(smuggled.id) ? byId : undefined;
      }, 15_000, 'the dead letters');
      expect(letters.get(forged.id)).toMatch(/^bad signature/);
      expect(letters.get(smuggled.id)).toMatch(/^wrong sender: signed by .*, not a unit of border/);
      for (const p of [forged, smuggled]) expect(await stored('interior', p.id)).toHaveLength(0);
      // Each dead letter is the one envelope (as if it had come alone), with its place in the bundle in the audit.
      const audit = await sys.sql('interior', `SELECT details FROM audit_log WHERE action = 'dead-lettered' AND (details->>'originalIndex') IS NOT NULL AND details->>'originalSeq' IN (SELECT details->>'originalSeq' FROM audit_log WHERE message_id = $1)`, [forged.id]);
      expect(audit.map((a) => a.details.originalIndex).sort()).toEqual([1, 2]);
      // The good ones were answered: receipts came back to border's inbox as for any report.
      for (const g of good) await eventually(async () => (await sys.sql('interior', `SELECT 1 FROM outbox WHERE message_id = $1 AND kind = 'RECEIPT'`, [g.id])).length > 0, 10_000, 'a receipt for each good envelope');
    });

    it('a bundle whose header does not tell its count, or that is no bundle, is dead-lettered whole as malformed; nothing of it is stored', async () => {
      const a = signedByBorder();
      const b = signedByBorder();
      const js = jetstream(nc);
      await js.publish(sys.names.inboxFrom('interior', 'border'), encodeBundle([a.bytes, b.bytes]), { msgID: `bundle-miscount-${a.id}`, headers: bundleHeaders('3') });
      await js.publish(sys.names.inboxFrom('interior', 'border'), new TextEncoder().encode('no bundle at all'), { msgID: `bundle-garbage-${a.id}`, headers: bundleHeaders('2') });
      await eventually(async () => (await deadLetters()).filter((d) => /^malformed: (the bundle holds 2 envelopes, its header says 3|not a SignedEnvelopeBundle)/.test(d.reason)).length >= 2, 15_000, 'both dead-lettered');
      // Later messages are still consumed; the two envelopes of the miscounted bundle were never stored.
      const after = signedByBorder();
      await js.publish(sys.names.inboxFrom('interior', 'border'), after.bytes, { msgID: after.id });
      await eventually(async () => (await stored('interior', after.id)).length === 1, 10_000, 'a message after them');
      for (const m of [a, b]) expect(await stored('interior', m.id)).toHaveLength(0);
    });
  });
});

describe('audit events for the supervisor ledger', () => {
  const sys = new TestSystem();
  beforeAll(() => sys.start(['border', 'interior']));
  afterAll(() => sys.cleanup());

  it('every node publishes what happened to a message, through its outbox, once per event, in batches', async () => {
    const token = await sys.login('border');
    const r = await sys.api('border', 'POST', '/api/messages', { ...daily('Audited'), recipientUnits: [INTERIOR] }, token);
    expect(r.status).toBe(201);
    const id = r.body.id as string;
    const directory = loadDirectory(sys.files.directoryPath);
    const nc = await sys.connectAs('supervisor');
    try {
      const jsm = await jetstreamManager(nc);
      const events = await eventually(async () => {
        const info = await jsm.streams.info(sys.names.auditStream().name);
        const found: AuditEvent[] = [];
        for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
          const m = await jsm.streams.getMessage(sys.names.auditStream().name, { seq }).catch(() => null);
          if (!m) continue;
          // The nodes publish SignedAuditBatches on their agency's signed subject, signed with a key
          // of one of their own units: what the ledger verifies before it records anything.
          expect(m.subject).toMatch(/\.audit\.(border|interior)\.signed$/);
          const subject = sys.names.auditSubjectInfo(m.subject)!;
          expect(subject.form).toBe('signed');
          const verified = verifySignedAuditBatch(m.data, subject.agency, directory);
          expect(verified).toMatchObject({ ok: true, signerUnit: expect.stringMatching(new RegExp(`^${subject.agency}\\.`)) });
          for (const ev of fromBinary(AuditEventBatchSchema, fromBinary(SignedAuditBatchSchema, m.data).batch).events) if (ev.messageId === id) found.push(ev);
        }
        const actions = found.map((e) => AuditAction[e.action]).sort();
        return actions.includes('SENT') && actions.includes('RECEIVED') && actions.includes('DELIVERED') ? found : undefined;
      }, 20_000, 'audit events');
      const sent = events.find((e) => e.action === AuditAction.SENT)!;
      expect(sent).toMatchObject({ node: 'border', kind: MessageKind.DAILY, senderUnit: BORDER, recipientUnits: [INTERIOR], summary: 'Audited' });
      expect(events.find((e) => e.action === AuditAction.RECEIVED)).toMatchObject({ node: 'interior', units: [INTERIOR] });
      expect(events.find((e) => e.action === AuditAction.DELIVERED)).toMatchObject({ node: 'border', units: [INTERIOR] });
      expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
    } finally {
      await nc.close();
    }
  });
});
