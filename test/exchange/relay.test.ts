import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { fromBinary } from '@bufbuild/protobuf';
import { AuditAction, AuditEventBatchSchema, BUNDLE_HEADER, SignedAuditBatchSchema, decodeEnvelope, envelopesOf, decodeSigned, encodeEnvelope, validateSendMessageRequest } from '@shekara/contracts';
import { MESSAGE_ROW_TYPES, envelopeFromRequest, messageColumns, messageRow } from '@shekara/agency-node';
import { SystemClock, uuidv7 } from '@shekara/common';
import { ensureStreams } from '@shekara/messaging';
import { TestSystem, eventually } from '../support/harness';
import { BORDER, INTERIOR, daily } from './fixtures';

jest.setTimeout(60_000);

/**
 * The outbox relay records each claimed row's outcome in one statement: published receipts and
 * events are done, envelopes wait for their receipts, and a publication JetStream refused is
 * retried later with its error kept.
 */
describe('outbox relay outcomes', () => {
  const sys = new TestSystem();
  let token: string;

  beforeAll(async () => {
    await sys.start(['border']);
    // Interior's streams, as its node made them when it last ran (it does not run here): border's
    // publications to interior are stored, and nothing consumes them.
    await ensureStreams(await jetstreamManager(await sys.connectAs('interior-node')), sys.names.ownStreams('interior'), { replicas: 1, duplicateWindowMs: 120_000 });
    token = await sys.login('border');
  });
  afterAll(() => sys.cleanup());

  it('a refused publication keeps its row, with the error and a later attempt; the others go on', async () => {
    // No stream listens on this subject (customs' node never ran): JetStream refuses the publication ("no responders").
    const id = randomUUID();
    await sys.sql(
      'border',
      `INSERT INTO outbox (message_id, kind, target_agency, subject, nats_msg_id, payload, created_at, next_attempt_at)
       VALUES ($1, 'RECEIPT', 'interior', $2, $3, '\\x00'::bytea, now(), now())`,
      [id, sys.names.inboxFrom('customs', 'border'), id],
    );
    const sent = await sys.api('border', 'POST', '/api/messages', { ...daily('relay outcomes'), recipientUnits: [INTERIOR] }, token);
    expect(sent.status).toBe(201);

    const [failed] = await eventually(async () => {
      const rows = await sys.sql('border', `SELECT attempts, last_error, done_at, last_published_at, next_attempt_at > now() AS later FROM outbox WHERE message_id = $1`, [id]);
      return rows[0]?.attempts >= 1 ? rows : undefined;
    }, 20_000, 'the refused publication to be recorded');
    expect(failed).toMatchObject({ done_at: null, last_published_at: null, later: true });
    expect(failed.last_error).toEqual(expect.any(String));

    // The report sent meanwhile was published (its envelope is SENT and keeps its signed bytes),
    // and its audit event (published a moment later, OUTBOX_AUDIT_DELAY_MS) is done.
    await eventually(async () => {
      const [r] = await sys.sql('border', `SELECT status FROM message_recipients WHERE message_id = $1`, [sent.body.id]);
      return r?.status === 'SENT';
    }, 20_000, 'the report to be SENT');
    await eventually(async () => (await sys.sql('border', `SELECT 1 FROM outbox WHERE message_id = $1 AND kind = 'AUDIT' AND done_at IS NOT NULL`, [sent.body.id])).length, 10_000, 'the audit event to be published');
    const rows = await sys.sql('border', `SELECT kind, attempts, done_at IS NOT NULL AS done, last_error FROM outbox WHERE message_id = $1 ORDER BY kind`, [sent.body.id]);
    expect(rows).toEqual([
      { kind: 'AUDIT', attempts: 1, done: true, last_error: null },
      { kind: 'ENVELOPE', attempts: 1, done: false, last_error: null },
    ]);
    // The node published both right after the commit (the dispatch), not a relay pass: the rows were
    // written due for a pass only OUTBOX_DISPATCH_GRACE_MS later, and were published before that.
    const published = await sys.sql(
      'border',
      `SELECT kind, last_published_at < created_at + interval '5 seconds' AS before_due
         FROM outbox WHERE message_id = $1 ORDER BY kind`,
      [sent.body.id],
    );
    expect(published.map((r) => [r.kind, r.before_due])).toEqual([
      ['AUDIT', true],
      ['ENVELOPE', true],
    ]);
    // The envelope was signed when it was written: the row holds the SignedEnvelope the relay publishes
    // (and would re-send), the same bytes the message keeps as its proof, with a batch proof.
    const [proof] = await sys.sql('border', `SELECT o.payload AS published, m.signed FROM outbox o JOIN messages m ON m.id = o.message_id WHERE o.message_id = $1 AND o.kind = 'ENVELOPE'`, [sent.body.id]);
    expect(proof.signed).toEqual(proof.published);
    const signed = decodeSigned(proof.published);
    expect(decodeEnvelope(signed.envelope).messageId).toBe(sent.body.id);
    expect(signed.batchProof).toBeDefined();
  });

  it("never waits for a status a receipt is recording (that would deadlock): it records its pass and leaves that status to the receipt", async () => {
    // Interior's inbox stream (made in beforeAll; no interior node consumes it): the publication
    // succeeds and the envelope counts as SENT.
    const subject = sys.names.inboxFrom('interior', 'border');
    const holder = new Client({ connectionString: sys.adminUrl('border') });
    try {
      const sent = await sys.api('border', 'POST', '/api/messages', { ...daily('deadlock'), recipientUnits: [INTERIOR] }, token);
      expect(sent.status).toBe(201);
      const id: string = sent.body.id;
      const [row] = await eventually(async () => {
        const rows = await sys.sql('border', `SELECT id, attempts FROM outbox WHERE message_id = $1 AND kind = 'ENVELOPE'`, [id]);
        return rows[0]?.attempts >= 1 ? rows : undefined;
      }, 20_000, 'the first attempt');
      // Published once and not yet answered; the status is made PENDING again so that recording the
      // next pass has a status to move.
      await sys.sql('border', `UPDATE message_recipients SET status = 'PENDING', sent_at = NULL WHERE message_id = $1`, [id]);
      // A receipt being recorded holds the recipient's status (and would next want the envelope's
      // outbox row, which the relay holds during its pass).
      await holder.connect();
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM message_recipients WHERE message_id = $1 FOR UPDATE`, [id]);
      await sys.sql('border', `UPDATE outbox SET subject = $2, next_attempt_at = now() WHERE id = $1`, [row.id, subject]);
      // The relay publishes and records its pass while the status stays locked.
      await eventually(async () => {
        const rows = await sys.sql('border', `SELECT attempts, last_error FROM outbox WHERE id = $1`, [row.id]);
        return rows[0]?.attempts > row.attempts && rows[0].last_error === null ? rows : undefined;
      }, 15_000, 'the pass to be recorded while the status is locked');
      const [status] = await sys.sql('border', `SELECT status FROM message_recipients WHERE message_id = $1`, [id]);
      expect(status.status).toBe('PENDING');
      await holder.query('ROLLBACK');
    } finally {
      await holder.end().catch(() => undefined);
    }
  });

  it('a drain claims a backlog of several batches once each; a row passed over (locked) goes with the next drain', async () => {
    // Rows written by another process (a backlog of more than two batches), due in 2 s; five of them
    // locked meanwhile by a transaction of our own, as a receipt or another pass would hold them.
    const tag = randomUUID();
    const n = 2 * 256 + 50;
    await sys.sql(
      'border',
      `INSERT INTO outbox (message_id, kind, target_agency, subject, nats_msg_id, payload, created_at, next_attempt_at)
       SELECT gen_random_uuid(), 'RECEIPT', 'interior', $1, $2 || '-' || i, '\\x00'::bytea, now(), now() + interval '2 seconds' FROM generate_series(1, $3::int) AS i`,
      [sys.names.inboxFrom('interior', 'border'), tag, n],
    );
    const holder = new Client({ connectionString: sys.adminUrl('border') });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      // (Chosen first, then locked: rows an OFFSET passes over would be locked too.)
      const picked = (await holder.query(`SELECT id FROM outbox WHERE nats_msg_id LIKE $1 ORDER BY id LIMIT 5 OFFSET 300`, [`${tag}-%`])).rows.map((r) => r.id);
      const locked = (await holder.query(`SELECT id FROM outbox WHERE id = ANY($1::bigint[]) FOR UPDATE`, [picked])).rows.map((r) => r.id);
      expect(locked).toHaveLength(5);
      const rows = async () => sys.sql<{ id: string; attempts: number; done: boolean }>('border', `SELECT id, attempts, done_at IS NOT NULL AS done FROM outbox WHERE nats_msg_id LIKE $1`, [`${tag}-%`]);
      await eventually(async () => (await rows()).filter((r) => r.done).length === n - 5, 20_000, 'every row but the locked ones published');
      // Several drains have run since (the poll is 200 ms): the locked rows wait, untouched.
      await new Promise((r) => setTimeout(r, 600));
      expect((await rows()).filter((r) => !r.done).map((r) => r.id).sort()).toEqual([...locked].sort());
      await holder.query('COMMIT');
      const all = await eventually(async () => {
        const r = await rows();
        return r.every((x) => x.done) ? r : undefined;
      }, 10_000, 'the rows passed over published by a later drain');
      // Each published once: no pass claimed a row another had claimed.
      expect(all.every((r) => r.attempts === 1)).toBe(true);
    } finally {
      await holder.end().catch(() => undefined);
    }
  });

  it('rows due together to one agency go as bundles: each holds the rows\' bytes exactly, with its count in the header', async () => {
    const tag = randomUUID();
    const n = 12;
    await sys.sql(
      'border',
      `INSERT INTO outbox (message_id, kind, target_agency, subject, nats_msg_id, payload, created_at, next_attempt_at)
       SELECT gen_random_uuid(), 'RECEIPT', 'interior', $1, $2 || '-' || i, convert_to($2 || '-' || i, 'UTF8'), now(), now() FROM generate_series(1, $3::int) AS i`,
      [sys.names.inboxFrom('interior', 'border'), tag, n],
    );
    await eventually(async () => (await sys.sql('border', `SELECT 1 FROM outbox WHERE nats_msg_id LIKE $1 AND done_at IS NOT NULL`, [`${tag}-%`])).length === n, 20_000, 'the rows published');
    // Read back from interior's inbox stream (nothing consumes it here) what border published.
    const nc = await sys.connectAs('interior-node');
    const consumer = await jetstream(nc).consumers.get(sys.names.inboxFromStream('interior').name, { filter_subjects: sys.names.inboxFrom('interior', 'border'), deliver_policy: DeliverPolicy.All });
    const mine = new Map<string, string | undefined>();
    let bundles = 0;
    const batch = await consumer.fetch({ max_messages: 10_000, expires: 3_000 });
    for await (const m of batch) {
      const header = m.headers?.get(BUNDLE_HEADER) || undefined;
      const parts = envelopesOf(m.data, header).map((p) => Buffer.from(p).toString('utf8'));
      const ours = parts.filter((p) => p.startsWith(tag));
      if (header && ours.length) bundles++;
      for (const p of ours) mine.set(p, header);
      if (mine.size === n) break;
    }
    await nc.close();
    expect([...mine.keys()].sort()).toEqual(Array.from({ length: n }, (_, i) => `${tag}-${i + 1}`).sort());
    // Claimed by one pass (or two), so in one bundle or a few, not a bus message each.
    expect([...mine.values()].every((h) => h !== undefined)).toBe(true);
    expect(bundles).toBeLessThanOrEqual(2);
  });

  describe('dispatch: rows a node writes are published right after their commit', () => {
    // No relay pass would claim a row in time: the poll is slow and rows are due 10 minutes after
    // they are written. Reports, receipts and audit events still flow at once.
    const slow = new TestSystem({ pollMs: 60_000, dispatchGraceMs: 600_000 });

    beforeAll(async () => {
      await slow.start(['border', 'interior']);
    });
    afterAll(() => slow.cleanup());

    it('a report is delivered and its receipt recorded without a relay pass; every row is published once', async () => {
      const sender = await slow.login('border');
      const sent = await slow.api('border', 'POST', '/api/messages', { ...daily('dispatch'), recipientUnits: [INTERIOR] }, sender);
      expect(sent.status).toBe(201);
      const id: string = sent.body.id;
      await eventually(async () => (await slow.sql('border', `SELECT status FROM message_recipients WHERE message_id = $1`, [id]))[0]?.status === 'DELIVERED', 10_000, 'the receipt');
      // The sender's envelope is done (answered) and its audit events published; the recipient's
      // receipt and audit event too. None of them was claimed by a pass or published twice.
      const outboxes = async () => [
        ...(await slow.sql('border', `SELECT 'border' AS node, kind, attempts, done_at IS NOT NULL AS done FROM outbox WHERE message_id = $1`, [id])),
        ...(await slow.sql('interior', `SELECT 'interior' AS node, kind, attempts, done_at IS NOT NULL AS done FROM outbox WHERE message_id = $1`, [id])),
      ];
      const rows = await eventually(async () => {
        const all = await outboxes();
        return all.length === 5 && all.every((r) => r.done) ? all : undefined;
      }, 10_000, 'every outbox row done');
      const key = (r: { node: string; kind: string }) => `${r.node} ${r.kind}`;
      // The envelope's attempts: 1, or 0 when the receipt held its row as the dispatch's outcome came
      // (SKIP LOCKED: the holder records what matters); never more (published once).
      const envelope = rows.find((r: { kind: string }) => r.kind === 'ENVELOPE');
      expect(envelope.attempts).toBeLessThanOrEqual(1);
      envelope.attempts = 1;
      expect(rows.sort((a, b) => key(a).localeCompare(key(b)))).toEqual([
        { node: 'border', kind: 'AUDIT', attempts: 1, done: true }, // SENT
        { node: 'border', kind: 'AUDIT', attempts: 1, done: true }, // DELIVERED
        { node: 'border', kind: 'ENVELOPE', attempts: 1, done: true },
        { node: 'interior', kind: 'AUDIT', attempts: 1, done: true }, // RECEIVED
        { node: 'interior', kind: 'RECEIPT', attempts: 1, done: true },
      ]);
      const [proof] = await slow.sql('border', `SELECT signed IS NOT NULL AS signed FROM messages WHERE id = $1`, [id]);
      expect(proof.signed).toBe(true);
      // The receipt came back before the dispatch's outcome was recorded: the status stays DELIVERED
      // and keeps when it was first sent.
      const [status] = await slow.sql('border', `SELECT status, sent_at IS NOT NULL AS sent FROM message_recipients WHERE message_id = $1`, [id]);
      expect(status).toEqual({ status: 'DELIVERED', sent: true });
    });

    it("audit events do not ride along with each report: a burst's events go in a few batches", async () => {
      const sender = await slow.login('border');
      // Read as the ledger reads them: the audit stream, from now on (border's batches only).
      const nc = await slow.connectAs('supervisor');
      const batches: string[][] = [];
      const consumer = await jetstream(nc).consumers.get(slow.names.auditStream().name, { filter_subjects: slow.names.auditSignedSubject('border'), deliver_policy: DeliverPolicy.New });
      const sub = await consumer.consume({
        callback: (msg) => {
          batches.push(fromBinary(AuditEventBatchSchema, fromBinary(SignedAuditBatchSchema, msg.data).batch).events.filter((e) => e.action === AuditAction.SENT).map((e) => e.messageId));
        },
      });
      try {
        // Reports sent one after the other, each published at once: their SENT events wait
        // OUTBOX_AUDIT_DELAY_MS and go together.
        const ids: string[] = [];
        for (let i = 0; i < 12; i++) {
          const sent = await slow.api('border', 'POST', '/api/messages', { ...daily(`audit burst ${i}`), recipientUnits: [INTERIOR] }, sender);
          expect(sent.status).toBe(201);
          ids.push(sent.body.id);
        }
        await eventually(async () => ids.every((id) => batches.flat().includes(id)), 10_000, 'every SENT event published');
        const carrying = batches.filter((b) => b.some((id) => ids.includes(id)));
        expect(carrying.length).toBeLessThanOrEqual(4);
        expect(batches.flat().filter((id) => ids.includes(id)).sort()).toEqual([...ids].sort());
      } finally {
        await sub.close();
      }
    });

    it("a status its receipt held while the dispatch's outcome was recorded still gets its sending time", async () => {
      // The outcome skips a status a receipt holds (waiting could deadlock); the receipt then sets the
      // sending time the dispatch left in memory, the same instant as the envelope's publication.
      const sender = await slow.login('border');
      const holder = new Client({ connectionString: slow.adminUrl('border') });
      await holder.connect();
      try {
        for (let attempt = 1; ; attempt++) {
          const sent = await slow.api('border', 'POST', '/api/messages', { ...daily(`held status ${attempt}`), recipientUnits: [INTERIOR] }, sender);
          expect(sent.status).toBe(201);
          const id: string = sent.body.id;
          // Held as a receipt being recorded holds it, before the dispatch's outcome (recorded
          // OUTCOME_DELAY_MS after JetStream's ack) has given it its sending time.
          await holder.query('BEGIN');
          const [held] = (await holder.query(`SELECT sent_at FROM message_recipients WHERE message_id = $1 FOR UPDATE`, [id])).rows;
          if (held.sent_at !== null) {
            await holder.query('ROLLBACK');
            if (attempt < 10) continue;
            throw new Error('the outcome was recorded before the status could be held, 10 times');
          }
          const [outbox] = await eventually(async () => {
            const rows = await slow.sql('border', `SELECT attempts, last_published_at FROM outbox WHERE message_id = $1 AND kind = 'ENVELOPE'`, [id]);
            return rows[0]?.attempts >= 1 ? rows : undefined;
          }, 10_000, "the dispatch's outcome recorded while the status is held");
          const [skipped] = (await holder.query(`SELECT status, sent_at FROM message_recipients WHERE message_id = $1`, [id])).rows;
          expect(skipped).toEqual({ status: 'PENDING', sent_at: null });
          // The receipt, waiting for the status, goes on.
          await holder.query('COMMIT');
          const [status] = await eventually(async () => {
            const rows = await slow.sql('border', `SELECT status, sent_at FROM message_recipients WHERE message_id = $1`, [id]);
            return rows[0]?.status === 'DELIVERED' ? rows : undefined;
          }, 10_000, 'the receipt');
          expect(status.sent_at).toEqual(outbox.last_published_at);
          return;
        }
      } finally {
        await holder.query('ROLLBACK').catch(() => undefined);
        await holder.end().catch(() => undefined);
      }
    });

    it('a read receipt (written in a transaction) is published after its commit', async () => {
      const sender = await slow.login('border');
      const reader = await slow.login('interior');
      const sent = await slow.api('border', 'POST', '/api/messages', { ...daily('dispatch read'), recipientUnits: [INTERIOR] }, sender);
      const id: string = sent.body.id;
      await eventually(async () => (await slow.sql('interior', `SELECT 1 FROM messages WHERE id = $1`, [id])).length, 10_000, 'the message at the recipient');
      expect((await slow.api('interior', 'GET', `/api/messages/${id}`, undefined, reader)).status).toBe(200);
      await eventually(async () => (await slow.sql('border', `SELECT status FROM message_recipients WHERE message_id = $1`, [id]))[0]?.status === 'READ', 10_000, 'the read receipt');
    });

    it('an envelope written unsigned (by a version that left signing to the relay) is signed by the relay, and its message keeps the proof', async () => {
      // A row still in the outbox at an upgrade: the serialized Envelope and the unit that must sign
      // it, its message without a proof, due at once and announced (as another process writes it).
      const v = validateSendMessageRequest({ ...daily('Written before the upgrade.'), recipientUnits: [INTERIOR] });
      if (!v.ok) throw new Error(JSON.stringify(v.errors));
      const clock = new SystemClock();
      const id = uuidv7(clock);
      const now = clock.now();
      const env = envelopeFromRequest(v.value, id, now);
      const envelope = Buffer.from(encodeEnvelope(env));
      await slow.sql(
        'border',
        `WITH m AS (INSERT INTO messages (id, direction, kind, sender_unit, recipient_units, correlation_id, classification, created_at, reported_at, period, event_at, confirms, summary, payload, created_by)
                    SELECT x.id, 'OUT', x.kind, x.sender, x.recipients, x.correlation_id, x.classification, x.created_at, x.reported_at, x.period, x.event_at, x.confirms, x.summary, x.payload, 'border.duty'
                      FROM jsonb_to_recordset($1::jsonb) AS x(${MESSAGE_ROW_TYPES})),
              r AS (INSERT INTO message_recipients (message_id, unit_id, agency, status) VALUES ($2, $3, 'interior', 'PENDING'))
         INSERT INTO outbox (message_id, kind, target_agency, subject, nats_msg_id, payload, created_at, next_attempt_at, signing_unit)
         VALUES ($2, 'ENVELOPE', 'interior', $4, $2::text, $5, now(), now(), $6)`,
        [JSON.stringify([messageRow(env, messageColumns(env), now)]), id, INTERIOR, slow.names.inboxFrom('interior', 'border'), envelope, BORDER],
      );
      await slow.sql('border', `SELECT pg_notify('shekara_outbox', '')`);
      await eventually(async () => (await slow.sql('border', `SELECT status FROM message_recipients WHERE message_id = $1`, [id]))[0]?.status === 'DELIVERED', 15_000, 'the receipt');
      const [stored] = await slow.sql('interior', `SELECT signed FROM messages WHERE id = $1`, [id]);
      const [proof] = await eventually(async () => {
        const rows = await slow.sql('border', `SELECT signed FROM messages WHERE id = $1 AND signed IS NOT NULL`, [id]);
        return rows.length ? rows : undefined;
      }, 10_000, 'the proof recorded');
      // What the recipient received and verified is what the sender keeps.
      expect(proof.signed).toEqual(stored.signed);
      const signed = decodeSigned(proof.signed);
      expect(Buffer.from(signed.envelope)).toEqual(envelope);
    });
  });
});
