/**
 * Data bank replication across a link cut on the SENDING side (issue #18 item 2): interior's own
 * nats-server is cut off from the hub (a relay on its leaf link drops it; every server and node
 * keeps running) while interior's desk keeps adding and withdrawing records, and border's adds one
 * the other way. Every change is accepted at once (the outbox is the store and forward); nothing
 * crosses the cut; once the link returns, every version reaches every other node, once.
 */
import type { AgencyCode } from '@shekara/contracts';
import { TestSystem, eventually } from '../support/harness';
import { LinkRelay, relayLeafLink } from '../bus/support';

const CUT_S = Number(process.env.LINK_CUT_S ?? 8);
jest.setTimeout((CUT_S + 150) * 1000);

const sys = new TestSystem({ resendAfterMs: 5000, resendMaxMs: 60_000 });
let relay: LinkRelay;

beforeAll(async () => {
  // Interior's leaf dials the hub through a relay that cut() drops.
  relay = await relayLeafLink(sys.bus, 'interior');
  await sys.start();
});
afterAll(async () => {
  await sys.cleanup();
  await relay?.stop();
});

const links = () => sys.bus.started.hubLeafLinks().catch(() => sys.bus.started.hubLeafLinks());

const record = (number: string) => ({
  travelDocument: { number, issuingState: 'KAZ', documentType: 'DOCUMENT_TYPE_PASSPORT', status: 'TRAVEL_DOCUMENT_STATUS_STOLEN_BLANK', reportedOn: '2026-11-20' },
  classification: 'CLASSIFICATION_FOR_OFFICIAL_USE',
});

/** The versions of these records a node holds, as "record:version". */
async function versionsAt(agency: AgencyCode, ids: string[]): Promise<string[]> {
  const rows = await sys.sql(agency, `SELECT record_id::text AS id, version FROM bank_versions WHERE record_id = ANY($1::uuid[]) ORDER BY 1, 2`, [ids]);
  return rows.map((r) => `${r.id}:${r.version}`);
}

it(`keeps contributing while interior's link is cut for ${CUT_S} s, then replicates every version once the link returns`, async () => {
  await eventually(async () => (await links()) === 3, 15_000, 'every leaf linked');
  const interior = await sys.login('interior');
  const border = await sys.login('border');
  const before = await sys.api('interior', 'POST', '/api/bank/records', record('AA 1000001'), interior);
  expect(before.status).toBe(201);
  await eventually(async () => (await versionsAt('border', [before.body.id])).length === 1, 20_000, 'the record before the cut at border');

  relay.cut();
  await eventually(async () => (await links()) === 2, 15_000, 'the hub to lose interior');
  const cutAt = Date.now();
  const made: { agency: AgencyCode; id: string; versions: number }[] = [];
  // Interior withdraws the record made before the cut, and adds records; border adds one towards interior.
  expect((await sys.api('interior', 'POST', `/api/bank/records/${before.body.id}/withdraw`, undefined, interior)).status).toBeLessThan(300);
  made.push({ agency: 'interior', id: before.body.id, versions: 2 });
  for (let i = 0; Date.now() - cutAt < CUT_S * 1000; i++) {
    const r = await sys.api('interior', 'POST', '/api/bank/records', record(`AB ${2000000 + i}`), interior);
    expect(r.status).toBe(201);
    made.push({ agency: 'interior', id: r.body.id, versions: 1 });
    if (i === 0) {
      const b = await sys.api('border', 'POST', '/api/bank/records', record('BB 3000001'), border);
      expect(b.status).toBe(201);
      made.push({ agency: 'border', id: b.body.id, versions: 1 });
    }
    await new Promise((r) => setTimeout(r, Math.min(2000, (CUT_S * 1000) / 4)));
  }
  const ids = (from: AgencyCode) => made.filter((m) => m.agency === from).map((m) => m.id);
  const expected = (from: AgencyCode) => made.filter((m) => m.agency === from).flatMap((m) => Array.from({ length: m.versions }, (_, v) => `${m.id}:${v + 1}`)).sort();
  // Nothing crossed the cut: border holds only version 1 of the record made before it, interior nothing of border's.
  expect(await versionsAt('border', ids('interior'))).toEqual([`${before.body.id}:1`]);
  expect(await versionsAt('interior', ids('border'))).toEqual([]);
  // Customs, still linked to border, has border's record meanwhile.
  await eventually(async () => (await versionsAt('customs', ids('border'))).length === 1, 20_000, 'border’s record at customs during the cut');

  relay.restore();
  await eventually(async () => (await links()) === 3, 30_000, 'the link to return');
  const linkedAt = Date.now();
  for (const at of ['border', 'customs'] as const) {
    await eventually(async () => JSON.stringify(await versionsAt(at, ids('interior'))) === JSON.stringify(expected('interior')), 60_000, `interior’s versions at ${at}`);
  }
  await eventually(async () => JSON.stringify(await versionsAt('interior', ids('border'))) === JSON.stringify(expected('border')), 60_000, 'border’s version at interior');
  console.log(`bank link cut ${CUT_S} s: ${made.length} records changed, all replicated ${Date.now() - linkedAt} ms after the link returned`);
  // The withdrawal applies at the other nodes: the record is out of the document check there.
  const check = await sys.api('border', 'POST', '/api/bank/check', { number: 'AA 1000001', issuingState: 'KAZ' }, border);
  expect(check.body.hit).toBe(false);
  // Nothing left to send: every bank row of interior's outbox is done.
  await eventually(async () => (await sys.sql('interior', `SELECT count(*)::int AS n FROM outbox WHERE kind = 'BANK' AND done_at IS NULL`))[0].n === 0, 30_000, 'interior’s bank outbox done');
});
