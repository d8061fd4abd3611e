/**
 * Attachments of the Unified Data Bank across three nodes: a 25 MiB PDF uploaded at interior's
 * node (type sniffed from the bytes, content-addressed), attached to a record, moved to border and
 * customs in chunks no bus message of which comes near the server's 1 MiB max payload, verified by
 * hash there and downloadable, its text searchable there; one byte over 25 MiB and an executable
 * named .pdf refused with nothing stored; chunks lost at a node asked for again; a node that was
 * down gets the file when it is back; a CONFIDENTIAL record's file only for cleared users.
 */
import { createHash, randomBytes } from 'node:crypto';
import { create, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { jetstream } from '@nats-io/jetstream';
import { SystemClock, uuidv7 } from '@shekara/common';
import { CURRENT_SCHEMA_VERSION, Classification, EnvelopeSchema, MessageKind, encodeSigned } from '@shekara/contracts';
import type { BankAttachmentChunk } from '@shekara/contracts';
import { loadAgencyKeys, loadDirectory, readAuthorityPublicKey } from '@shekara/directory';
import { UnitSigner } from '@shekara/security';
import { TestSystem, eventually } from '../support/harness';
import { pdf, png } from './files';
import type { AgencyCode } from '@shekara/contracts';
import type { AgencyNodeConfig } from '@shekara/agency-node';

jest.setTimeout(600_000);

const MiB = 1024 * 1024;

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Nodes asking again for missing attachments once no chunk came for 4 s (the default is a minute). */
class System extends TestSystem {
  override config(agency: AgencyCode): AgencyNodeConfig {
    return { ...super.config(agency), bank: { retentionGraceDays: 365, retentionMs: 0, attachmentRetryMs: 4000 } };
  }
}

describe('attachments of the Unified Data Bank', () => {
  const sys = new System();
  const token: Record<string, string> = {};
  const big = pdf('Holographic kinegram on the biodata page of the Zhetisu passport series', 25 * MiB);
  let recordId: string;

  const upload = (agency: AgencyCode, bytes: Buffer, filename: string, lang = 'en') =>
    fetch(`${sys.url(agency)}/api/bank/attachments?filename=${encodeURIComponent(filename)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token[agency]}`, 'content-type': 'application/octet-stream', 'accept-language': lang },
      body: bytes,
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

  const download = async (agency: AgencyCode, id: string, hash: string, as = token[agency]) => {
    const r = await fetch(`${sys.url(agency)}/api/bank/records/${id}/attachments/${hash}`, { headers: { authorization: `Bearer ${as}` } });
    return { status: r.status, headers: r.headers, bytes: Buffer.from(await r.arrayBuffer()) };
  };

  /** Waits until the record's file is available at the node, then downloads it. */
  const arrived = async (agency: AgencyCode, id: string, hash: string) => {
    await eventually(async () => {
      const r = await sys.api(agency, 'GET', `/api/bank/records/${id}`, undefined, token[agency]);
      return r.status === 200 && r.body.attachments?.find((a: { sha256: string }) => a.sha256 === hash)?.available === true;
    }, 240_000, `attachment ${hash.slice(0, 12)} at ${agency}`);
    return download(agency, id, hash);
  };

  beforeAll(async () => {
    await sys.start(['interior', 'border', 'customs']);
    for (const a of ['interior', 'border', 'customs'] as const) token[a] = await sys.login(a);
  });
  afterAll(() => sys.cleanup());

  it('refuses an executable named .pdf, in the user\'s language, storing nothing', async () => {
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00', 'latin1'), randomBytes(4096)]);
    const en = await upload('interior', exe, 'report.pdf', 'en');
    expect(en.status).toBe(415);
    expect(en.body).toMatchObject({ code: 'BANK_ATTACHMENT_TYPE' });
    expect(en.body.message).toMatch(/not a PDF/);
    const ru = await upload('interior', exe, 'отчёт.pdf', 'ru');
    expect(ru.status).toBe(415);
    expect(ru.body.message).toMatch(/не является PDF/);
    // A PDF signature after other bytes (a polyglot) is no PDF either.
    expect((await upload('interior', Buffer.concat([exe, pdf('x')]), 'a.pdf')).status).toBe(415);
    expect(await sys.sql('interior', `SELECT count(*)::int AS n FROM bank_attachments`)).toEqual([{ n: 0 }]);
  });

  it('refuses a file one byte over 25 MiB, storing nothing', async () => {
    const over = Buffer.concat([big, Buffer.from('\n')]);
    expect(over.length).toBe(25 * MiB + 1);
    const r = await upload('interior', over, 'too-big.pdf');
    expect(r.status).toBe(413);
    expect(r.body).toMatchObject({ code: 'BANK_ATTACHMENT_TOO_LARGE' });
    expect(await sys.sql('interior', `SELECT count(*)::int AS n FROM bank_attachments`)).toEqual([{ n: 0 }]);
    expect(await sys.sql('interior', `SELECT count(*)::int AS n FROM bank_attachment_chunks`)).toEqual([{ n: 0 }]);
  });

  it('refuses a record naming a file not uploaded here', async () => {
    const r = await sys.api('interior', 'POST', '/api/bank/records', {
      material: { kind: 'MATERIAL_KIND_REVIEW', title: 'Ghost file', body: 'Names a file nobody uploaded.', language: 'BANK_LANGUAGE_EN' },
      classification: 'CLASSIFICATION_FOR_OFFICIAL_USE',
      attachments: [{ sha256: 'a'.repeat(64), size: 10, mediaType: 'application/pdf', filename: 'ghost.pdf' }],
    }, token.interior);
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('BANK_ATTACHMENT_UNKNOWN');
    expect(await sys.sql('interior', `SELECT count(*)::int AS n FROM bank_records`)).toEqual([{ n: 0 }]);
  });

  it('moves a 25 MiB PDF to the other nodes in chunks, verified by hash, downloadable, its text searchable', async () => {
    const up = await upload('interior', big, 'паспорт-образец.pdf');
    expect(up.status).toBe(201);
    expect(up.body).toEqual({ sha256: sha(big), size: 25 * MiB, mediaType: 'application/pdf', filename: 'паспорт-образец.pdf' });
    // The client's word on size and type is not taken: the node's own is.
    const made = await sys.api('interior', 'POST', '/api/bank/records', {
      material: { kind: 'MATERIAL_KIND_TRAINING_MATERIAL', title: 'Security features of a passport series', body: 'See the attached specimen.', language: 'BANK_LANGUAGE_EN' },
      classification: 'CLASSIFICATION_FOR_OFFICIAL_USE',
      attachments: [{ ...up.body, size: 1, mediaType: 'image/png' }],
    }, token.interior);
    expect(made.status).toBe(201);
    recordId = made.body.id;
    expect(made.body.content.attachments).toEqual([up.body]);

    for (const agency of ['border', 'customs'] as const) {
      const d = await arrived(agency, recordId, sha(big));
      expect(d.status).toBe(200);
      expect(d.bytes.length).toBe(25 * MiB);
      expect(sha(d.bytes)).toBe(sha(big));
      expect(d.headers.get('content-type')).toBe('application/pdf');
      expect(d.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('паспорт-образец.pdf')}`);
      expect(await sys.sql(agency, `SELECT count(*)::int AS n, max(length(data))::int AS max FROM bank_attachment_chunks`)).toEqual([{ n: 50, max: 512 * 1024 }]);
      // The text of the PDF (not in the record's own text) finds the record here.
      const found = await eventually(async () => {
        const s = await sys.api(agency, 'GET', '/api/bank/search?q=kinegram', undefined, token[agency]);
        return s.status === 200 && s.body.items.length > 0 && s.body.items;
      }, 30_000, `search at ${agency}`);
      expect(found[0].id).toBe(recordId);
    }
    // Every chunk went as its own envelope, each far below the server's 1 MiB max payload.
    const sent = await sys.sql('interior', `SELECT count(*)::int AS n, max(length(payload))::int AS max FROM outbox WHERE kind = 'BANK' AND length(payload) > 100000`);
    expect(sent[0].n).toBeGreaterThanOrEqual(100);
    expect(sent[0].max).toBeLessThan(600 * 1024);
  });

  it('asks again for chunks lost at a node and verifies the whole again', async () => {
    const hash = sha(big);
    await sys.sql('customs', `DELETE FROM bank_attachment_chunks WHERE sha256 = $1 AND idx IN (3, 49)`, [hash]);
    await sys.sql('customs', `UPDATE bank_attachments SET complete = false, requested_at = NULL WHERE sha256 = $1`, [hash]);
    expect((await download('customs', recordId, hash)).status).toBe(409);
    const d = await arrived('customs', recordId, hash);
    expect(sha(d.bytes)).toBe(hash);
    expect(await sys.sql('customs', `SELECT complete FROM bank_attachments WHERE sha256 = $1`, [hash])).toEqual([{ complete: true }]);
  });

  it('drops chunks that do not hash to the name and gets the right ones', async () => {
    const hash = sha(big);
    // A node holding wrong bytes under the name (a corrupted copy): the whole fails the hash, is dropped, asked for again.
    await sys.sql('border', `UPDATE bank_attachments SET complete = false, requested_at = now() WHERE sha256 = $1`, [hash]);
    await sys.sql('border', `UPDATE bank_attachment_chunks SET data = overlay(data placing '\\x00ff'::bytea from 100) WHERE sha256 = $1 AND idx = 7`, [hash]);
    await sys.sql('border', `DELETE FROM bank_attachment_chunks WHERE sha256 = $1 AND idx = 8`, [hash]);
    await sys.sql('border', `UPDATE bank_attachments SET requested_at = NULL WHERE sha256 = $1`, [hash]);
    const d = await arrived('border', recordId, hash);
    expect(sha(d.bytes)).toBe(hash);
  });

  it('brings a file to a node that was down when it was attached', async () => {
    await sys.stopNode('customs');
    const image = png();
    const up = await upload('interior', image, 'stamp.png');
    expect(up.body.mediaType).toBe('image/png');
    const made = await sys.api('interior', 'POST', '/api/bank/records', {
      material: { kind: 'MATERIAL_KIND_REVIEW', title: 'A new border stamp', body: 'Image of the stamp attached.', language: 'BANK_LANGUAGE_EN' },
      classification: 'CLASSIFICATION_FOR_OFFICIAL_USE',
      attachments: [up.body],
    }, token.interior);
    expect(made.status).toBe(201);
    await sys.startNode('customs');
    token.customs = await sys.login('customs');
    const d = await arrived('customs', made.body.id, sha(image));
    expect(sha(d.bytes)).toBe(sha(image));
  });

  it("keeps a CONFIDENTIAL record's files from users not cleared for it", async () => {
    const doc = pdf('Courier routes');
    const up = await upload('interior', doc, 'routes.pdf');
    const made = await sys.api('interior', 'POST', '/api/bank/records', {
      material: { kind: 'MATERIAL_KIND_RECOMMENDATION', title: 'Routes', body: 'Confidential.', language: 'BANK_LANGUAGE_EN' },
      classification: 'CLASSIFICATION_CONFIDENTIAL',
      attachments: [up.body],
    }, token.interior);
    expect(made.status).toBe(201);
    await sys.sql('border', `UPDATE users SET clearance = 'CONFIDENTIAL' WHERE username = 'border.supervisor'`);
    const cleared = await sys.login('border', 'supervisor');
    await eventually(async () => (await download('border', made.body.id, sha(doc), cleared)).status === 200, 120_000, 'confidential file at border');
    const notCleared = await download('border', made.body.id, sha(doc), token.border);
    expect(notCleared.status).toBe(404);
    expect(notCleared.bytes.toString()).not.toContain('Courier');
    // A file is reached only through a record that names it.
    expect((await download('border', recordId, sha(doc), cleared)).status).toBe(404);
  });

  it('ignores a chunk nobody asked for and dead-letters one whose length disagrees with its place', async () => {
    const directory = loadDirectory(sys.files.directoryPath, readAuthorityPublicKey(sys.files.authorityPublicKeyPath));
    const keys = loadAgencyKeys(sys.files.keyPaths.border, 'border', directory);
    const signer = new UnitSigner([...keys].map(([keyId, privateKey]) => ({ keyId, privateKey, unitId: directory.keyOwner(keyId) })), (u) => directory.signingKeyAt(u, new Date())?.keyId);
    const clock = new SystemClock();
    const unit = 'border.l1.KZ';
    const unwanted = randomBytes(32).toString('hex');
    const send = async (value: Omit<BankAttachmentChunk, '$typeName'>) => {
      const id = uuidv7(clock);
      const env = create(EnvelopeSchema, {
        messageId: id, correlationId: '', kind: MessageKind.BANK_ATTACHMENT_CHUNK, senderUnit: unit, recipientUnits: ['customs.l1.KZ'],
        createdAt: timestampFromDate(clock.now()), reportedAt: timestampFromDate(clock.now()), schemaVersion: CURRENT_SCHEMA_VERSION, classification: Classification.UNCLASSIFIED,
        payload: { case: 'bankAttachmentChunk', value: { $typeName: 'shekara.v1.BankAttachmentChunk', ...value } },
      });
      const bytes = toBinary(EnvelopeSchema, env);
      const sig = signer.sign(unit, bytes);
      const nc = await sys.connectAs('border-node');
      try {
        await jetstream(nc).publish(sys.names.inboxFrom('customs', 'border'), encodeSigned({ envelope: bytes, keyId: sig.keyId, signature: sig.signature }), { msgID: id });
      } finally {
        await nc.close();
      }
    };
    await send({ sha256: unwanted, size: 1000, mediaType: 'application/pdf', index: 0, count: 1, data: randomBytes(1000) });
    await send({ sha256: unwanted, size: 1000, mediaType: 'application/pdf', index: 0, count: 1, data: randomBytes(999) });
    const dead = await eventually(async () => {
      const r = await sys.sql('customs', `SELECT reason FROM dead_letters WHERE reason LIKE '%bank attachment chunk%'`);
      return r.length > 0 && r;
    }, 60_000, 'the malformed chunk dead-lettered at customs');
    expect(dead[0].reason).toMatch(/999 bytes, 1000 expected/);
    expect(await sys.sql('customs', `SELECT count(*)::int AS n FROM bank_attachment_chunks WHERE sha256 = $1`, [unwanted])).toEqual([{ n: 0 }]);
    expect(await sys.sql('customs', `SELECT count(*)::int AS n FROM bank_attachments WHERE sha256 = $1`, [unwanted])).toEqual([{ n: 0 }]);
  });
});
