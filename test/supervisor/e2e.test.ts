/**
 * End to end: the three agency nodes and the supervisor in this process, on one bus prefix. An
 * urgent report recorded at the border node three hours after its oral report reaches the ledger
 * through the nodes' own audit events (signed batches, which the ledger verifies): it is overdue (unconfirmed past its 2-hour deadline), due
 * for escalation, and its timeline shows it sent, received, delivered and read; once confirmed in
 * writing it is CONFIRMED_LATE and no longer overdue.
 */
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { DueEscalationsRequestSchema, DueEscalationsResponseSchema, RpcMethod } from '@shekara/contracts';
import { TestSystem, eventually } from '../support/harness';
import { BORDER, CUSTOMS, INTERIOR, urgentDetainedMigrants } from '../exchange/fixtures';
import { SupervisorHarness } from './harness';

const sys = new TestSystem();
let sup: SupervisorHarness;

beforeAll(async () => {
  await sys.start();
  sup = SupervisorHarness.of(sys);
  await sup.start();
}, 120_000);

afterAll(async () => {
  await sup?.cleanup();
  await sys.cleanup();
});

it('follows an urgent report from the border node into the ledger: overdue, escalation due, timeline, confirmation', async () => {
  const token = await sys.login('border');
  const reportedAt = new Date(Date.now() - 3 * 3600_000);
  const sent = await sys.api('border', 'POST', '/api/messages', { ...urgentDetainedMigrants(), reportedAt: reportedAt.toISOString() }, token);
  expect(sent.status).toBe(201);
  const id: string = sent.body.id;

  const overdue = await eventually(async () => {
    const r = await sup.get(`/api/overdue?unit=${BORDER}&obligation=URGENT_CONFIRMATION`);
    return r.body.items?.find((x: { ref: string }) => x.ref === id);
  }, 20_000, 'the urgent report in the overdue list');
  expect(overdue).toMatchObject({ obligation: 'URGENT_CONFIRMATION', from: BORDER, agency: 'border', verdict: 'UNCONFIRMED', escalated_at: null, recipients: [INTERIOR, CUSTOMS] });
  expect(new Date(overdue.due).getTime()).toBe(new Date(reportedAt.toISOString()).getTime() + 2 * 3600_000);
  expect(overdue.summary).toContain('detained');

  const due = await sup.rpc(RpcMethod.DueEscalations, DueEscalationsRequestSchema, { asOf: timestampFromDate(new Date()) }, DueEscalationsResponseSchema);
  expect(due.items.map((i) => i.urgentId)).toContain(id);

  // A recipient officer opens it: READ comes back to the sender's node and on to the ledger.
  expect((await sys.api('interior', 'GET', `/api/messages/${id}`, undefined, await sys.login('interior'))).status).toBe(200);
  const timeline = await eventually(async () => {
    const r = await sup.get(`/api/messages/${id}/timeline`);
    const actions: string[] = r.body.events?.map((e: { action: string }) => e.action) ?? [];
    const n = (a: string) => actions.filter((x) => x === a).length;
    return n('SENT') === 1 && n('RECEIVED') === 2 && n('DELIVERED') === 2 && n('READ') >= 1 ? r.body : undefined;
  }, 20_000, 'sent, received, delivered and read in the timeline');
  expect(timeline.message).toMatchObject({ id, kind: 'URGENT', from: BORDER, to: [INTERIOR, CUSTOMS], node: 'border' });
  expect(timeline.events[0]).toMatchObject({ action: 'SENT', node: 'border' });
  const received = timeline.events.filter((e: { action: string }) => e.action === 'RECEIVED');
  expect(received.map((e: { node: string }) => e.node).sort()).toEqual(['customs', 'interior']);
  const times = timeline.events.map((e: { at: string }) => e.at);
  expect([...times].sort()).toEqual(times);
  expect(timeline.verdicts).toEqual([expect.objectContaining({ ref: id, verdict: 'UNCONFIRMED' })]);
  // Each fact once (per unit), with the nodes that observed it: delivery to interior seen by both nodes.
  const facts: string[] = timeline.facts.map((f: { fact: string; unit: string | null }) => `${f.fact} ${f.unit ?? ''}`);
  expect(new Set(facts).size).toBe(facts.length);
  expect(facts.filter((f) => f.startsWith('SENT'))).toHaveLength(1);
  const delivered = timeline.facts.find((f: { fact: string; unit: string }) => f.fact === 'DELIVERED' && f.unit === INTERIOR);
  expect(delivered.observed_by.map((o: { node: string; action: string }) => `${o.node}:${o.action}`).sort()).toEqual(['border:DELIVERED', 'interior:RECEIVED']);

  // The written confirmation, an hour late.
  const confirmation = await sys.api(
    'border',
    'POST',
    '/api/messages',
    { ...urgentDetainedMigrants(), urgent: undefined, correlationId: id, urgentConfirmation: { urgentMessageId: id, text: 'Confirmed in writing.', urgent: urgentDetainedMigrants().urgent } },
    token,
  );
  expect(confirmation.status).toBe(201);
  const confirmed = await eventually(async () => {
    const r = await sup.get(`/api/messages/${id}/timeline`);
    return r.body.confirmations?.length ? r.body : undefined;
  }, 20_000, 'the confirmation in the timeline');
  expect(confirmed.confirmations).toEqual([expect.objectContaining({ id: confirmation.body.id, from: BORDER })]);
  expect(confirmed.verdicts).toEqual([expect.objectContaining({ ref: id, verdict: 'CONFIRMED_LATE', message: confirmation.body.id })]);
  const after = await sup.get(`/api/overdue?unit=${BORDER}&obligation=URGENT_CONFIRMATION`);
  expect(after.body.items.map((x: { ref: string }) => x.ref)).not.toContain(id);
  // All of it came in the nodes' signed audit batches: the ledger refused none of them.
  expect(await sup.sql(`SELECT subject, reason FROM ledger_rejects`)).toEqual([]);
  expect(await sup.sql(`SELECT DISTINCT node FROM ledger_events ORDER BY node`)).toEqual([{ node: 'border' }, { node: 'customs' }, { node: 'interior' }]);
});
