/**
 * The Unified Data Bank across three nodes: a record made at one agency's node is signed by the
 * contributing unit, replicated to the other two nodes' databases, found there by the document
 * check (with misreadings) and by full-text search; versions and withdrawal; only the owner
 * changes a record; bad input changes nothing; a version signed by a unit other than its sender is
 * dead-lettered.
 */
import { TestSystem, eventually } from '../support/harness';
import { okFixtures } from '../exchange/fixtures';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { jetstream } from '@nats-io/jetstream';
import { signBankVersion } from '@shekara/agency-node';
import { uuidv7, SystemClock } from '@shekara/common';
import {
  BankRecordContentSchema,
  BankRecordVersionSchema,
  BankVersionAction,
  CURRENT_SCHEMA_VERSION,
  Classification,
  EnvelopeSchema,
  MaterialKind,
  BankLanguage,
  MessageKind,
  SignedBankVersionSchema,
  encodeSigned,
} from '@shekara/contracts';
import { loadAgencyKeys, loadDirectory, readAuthorityPublicKey } from '@shekara/directory';
import { UnitSigner } from '@shekara/security';

jest.setTimeout(120_000);

const lostPassport = (number = 'N 0512-3456') => ({
  travelDocument: {
    number,
    issuingState: 'KAZ',
    documentType: 'DOCUMENT_TYPE_PASSPORT',
    status: 'TRAVEL_DOCUMENT_STATUS_STOLEN_FROM_HOLDER',
    reportedOn: '2026-11-20',
    nationalReference: 'МВД-2026-118',
  },
  classification: 'CLASSIFICATION_FOR_OFFICIAL_USE',
});

describe('the Unified Data Bank across three nodes', () => {
  const sys = new TestSystem();
  const token: Record<string, string> = {};
  let recordId: string;

  beforeAll(async () => {
    await sys.start(['border', 'interior', 'customs']);
    for (const a of ['border', 'interior', 'customs']) token[a] = await sys.login(a as never);
  });
  afterAll(() => sys.cleanup());

  it('replicates a record to every node, signed by the contributing unit', async () => {
    const made = await sys.api('interior', 'POST', '/api/bank/records', lostPassport(), token.interior);
    expect(made.status).toBe(201);
    recordId = made.body.id;
    expect(made.body).toMatchObject({ ownerAgency: 'interior', version: 1, status: 'ACTIVE', kind: 'TRAVEL_DOCUMENT', classification: 'FOR_OFFICIAL_USE' });
    for (const agency of ['border', 'customs'] as const) {
      const got = await eventually(async () => {
        const r = await sys.api(agency, 'GET', `/api/bank/records/${recordId}`, undefined, token[agency]);
        return r.status === 200 && r.body;
      }, 20_000, `record at ${agency}`);
      expect(got.versions).toHaveLength(1);
      expect(got.contributorUnit).toBe('interior.l4.CP-CN-A-01');
    }
    // Every node stores the very bytes the contributing unit signed.
    const signed = await Promise.all((['interior', 'border', 'customs'] as const).map((a) => sys.sql(a, `SELECT encode(signed, 'hex') AS s FROM bank_versions WHERE record_id = $1`, [recordId])));
    expect(new Set(signed.map((r) => r[0].s)).size).toBe(1);
  });

  it('answers the document check with misreadings, at another node', async () => {
    for (const number of ['N05123456', 'n 0512 3456', 'NO5I23456', 'N-O5I2-3456']) {
      const r = await sys.api('border', 'POST', '/api/bank/check', { number, issuingState: 'KAZ' }, token.border);
      expect(r.status).toBe(200);
      expect(r.body.hit).toBe(true);
      expect(r.body.records[0]).toMatchObject({ id: recordId, exact: number.toUpperCase().replace(/[\s-]/g, '') === 'N05123456' });
    }
    const miss = await sys.api('border', 'POST', '/api/bank/check', { number: 'N05123457', issuingState: 'KAZ' }, token.border);
    expect(miss.body).toEqual({ hit: false, records: [] });
    const otherState = await sys.api('border', 'POST', '/api/bank/check', { number: 'N05123456', issuingState: 'UZB' }, token.border);
    expect(otherState.body.hit).toBe(false);
  });

  it('refuses a document number no MRZ has and an unknown state, in the user’s language', async () => {
    const cyr = await fetch(sys.url('border') + '/api/bank/check', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token.border}`, 'accept-language': 'ru' },
      body: JSON.stringify({ number: 'N05І23456', issuingState: 'KAZ' }),
    });
    expect(cyr.status).toBe(400);
    const body = (await cyr.json()) as { message: string };
    expect(body.message).toMatch(/документа/);
    const state = await sys.api('border', 'POST', '/api/bank/check', { number: 'N05123456', issuingState: 'ZZZ' }, token.border);
    expect(state.status).toBe(400);
    expect(JSON.stringify(state.body)).toMatch(/issuingState/);
  });

  it('keeps versions, lets only the owner revise or withdraw, and takes a withdrawn record out of search', async () => {
    const before = await sys.sql('interior', `SELECT count(*)::int AS n FROM bank_versions`);
    const foreign = await sys.api('border', 'PUT', `/api/bank/records/${recordId}`, lostPassport(), token.border);
    expect(foreign.status).toBe(403);
    const bad = await sys.api('interior', 'PUT', `/api/bank/records/${recordId}`, lostPassport('N05<123456'), token.interior);
    expect(bad.status).toBe(400);
    expect(await sys.sql('interior', `SELECT count(*)::int AS n FROM bank_versions`)).toEqual(before);

    const revised = await sys.api('interior', 'PUT', `/api/bank/records/${recordId}`, { ...lostPassport(), classification: 'CLASSIFICATION_UNCLASSIFIED' }, token.interior);
    expect(revised.status).toBe(200);
    expect(revised.body).toMatchObject({ version: 2, classification: 'UNCLASSIFIED' });
    const withdrawn = await sys.api('interior', 'POST', `/api/bank/records/${recordId}/withdraw`, undefined, token.interior);
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body).toMatchObject({ version: 3, status: 'WITHDRAWN' });
    const again = await sys.api('interior', 'PUT', `/api/bank/records/${recordId}`, lostPassport(), token.interior);
    expect(again.status).toBe(409);

    for (const agency of ['border', 'customs'] as const) {
      const got = await eventually(async () => {
        const r = await sys.api(agency, 'GET', `/api/bank/records/${recordId}`, undefined, token[agency]);
        return r.body.version === 3 && r.body;
      }, 20_000, `version 3 at ${agency}`);
      expect(got.versions.map((v: { action: string }) => v.action)).toEqual(['CREATE', 'REVISE', 'WITHDRAW']);
      const check = await sys.api(agency, 'POST', '/api/bank/check', { number: 'N05123456', issuingState: 'KAZ' }, token[agency]);
      expect(check.body.hit).toBe(false);
    }
  });

  it('finds materials by full text in Russian, Kazakh and English, with marked snippets and filters', async () => {
    const materials = [
      { title: 'Обзор подделок паспортов', body: 'Выявлены поддельные паспорта с переклеенной фотографией на пункте пропуска Нур Жолы.', language: 'BANK_LANGUAGE_RU', topics: ['подделки'] },
      { title: 'Жалған құжаттар туралы шолу', body: 'Өткізу пунктінде жалған құжаттарды анықтау әдістемесі.', language: 'BANK_LANGUAGE_KK', topics: ['құжаттар'] },
      { title: 'Smuggling routes review', body: 'Routes used for smuggling cigarettes across the border were identified.', language: 'BANK_LANGUAGE_EN', topics: ['smuggling'] },
    ];
    for (const m of materials) {
      const r = await sys.api('customs', 'POST', '/api/bank/records', { material: { kind: 'MATERIAL_KIND_REVIEW', ...m }, classification: 'CLASSIFICATION_UNCLASSIFIED' }, token.customs);
      expect(r.status).toBe(201);
    }
    const find = async (q: string, extra = '') => (await sys.api('border', 'GET', `/api/bank/search?q=${encodeURIComponent(q)}${extra}`, undefined, token.border)).body;
    await eventually(async () => (await find('smuggling')).total === 1, 20_000, 'materials replicated to border');
    const ru = await find('поддельный паспорт');
    expect(ru.items.map((i: { title: string }) => i.title)).toEqual(['Обзор подделок паспортов']);
    expect(ru.items[0].snippet.some((p: { hit: boolean; text: string }) => p.hit && /паспорт/i.test(p.text))).toBe(true);
    const kk = await find('құжат');
    expect(kk.items.map((i: { title: string }) => i.title)).toEqual(['Жалған құжаттар туралы шолу']);
    expect(kk.items[0].snippet.some((p: { hit: boolean; text: string }) => p.hit && p.text.startsWith('құжат'))).toBe(true);
    expect((await find('smuggled cigarette')).items).toHaveLength(1);
    expect((await find('smuggling', '&agency=interior')).total).toBe(0);
    expect((await find('smuggling', '&kind=SPECIMEN')).total).toBe(0);
    const badQuery = await sys.api('border', 'GET', '/api/bank/search?q=%20%26%26&kind=NOPE', undefined, token.border);
    expect(badQuery.status).toBe(400);
  });

  it('shows a CONFIDENTIAL record only to users cleared for it', async () => {
    const r = await sys.api('customs', 'POST', '/api/bank/records', { material: { kind: 'MATERIAL_KIND_RECOMMENDATION', title: 'Confidential routes of couriers', body: 'Couriers carry cash.', language: 'BANK_LANGUAGE_EN' }, classification: 'CLASSIFICATION_CONFIDENTIAL' }, token.customs);
    expect(r.status).toBe(201);
    await sys.sql('border', `UPDATE users SET clearance = 'CONFIDENTIAL' WHERE username = 'border.supervisor'`);
    const cleared = await sys.login('border', 'supervisor');
    const seen = await eventually(async () => {
      const s = await sys.api('border', 'GET', '/api/bank/search?q=couriers', undefined, cleared);
      return s.body.total === 1 && s.body;
    }, 20_000, 'confidential record at border');
    expect(seen.items[0].classification).toBe('CONFIDENTIAL');
    const notCleared = await sys.api('border', 'GET', '/api/bank/search?q=couriers', undefined, token.border);
    expect(notCleared.body.total).toBe(0);
  });

  it('adds what an ADVANCE notice of documents carries to the bank when it is sent, linked to the report', async () => {
    const body = okFixtures().get('advance-documents.json')!;
    const sent = await sys.api('interior', 'POST', '/api/messages', body, token.interior);
    expect(sent.status).toBe(201);
    const hit = await eventually(async () => {
      const r = await sys.api('customs', 'POST', '/api/bank/check', { number: 'EB 765 4321', issuingState: 'CHN' }, token.customs);
      return r.body.hit && r.body;
    }, 20_000, 'the stolen passport of the notice at customs');
    expect(hit.records[0]).toMatchObject({ ownerAgency: 'interior', exact: true, content: { travelDocument: { status: 'TRAVEL_DOCUMENT_STATUS_STOLEN_FROM_HOLDER' } } });
    const record = await sys.api('customs', 'GET', `/api/bank/records/${hit.records[0].id}`, undefined, token.customs);
    expect(record.body.versions[0].sourceMessageId).toBe(sent.body.id);
    const specimens = await eventually(async () => {
      const r = await sys.api('border', 'GET', '/api/bank/records?kind=SPECIMEN&agency=interior', undefined, token.border);
      return r.body.total === 2 && r.body;
    }, 20_000, 'the two specimens at border');
    expect(specimens.items.map((i: { title: string }) => i.title).sort()).toEqual(['New sample: CHN', 'New security feature: CHN']);
    const now = new Date();
    const period = `${now.getUTCFullYear()}-H${now.getUTCMonth() < 6 ? 1 : 2}`;
    const c = await sys.api('border', 'GET', `/api/bank/contributions?period=${period}`, undefined, token.border);
    const interior = c.body.agencies.find((a: { agency: string }) => a.agency === 'interior');
    expect(interior).toMatchObject({ specimens: 2 });
    expect(interior.reports).toEqual([sent.body.id]);
    expect((await sys.api('border', 'GET', '/api/bank/contributions?period=2026-H3', undefined, token.border)).status).toBe(400);
  });

  it('dead-letters a version whose contributor is not of the owning agency, and stores nothing of it', async () => {
    const directory = loadDirectory(sys.files.directoryPath, readAuthorityPublicKey(sys.files.authorityPublicKeyPath));
    const keys = loadAgencyKeys(sys.files.keyPaths.border, 'border', directory);
    const signer = new UnitSigner([...keys].map(([keyId, privateKey]) => ({ keyId, privateKey, unitId: directory.keyOwner(keyId) })), (u) => directory.signingKeyAt(u, new Date())?.keyId);
    const clock = new SystemClock();
    const unit = 'border.l4.CP-CN-A-01';
    const recordId = uuidv7(clock);
    // A border unit signs a version claiming the record is interior's: its own signature is valid, the claim is not.
    const version = create(BankRecordVersionSchema, {
      recordId, version: 1, ownerAgency: 'interior', contributorUnit: unit, createdAt: timestampFromDate(clock.now()), action: BankVersionAction.CREATE,
      content: create(BankRecordContentSchema, { body: { case: 'material', value: { kind: MaterialKind.REVIEW, title: 'Forged', body: 'Forged', language: BankLanguage.EN } }, classification: Classification.UNCLASSIFIED }),
    });
    const id = uuidv7(clock);
    const env = create(EnvelopeSchema, {
      messageId: id, correlationId: '', kind: MessageKind.BANK_VERSION, senderUnit: unit, recipientUnits: ['customs.l1.KZ'],
      createdAt: timestampFromDate(clock.now()), reportedAt: timestampFromDate(clock.now()), schemaVersion: CURRENT_SCHEMA_VERSION, classification: Classification.UNCLASSIFIED,
      payload: { case: 'bankVersion', value: fromBinary(SignedBankVersionSchema, signBankVersion(signer, version)) },
    });
    const bytes = toBinary(EnvelopeSchema, env);
    const sig = signer.sign(unit, bytes);
    const receiptsBefore = await sys.sql('customs', `SELECT count(*)::int AS n FROM outbox WHERE kind = 'RECEIPT'`);
    // Published by border's node as itself (the server guarantees the sender agency: from.border).
    const nc = await sys.connectAs('border-node');
    try {
      await jetstream(nc).publish(sys.names.inboxFrom('customs', 'border'), encodeSigned({ envelope: bytes, keyId: sig.keyId, signature: sig.signature }), { msgID: id });
    } finally {
      await nc.close();
    }
    const dead = await eventually(async () => {
      const r = await sys.sql('customs', `SELECT reason FROM dead_letters WHERE reason LIKE '%owning agency%'`);
      return r.length > 0 && r;
    }, 20_000, 'the forged version dead-lettered at customs');
    expect(dead[0].reason).toMatch(/not a unit of the owning agency interior/);
    expect(await sys.sql('customs', `SELECT 1 FROM bank_versions WHERE record_id = $1`, [recordId])).toEqual([]);
    // No REJECTED receipt is sent back for a bank version (its sender keeps no receipts for it).
    // (written in the dead letter's own transaction, so it would be there by now)
    expect(await sys.sql('customs', `SELECT count(*)::int AS n FROM outbox WHERE kind = 'RECEIPT'`)).toEqual(receiptsBefore);
  });

  it('catches up a node that was down while records were made', async () => {
    await sys.stopNode('customs');
    const made = await sys.api('border', 'POST', '/api/bank/records', lostPassport('AB 1111111'), token.border);
    expect(made.status).toBe(201);
    await sys.startNode('customs');
    const t = await sys.login('customs');
    const hit = await eventually(async () => {
      const r = await sys.api('customs', 'POST', '/api/bank/check', { number: 'A8 1111111', issuingState: 'KAZ' }, t);
      return r.body.hit && r.body;
    }, 30_000, 'the record made while customs was down');
    expect(hit.records[0]).toMatchObject({ id: made.body.id, ownerAgency: 'border', exact: false });
  });
});
