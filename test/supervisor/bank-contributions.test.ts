/**
 * The supervisor's view of the Unified Data Bank against clause 5.5: the three nodes and the ledger
 * on one bus prefix. Versions made at the nodes reach the ledger as signed SENT events of kind
 * BANK_VERSION; GET /api/bank/contributions counts them per agency and half-year, beside the
 * semi-annual verdicts, each linked to the records its report carried. A supervisor sees their own
 * agency; the administrator all three. A version a node claims for another agency's unit is refused.
 */
import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { AuditAction, AuditEventSchema, MessageKind } from '@shekara/contracts';
import { DEMO_PASSWORD } from '@shekara/agency-node';
import { loadDirectory, readAuthorityPublicKey } from '@shekara/directory';
import { TestSystem, eventually } from '../support/harness';
import { okFixtures } from '../exchange/fixtures';
import { SupervisorHarness } from './harness';

jest.setTimeout(180_000);

const sys = new TestSystem();
let sup: SupervisorHarness;
let head: Record<string, string>;
/** The current half-year in Kazakhstan (UTC+5): the half-year the versions count for. */
const local = new Date(Date.now() + 5 * 3600_000).toISOString();
const half = `${local.slice(0, 4)}-H${Number(local.slice(5, 7)) <= 6 ? 1 : 2}`;

beforeAll(async () => {
  await sys.start();
  sup = SupervisorHarness.of(sys);
  await sup.start();
  const directory = loadDirectory(sys.files.directoryPath, readAuthorityPublicKey(sys.files.authorityPublicKeyPath));
  head = Object.fromEntries(['border', 'interior', 'customs'].map((a) => [a, directory.units({ agency: a as never, level: 1 })[0].id]));
  // A headquarters officer at border (the semi-annual materials are owed at level 1), with the demo password.
  await sys.sql('border', `INSERT INTO users (id, username, display_name, password_hash, unit_id, role, clearance, created_at)
    SELECT $1, 'border.hq', 'Border HQ duty officer', password_hash, $2, role, clearance, now() FROM users WHERE username = 'border.duty'`, [randomUUID(), head.border]);
});

afterAll(async () => {
  await sup?.cleanup();
  await sys.cleanup();
});

const contributions = (username = 'supervisor') => sup.get(`/api/bank/contributions?period=${half}`, username);

it('counts each agency’s contributions of the half-year and links the semi-annual verdicts to what their report carried', async () => {
  const interior = await sys.login('interior');
  const made = await sys.api('interior', 'POST', '/api/bank/records', {
    travelDocument: { number: 'N 0512-3456', issuingState: 'KAZ', documentType: 'DOCUMENT_TYPE_PASSPORT', status: 'TRAVEL_DOCUMENT_STATUS_STOLEN_BLANK', reportedOn: '2026-11-20' },
    classification: 'CLASSIFICATION_FOR_OFFICIAL_USE',
  }, interior);
  expect(made.status).toBe(201);
  expect((await sys.api('interior', 'POST', `/api/bank/records/${made.body.id}/withdraw`, undefined, interior)).status).toBeLessThan(300);

  const hq = (await sys.api('border', 'POST', '/api/auth/login', { username: 'border.hq', password: DEMO_PASSWORD })).body.accessToken;
  const report = { ...okFixtures().get('semiannual.json')!, senderUnit: head.border, recipientUnits: [head.interior, head.customs] };
  const sent = await sys.api('border', 'POST', '/api/messages', report, hq);
  expect(sent.status).toBe(201);

  const all = await eventually(async () => {
    const r = await contributions();
    const border = r.body.agencies?.find((a: { agency: string }) => a.agency === 'border');
    const int = r.body.agencies?.find((a: { agency: string }) => a.agency === 'interior');
    return border?.records === 2 && int?.withdrawals === 1 && border.semiannual.length === 2 && r.body;
  }, 30_000, 'the contributions in the ledger');
  expect(all.period).toBe(half);
  expect(all.agencies.map((a: { agency: string }) => a.agency).sort()).toEqual(['border', 'customs', 'interior']);
  const border = all.agencies.find((a: { agency: string }) => a.agency === 'border');
  expect(border).toMatchObject({ records: 2, materials: 2, specimens: 0, travelDocuments: 0, reports: [sent.body.id] });
  // The 5.5 obligation of border's headquarters towards each counterpart: met by the report, which carried two records.
  expect(border.semiannual.map((v: { to: string }) => v.to).sort()).toEqual([head.customs, head.interior].sort());
  for (const v of border.semiannual) expect(v).toMatchObject({ from: head.border, verdict: 'ON_TIME', message: sent.body.id, contributed: 2 });
  expect(all.agencies.find((a: { agency: string }) => a.agency === 'interior')).toMatchObject({ records: 1, travelDocuments: 1, withdrawals: 1, reports: [] });
  expect(all.agencies.find((a: { agency: string }) => a.agency === 'customs')).toMatchObject({ records: 0 });
  const materials = all.items.filter((i: { report: string }) => i.report === sent.body.id);
  expect(materials).toHaveLength(2);
  expect(materials[0]).toMatchObject({ agency: 'border', contributor: head.border, kind: 'MATERIAL', action: 'CREATE' });
  expect(all.items.filter((i: { recordId: string }) => i.recordId === made.body.id).map((i: { action: string }) => i.action)).toEqual(['CREATE', 'WITHDRAW']);
});

it('shows a supervisor their own agency only', async () => {
  const r = await contributions('supervisor.border');
  expect(r.status).toBe(200);
  expect(r.body.agencies.map((a: { agency: string }) => a.agency)).toEqual(['border']);
  expect(r.body.items.length).toBeGreaterThan(0);
  expect(r.body.items.every((i: { agency: string }) => i.agency === 'border')).toBe(true);
});

it('refuses a bad half-year and an unauthenticated caller', async () => {
  expect((await sup.get('/api/bank/contributions?period=2026-H3')).status).toBe(400);
  expect((await sup.get('/api/bank/contributions')).status).toBe(400);
  expect((await sup.request('GET', `/api/bank/contributions?period=${half}`)).status).toBe(401);
});

it('refuses a version a node signs for another agency’s unit, and counts nothing of it', async () => {
  const before = (await contributions()).body.agencies.find((a: { agency: string }) => a.agency === 'interior').records;
  const eventId = randomUUID();
  const forged = create(AuditEventSchema, {
    eventId, node: 'border', action: AuditAction.SENT, at: timestampFromDate(new Date()), actor: 'border.duty', messageId: randomUUID(),
    kind: MessageKind.BANK_VERSION, senderUnit: head.interior, recipientUnits: [head.border, head.customs], units: [head.interior],
    sentAt: timestampFromDate(new Date()), period: half, summary: 'forged', handoverItems: ['MATERIAL', 'CREATE'],
  });
  await sup.publishBatch('border', [forged]);
  await eventually(async () => (await sup.sql(`SELECT 1 FROM ledger_rejects WHERE event_id = $1`, [eventId])).length === 1, 20_000, 'the forged version refused');
  expect(await sup.sql(`SELECT 1 FROM ledger_bank_versions WHERE event_id = $1`, [eventId])).toEqual([]);
  expect((await contributions()).body.agencies.find((a: { agency: string }) => a.agency === 'interior').records).toBe(before);
});
