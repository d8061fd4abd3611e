/**
 * Issue #16 items 3 and 4 on running nodes: key rotation and revocation through the signed
 * directory (reloaded without a restart), refused directory versions, dead letters that cannot be
 * forged, and signed REJECTED receipts only for envelopes whose origin verified.
 */
import { PassThrough } from 'node:stream';
import { readFileSync, writeFileSync } from 'node:fs';
import { create, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { Classification, EnvelopeSchema, MessageKind, SignedEnvelopeSchema } from '@shekara/contracts';
import type { AgencyCode } from '@shekara/contracts';
import { loadAgencyKeys, loadDirectory, signDirectory, generateAuthorityKey } from '@shekara/directory';
import { DeadLetterHeader } from '@shekara/messaging';
import { UnitSigner } from '@shekara/security';
import { SystemClock, uuidv7 } from '@shekara/common';
import { main as cli } from '../../apps/cli/src/main';
import { TestSystem, eventually } from '../support/harness';
import { BORDER, INTERIOR } from '../exchange/fixtures';

jest.setTimeout(120_000);

const sys = new TestSystem({ resendAfterMs: 1500, resendMaxMs: 3000 });
/** Border's node identity (what it publishes reaches interior's inbox as from border). */
let nc: NatsConnection;
/** Interior's node identity: the only one that may publish interior's dead letters or read its streams. */
let interiorNc: NatsConnection;
let adminToken: string;

beforeAll(async () => {
  await sys.start(['border', 'interior']);
  nc = await sys.connectAs('border-node');
  interiorNc = await sys.connectAs('interior-node');
  adminToken = await sys.login('interior', 'admin');
});
afterAll(async () => {
  await nc?.close();
  await sys.cleanup();
});

/** Runs `npx shekara directory …` in this process against the system's files. */
async function directoryCommand(sub: string, ...args: string[]): Promise<string> {
  const out = new PassThrough();
  const err = new PassThrough();
  const text: string[] = [];
  out.on('data', (c: Buffer) => text.push(c.toString()));
  err.on('data', (c: Buffer) => text.push(c.toString()));
  const code = await cli(['directory', sub, '--directory', sys.files.directoryPath, '--authority', sys.files.authorityKeyPath, ...args], { stdout: out, stderr: err, now: () => new Date() });
  if (code !== 0) throw new Error(`directory ${sub} failed (${code}): ${text.join('')}`);
  return text.join('');
}

async function metric(agency: AgencyCode, line: RegExp): Promise<number | undefined> {
  const text = (await sys.api(agency, 'GET', '/metrics')).body as string;
  const m = text.split('\n').find((l) => line.test(l));
  return m === undefined ? undefined : Number(m.split(' ').at(-1));
}
const versionLoaded = (agency: AgencyCode, version: number) => () => metric(agency, /^shekara_directory_version /).then((v) => v === version);

/** A report from BORDER to INTERIOR signed outside the node with the given key, created at `createdAt`. */
function signedWith(keyId: string, createdAt: Date, recipient = INTERIOR) {
  const directory = loadDirectory(sys.files.directoryPath);
  const keys = loadAgencyKeys(sys.files.keyPaths.border, 'border', directory);
  const signer = new UnitSigner([{ keyId, unitId: BORDER, privateKey: keys.get(keyId)! }]);
  const id = uuidv7(new SystemClock());
  const env = create(EnvelopeSchema, {
    messageId: id,
    correlationId: id,
    kind: MessageKind.DAILY,
    senderUnit: BORDER,
    recipientUnits: [recipient],
    createdAt: timestampFromDate(createdAt),
    reportedAt: timestampFromDate(createdAt),
    schemaVersion: 1,
    classification: Classification.FOR_OFFICIAL_USE,
    payload: { case: 'daily', value: { summary: 'Signed outside the node' } },
  } as never);
  const bytes = toBinary(EnvelopeSchema, env);
  const sig = signer.sign(BORDER, bytes);
  return { id, bytes: toBinary(SignedEnvelopeSchema, create(SignedEnvelopeSchema, { envelope: bytes, keyId: sig.keyId, signature: sig.signature })) };
}

const stored = (id: string) => sys.sql('interior', `SELECT id FROM messages WHERE id = $1`, [id]);
const receiptsFor = (id: string) => sys.sql('interior', `SELECT id FROM outbox WHERE message_id = $1 AND kind = 'RECEIPT'`, [id]);
async function deadLetter(id: string): Promise<{ reason: string; sourceStream: string; sourceSeq: string }> {
  return eventually(async () => {
    const r = await sys.api('interior', 'GET', '/api/admin/dead-letters?pageSize=100', undefined, adminToken);
    return r.body.items.find((d: { messageId: string | null }) => d.messageId === id);
  }, 15_000, `dead letter of ${id}`);
}
const publish = (bytes: Uint8Array, msgID: string) => jetstream(nc).publish(sys.names.inboxFrom('interior', 'border'), bytes, { msgID });

describe('key rotation and revocation through the signed directory', () => {
  let oldKey: string;
  let newKey: string;
  let inFlight: { id: string; bytes: Uint8Array };

  let version1: string;

  it('a new key added by the operator is used by the sending node and accepted by the recipient, without a restart', async () => {
    version1 = readFileSync(sys.files.directoryPath, 'utf8');
    oldKey = loadDirectory(sys.files.directoryPath).unit(BORDER).keys[0].keyId;
    const out = await directoryCommand('add-key', '--unit', BORDER, '--keys', sys.files.keyPaths.border);
    newKey = /added key (\S+)/.exec(out)![1];
    await eventually(versionLoaded('border', 2), 10_000, 'border on version 2');
    await eventually(versionLoaded('interior', 2), 10_000, 'interior on version 2');

    const token = await sys.login('border');
    const sent = await sys.api('border', 'POST', '/api/messages', { senderUnit: BORDER, recipientUnits: [INTERIOR], classification: 'CLASSIFICATION_FOR_OFFICIAL_USE', daily: { summary: 'After rotation' } }, token);
    expect(sent.status).toBe(201);
    await eventually(async () => (await stored(sent.body.id)).length === 1, 15_000, 'delivery with the new key');
    const [{ signed }] = await sys.sql('interior', `SELECT signed FROM messages WHERE id = $1`, [sent.body.id]);
    const { keyId } = (await import('@shekara/contracts')).decodeSigned(signed);
    expect(keyId).toBe(newKey);
  });

  it('the old key retired: a message signed with it before the retirement (in flight) verifies, one created after is dead-lettered as expired', async () => {
    inFlight = signedWith(oldKey, new Date());
    const notAfter = new Date(Date.now() + 1000);
    await directoryCommand('retire-key', '--key', oldKey, '--not-after', notAfter.toISOString());
    await eventually(versionLoaded('interior', 3), 10_000, 'interior on version 3');
    while (Date.now() <= notAfter.getTime()) await new Promise((r) => setTimeout(r, 100));

    const late = signedWith(oldKey, new Date());
    await publish(late.bytes, late.id);
    const inFlightCopy = signedWith(oldKey, new Date(notAfter.getTime() - 500));
    await publish(inFlightCopy.bytes, inFlightCopy.id);
    await eventually(async () => (await stored(inFlightCopy.id)).length === 1, 15_000, 'the in-flight message stored');
    expect((await deadLetter(late.id)).reason).toMatch(/^expired key: key border\.l4\.CP-CN-A-01#\S+ expired at /);
    expect(await stored(late.id)).toHaveLength(0);
    expect(await receiptsFor(late.id)).toHaveLength(0); // no signed answer
  });

  it('a revoked key verifies nothing, whatever creation time the message states; dead-lettered with the reason, alerted, unanswered', async () => {
    const alertsBefore = (await metric('interior', /^shekara_messages_unverified_total\{reason="revoked key"\}/)) ?? 0;
    await directoryCommand('revoke-key', '--key', oldKey, '--reason', 'key file copied off the node');
    await eventually(versionLoaded('interior', 4), 10_000, 'interior on version 4');
    await publish(inFlight.bytes, inFlight.id); // created while the key was valid
    const letter = await deadLetter(inFlight.id);
    expect(letter.reason).toMatch(/^revoked key: key \S+ revoked at \S+ \(key file copied off the node\)$/);
    expect(await stored(inFlight.id)).toHaveLength(0);
    expect(await receiptsFor(inFlight.id)).toHaveLength(0);
    expect(await metric('interior', /^shekara_messages_unverified_total\{reason="revoked key"\}/)).toBe(alertsBefore + 1);
  });

  it('a version signed by another key, an unsigned one and an older one are refused: the node keeps its version and keeps working', async () => {
    const current = readFileSync(sys.files.directoryPath, 'utf8');
    const doc = JSON.parse(current);
    const refusedBefore = (await metric('interior', /^shekara_directory_reloads_total\{outcome="refused",reason="DIRECTORY_SIGNATURE"\}/)) ?? 0;
    const replay = signedWith(oldKey, new Date(Date.now() - 60_000));
    try {
      // Signed by someone else's authority key, with a higher version and the revoked key restored.
      const restored = structuredClone(doc.directory);
      for (const u of restored.units) for (const k of u.keys) if (k.keyId === oldKey) (delete k.revokedAt, delete k.revocationReason, delete k.notAfter);
      writeFileSync(sys.files.directoryPath, JSON.stringify(signDirectory(restored, 99, new Date(), generateAuthorityKey().key)));
      await eventually(async () => ((await metric('interior', /^shekara_directory_reloads_total\{outcome="refused",reason="DIRECTORY_SIGNATURE"\}/)) ?? 0) > refusedBefore, 10_000, 'refusal counted');
      writeFileSync(sys.files.directoryPath, JSON.stringify(restored)); // unsigned
      await eventually(async () => ((await metric('interior', /^shekara_directory_reloads_total\{outcome="refused",reason="DIRECTORY_SIGNATURE"\}/)) ?? 0) > refusedBefore + 1, 10_000, 'second refusal counted');
      // A replay of version 1, validly signed, in which the old key was neither retired nor revoked.
      writeFileSync(sys.files.directoryPath, version1);
      await eventually(async () => ((await metric('interior', /^shekara_directory_reloads_total\{outcome="refused",reason="STALE_VERSION"\}/)) ?? 0) > 0, 10_000, 'stale version refused');
      expect(await metric('interior', /^shekara_directory_version /)).toBe(4);
      await publish(replay.bytes, replay.id);
      expect((await deadLetter(replay.id)).reason).toMatch(/^revoked key/);
    } finally {
      writeFileSync(sys.files.directoryPath, current);
    }
  });
});

describe('dead letters and receipts that cannot be forged', () => {
  const dlq = () => sys.names.deadLetterSubject('interior');

  it('a signed REJECTED receipt answers an envelope whose origin verified (addressing refused), none answers a bad signature', async () => {
    const key = loadDirectory(sys.files.directoryPath).signingKeyAt(BORDER, new Date())!.keyId;
    const misaddressed = signedWith(key, new Date(), 'interior.l4.CP-CN-A-02'); // not in BORDER's group
    await publish(misaddressed.bytes, misaddressed.id);
    expect((await deadLetter(misaddressed.id)).reason).toMatch(/not permitted/);
    await eventually(async () => (await receiptsFor(misaddressed.id)).length === 1, 10_000, 'the REJECTED receipt');

    const alertsBefore = (await metric('interior', /^shekara_messages_unverified_total\{reason="bad signature"\}/)) ?? 0;
    const forged = signedWith(key, new Date());
    const tampered = Uint8Array.from(forged.bytes);
    tampered[tampered.length - 1] ^= 0xff; // the last byte is inside the signature
    await publish(tampered, forged.id);
    expect((await deadLetter(forged.id)).reason).toMatch(/^bad signature/);
    expect(await receiptsFor(forged.id)).toHaveLength(0);
    expect(await metric('interior', /^shekara_messages_unverified_total\{reason="bad signature"\}/)).toBe(alertsBefore + 1);
  });

  it('a dead letter is kept under the stream sequence consumed: a forged one naming the same original message does not suppress the real one', async () => {
    const key = loadDirectory(sys.files.directoryPath).signingKeyAt(BORDER, new Date())!.keyId;
    const victim = signedWith(key, new Date(), 'interior.l4.CP-CN-A-02');
    // A publisher of dead letters (on the bus only interior's node itself may: the matrix checks that)
    // publishes first one naming the original stream and sequence the real message will have (the
    // next one) with a harmless reason.
    const jsm = await jetstreamManager(interiorNc);
    const inbox = sys.names.inboxFromStream('interior').name;
    const nextSeq = (await jsm.streams.info(inbox)).state.last_seq + 1;
    const h = natsHeaders();
    h.set(DeadLetterHeader.Reason, 'duplicate, ignore');
    h.set(DeadLetterHeader.OriginalStream, inbox);
    h.set(DeadLetterHeader.OriginalSeq, String(nextSeq));
    h.set(DeadLetterHeader.OriginalSubject, sys.names.inboxFrom('interior', 'border'));
    h.set(DeadLetterHeader.Deliveries, '1');
    await jetstream(interiorNc).publish(dlq(), victim.bytes, { headers: h, msgID: `forged-${victim.id}` });
    await publish(victim.bytes, victim.id);
    const letters = await eventually(async () => {
      const r = await sys.api('interior', 'GET', '/api/admin/dead-letters?pageSize=100', undefined, adminToken);
      const mine = r.body.items.filter((d: { messageId: string | null }) => d.messageId === victim.id);
      return mine.length >= 2 ? mine : undefined;
    }, 15_000, 'both dead letters');
    const reasons = letters.map((d: { reason: string }) => d.reason);
    expect(reasons).toContain('duplicate, ignore');
    expect(reasons.some((r: string) => /^not permitted/.test(r))).toBe(true);
    expect(new Set(letters.map((d: { sourceSeq: string }) => d.sourceSeq)).size).toBe(2);
    // The original position is kept as stated, beside the key.
    expect(letters.map((d: { originalSeq: string }) => d.originalSeq)).toContain(String(nextSeq));
  });

  it('a malformed dead-letter entry is terminated, not retried for ever, and the next one is recorded', async () => {
    const h = natsHeaders();
    h.set(DeadLetterHeader.Reason, 'whatever');
    h.set(DeadLetterHeader.Deliveries, 'many'); // not a count
    await jetstream(interiorNc).publish(dlq(), new TextEncoder().encode('junk'), { headers: h, msgID: `malformed-${Date.now()}` });
    await jetstream(interiorNc).publish(dlq(), new TextEncoder().encode('junk without headers'), { msgID: `bare-${Date.now()}` });
    const key = loadDirectory(sys.files.directoryPath).signingKeyAt(BORDER, new Date())!.keyId;
    const after = signedWith(key, new Date(), 'interior.l4.CP-CN-A-02');
    await publish(after.bytes, after.id);
    await deadLetter(after.id);
    const jsm = await jetstreamManager(interiorNc);
    const { stream, durable } = sys.names.ownDeadLetterConsumer('interior');
    await eventually(async () => {
      const info = await jsm.consumers.info(stream, durable);
      return info.num_ack_pending === 0 && info.num_pending === 0 && info.num_redelivered === 0;
    }, 10_000, 'nothing pending or redelivered on the dead-letter consumer');
  });
});

describe('a unit without a valid key', () => {
  it('sends nothing (409, nothing stored) once its last key is revoked', async () => {
    const directory = loadDirectory(sys.files.directoryPath);
    const version = (await metric('border', /^shekara_directory_version /))!;
    const key = directory.signingKeyAt(BORDER, new Date())!.keyId;
    await directoryCommand('revoke-key', '--key', key, '--reason', 'unit disbanded');
    await eventually(versionLoaded('border', version + 1), 10_000, `border on version ${version + 1}`);
    const token = await sys.login('border');
    const before = await sys.sql('border', `SELECT count(*)::int AS n FROM messages`);
    const r = await sys.api('border', 'POST', '/api/messages', { senderUnit: BORDER, recipientUnits: [INTERIOR], classification: 'CLASSIFICATION_FOR_OFFICIAL_USE', daily: { summary: 'No key' } }, token);
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('NO_SIGNING_KEY');
    expect(await sys.sql('border', `SELECT count(*)::int AS n FROM messages`)).toEqual(before);
  });
});
