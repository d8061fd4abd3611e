import { create, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Classification, EnvelopeSchema, MessageKind, SignedEnvelopeSchema } from '@shekara/contracts';
import type { AgencyCode } from '@shekara/contracts';
import { loadAgencyKeys, loadDirectory } from '@shekara/directory';
import { UnitSigner } from '@shekara/security';
import { SystemClock, uuidv7 } from '@shekara/common';
import { TestSystem, eventually } from '../support/harness';
import { BORDER, CUSTOMS, INTERIOR, proposal } from './support';

jest.setTimeout(120_000);

/**
 * Handover acts (clause 9.6) between two real nodes: a border section hands over to the migration
 * post, through every state, each step a signed envelope receipted like a report; what either side
 * may not do is refused and changes nothing.
 */
describe('handover acts between the border and interior nodes', () => {
  const sys = new TestSystem({ resendAfterMs: 1500, resendMaxMs: 3000 });
  let nc: NatsConnection;
  let border: string;
  let interior: string;

  beforeAll(async () => {
    await sys.start(['border', 'interior', 'customs']);
    // Customs' node, as itself: the forged step below comes from a real agency that is no party to the act.
    nc = await sys.connectAs('customs-node');
    border = await sys.login('border');
    interior = await sys.login('interior');
  });
  afterAll(async () => {
    await nc?.close();
    await sys.cleanup();
  });

  const act = (agency: AgencyCode, token: string, id: string) => sys.api(agency, 'GET', `/api/handovers/${id}`, undefined, token);
  const stateOn = (agency: AgencyCode, token: string, id: string, state: string) =>
    eventually(async () => {
      const r = await act(agency, token, id);
      return r.status === 200 && r.body.state === state ? r.body : undefined;
    }, 20_000, `${agency} sees ${id} ${state}`);
  const count = async (agency: AgencyCode) => Number((await sys.sql(agency, `SELECT count(*) AS n FROM messages`))[0].n);
  const propose = async (over: Record<string, unknown> = {}) => {
    const r = await sys.api('border', 'POST', '/api/handovers', proposal(over), border);
    expect(r.status).toBe(201);
    expect(r.body.state).toBe('PROPOSED');
    await stateOn('interior', interior, r.body.id, 'PROPOSED');
    return r.body.id as string;
  };

  it('proposed, then accepted in part with a reason per refused item: both sides see the same chain of custody', async () => {
    const id = await propose();
    const inbox = await sys.api('interior', 'GET', '/api/handovers?box=in&state=PROPOSED', undefined, interior);
    expect(inbox.body.map((a: { id: string }) => a.id)).toContain(id);
    const seen = await act('interior', interior, id);
    expect(seen.body).toMatchObject({ handingUnit: BORDER, receivingUnit: INTERIOR, checkpointId: 'CP-CN-A-01' });
    expect(seen.body.items.map((i: { itemId: string; kind: string }) => `${i.itemId}:${i.kind}`)).toEqual(['P1:person', 'G1:goods', 'V1:vehicle', 'D1:document', 'W1:weapon']);

    const part = await sys.api('interior', 'POST', `/api/handovers/${id}/accept-part`, { officer: 'Maj. D. Omarov', refused: [{ itemId: 'G1', reason: 'Goods are for customs, not the migration police' }] }, interior);
    expect(part.status).toBe(200);
    expect(part.body.state).toBe('PARTLY_ACCEPTED');
    const onBorder = await stateOn('border', border, id, 'PARTLY_ACCEPTED');
    expect(onBorder.items.find((i: { itemId: string }) => i.itemId === 'G1')).toMatchObject({ status: 'REFUSED', reason: 'Goods are for customs, not the migration police' });
    expect(onBorder.items.filter((i: { status: string }) => i.status === 'ACCEPTED')).toHaveLength(4);
    // The chain of custody is the same signed steps on both sides.
    const history = (b: { history: { messageId: string; step: string; unit: string; officer: string }[] }) => b.history.map((h) => `${h.step} ${h.unit} ${h.officer} ${h.messageId}`);
    expect(history(onBorder)).toEqual(history((await act('interior', interior, id)).body));
    expect(onBorder.history.map((h: { step: string }) => h.step)).toEqual(['PROPOSED', 'PARTLY_ACCEPTED']);
    // Receipted like a report: the proposal delivered to interior, the acceptance delivered to border.
    await eventually(async () => (await act('border', border, id)).body.deliveries[id] === 'DELIVERED' || undefined, 20_000, 'proposal receipted');
    const acceptanceId = onBorder.history[1].messageId;
    await eventually(async () => (await act('interior', interior, id)).body.deliveries[acceptanceId] === 'DELIVERED' || undefined, 20_000, 'acceptance receipted');

    // Accepting twice, withdrawing after acceptance: refused, nothing changed on either side.
    const before = [await count('border'), await count('interior')];
    const twice = await sys.api('interior', 'POST', `/api/handovers/${id}/accept`, {}, interior);
    expect(twice).toMatchObject({ status: 409, body: { code: 'HANDOVER_ALREADY_DECIDED' } });
    const late = await sys.api('border', 'POST', `/api/handovers/${id}/withdraw`, { reason: 'changed our mind' }, border);
    expect(late).toMatchObject({ status: 409, body: { code: 'HANDOVER_ALREADY_DECIDED' } });
    expect([await count('border'), await count('interior')]).toEqual(before);

    // The printable act names both units and each signing key's fingerprint.
    const res = await fetch(`${sys.url('border')}/api/handovers/${id}/print`, { headers: { authorization: `Bearer ${border}` } });
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain('Акт приёма-передачи');
    expect(html).toContain('WANG LEI');
    expect(html.match(/(?:[0-9a-f]{4} ){15}[0-9a-f]{4}/g)?.length).toBe(2);
  });

  it('proposed, then accepted whole', async () => {
    const id = await propose();
    const r = await sys.api('interior', 'POST', `/api/handovers/${id}/accept`, { officer: 'Maj. D. Omarov' }, interior);
    expect(r.status).toBe(200);
    const b = await stateOn('border', border, id, 'ACCEPTED');
    expect(b.items.every((i: { status: string }) => i.status === 'ACCEPTED')).toBe(true);
    expect(new Date(b.decidedAt).getTime()).toBeGreaterThanOrEqual(new Date(b.proposedAt).getTime());
  });

  it('proposed, then disputed', async () => {
    const id = await propose();
    const r = await sys.api('interior', 'POST', `/api/handovers/${id}/dispute`, { reason: 'The person named is not the one presented' }, interior);
    expect(r.status).toBe(200);
    const b = await stateOn('border', border, id, 'DISPUTED');
    expect(b.history[1]).toMatchObject({ step: 'DISPUTED', unit: INTERIOR, note: 'The person named is not the one presented', effective: true });
  });

  it('proposed, then withdrawn by the handing unit: the receiving unit can no longer accept it', async () => {
    const id = await propose();
    const w = await sys.api('border', 'POST', `/api/handovers/${id}/withdraw`, { reason: 'Proposed to the wrong post' }, border);
    expect(w.status).toBe(200);
    expect(w.body.state).toBe('WITHDRAWN');
    await stateOn('interior', interior, id, 'WITHDRAWN');
    const before = await count('interior');
    const r = await sys.api('interior', 'POST', `/api/handovers/${id}/accept`, {}, interior);
    expect(r).toMatchObject({ status: 409, body: { code: 'HANDOVER_ALREADY_DECIDED' } });
    expect(await count('interior')).toBe(before);
  });

  it('refuses what a side may not do, in the user’s language, and changes nothing', async () => {
    const id = await propose();
    const before = [await count('border'), await count('interior')];
    // The handing unit accepting its own act (addressed to another unit).
    const own = await sys.api('border', 'POST', `/api/handovers/${id}/accept`, {}, border);
    expect(own).toMatchObject({ status: 403, body: { code: 'HANDOVER_NOT_ADDRESSED_TO_YOU' } });
    // The receiving unit withdrawing it.
    expect(await sys.api('interior', 'POST', `/api/handovers/${id}/withdraw`, { reason: 'x' }, interior)).toMatchObject({ status: 403, body: { code: 'HANDOVER_NOT_YOURS' } });
    // A partial acceptance without a reason, naming no item, naming an unknown item, refusing everything.
    const noReason = await sys.api('interior', 'POST', `/api/handovers/${id}/accept-part`, { refused: [{ itemId: 'G1' }] }, interior);
    expect(noReason).toMatchObject({ status: 400, body: { code: 'INVALID_HANDOVER', errors: [{ field: 'refused.0.reason' }] } });
    expect(await sys.api('interior', 'POST', `/api/handovers/${id}/accept-part`, {}, interior)).toMatchObject({ status: 400, body: { errors: [{ field: 'refused' }] } });
    expect(await sys.api('interior', 'POST', `/api/handovers/${id}/accept-part`, { refused: [{ itemId: 'X9', reason: 'no such' }] }, interior)).toMatchObject({ status: 400, body: { errors: [{ field: 'refused.0.itemId' }] } });
    const all = ['P1', 'G1', 'V1', 'D1', 'W1'].map((itemId) => ({ itemId, reason: 'no' }));
    expect(await sys.api('interior', 'POST', `/api/handovers/${id}/accept-part`, { refused: all }, interior)).toMatchObject({ status: 400, body: { errors: [{ field: 'refused' }] } });
    // A negative quantity, an act to the handing unit's own agency, an unknown act.
    const neg = proposal({ items: [{ itemId: 'G1', goods: { description: 'Fuel', quantity: '-40', measure: 'l' } }] });
    const negative = await sys.api('border', 'POST', '/api/handovers', neg, border);
    expect(negative).toMatchObject({ status: 400, body: { code: 'INVALID_HANDOVER', errors: [{ field: 'items.0.goods.quantity' }] } });
    // In Russian when the console asks for it.
    const ru = await fetch(`${sys.url('border')}/api/handovers`, { method: 'POST', headers: { 'content-type': 'application/json', 'accept-language': 'ru', authorization: `Bearer ${border}` }, body: JSON.stringify(neg) });
    expect(ru.status).toBe(400);
    expect(((await ru.json()) as { message: string }).message).toMatch(/Акт приёма-передачи неверен/);
    expect(await sys.api('border', 'POST', '/api/handovers', proposal({ receivingUnit: 'border.l4.CP-CN-A-01' }), border)).toMatchObject({ status: 400, body: { code: 'HANDOVER_SAME_AGENCY' } });
    expect(await sys.api('border', 'POST', '/api/handovers', proposal({ handedAt: new Date(Date.now() + 3600_000).toISOString() }), border)).toMatchObject({ status: 400, body: { errors: [{ field: 'handedAt' }] } });
    expect(await sys.api('interior', 'POST', `/api/handovers/${uuidv7(new SystemClock())}/accept`, {}, interior)).toMatchObject({ status: 404, body: { code: 'HANDOVER_NOT_FOUND' } });
    // A supervisor does not take steps.
    const sup = await sys.login('interior', 'supervisor');
    expect((await sys.api('interior', 'POST', `/api/handovers/${id}/accept`, {}, sup)).status).toBe(403);
    expect([await count('border'), await count('interior')]).toEqual(before);
    expect((await act('interior', interior, id)).body.state).toBe('PROPOSED');
  });

  it('an acceptance signed by a unit that is no party to the act (customs) does not decide it', async () => {
    const id = await propose();
    const directory = loadDirectory(sys.files.directoryPath);
    const keys = loadAgencyKeys(sys.files.keyPaths.customs, 'customs', directory);
    const signer = new UnitSigner([...keys].map(([keyId, privateKey]) => ({ keyId, privateKey, unitId: directory.keyOwner(keyId) })));
    const now = new Date();
    const forgedId = uuidv7(new SystemClock());
    const env = create(EnvelopeSchema, {
      messageId: forgedId,
      correlationId: id,
      kind: MessageKind.HANDOVER_ACCEPTANCE,
      senderUnit: CUSTOMS,
      recipientUnits: [BORDER],
      createdAt: timestampFromDate(now),
      reportedAt: timestampFromDate(now),
      schemaVersion: 1,
      classification: Classification.FOR_OFFICIAL_USE,
      payload: { case: 'handoverAcceptance', value: { actId: id, officer: 'Not a party', acceptedAt: timestampFromDate(now), refused: [] } },
    } as never);
    const bytes = toBinary(EnvelopeSchema, env);
    const sig = signer.sign(CUSTOMS, bytes);
    const js = jetstream(nc);
    await js.publish(sys.names.inboxFrom('border', 'customs'), toBinary(SignedEnvelopeSchema, create(SignedEnvelopeSchema, { envelope: bytes, keyId: sig.keyId, signature: sig.signature })), { msgID: forgedId });
    // Stored (it is a validly signed message), shown in the history, but it decides nothing.
    const b = await eventually(async () => {
      const r = await act('border', border, id);
      return r.body.history.length === 2 ? r.body : undefined;
    }, 20_000, 'the forged step stored');
    expect(b.state).toBe('PROPOSED');
    expect(b.history[1]).toMatchObject({ messageId: forgedId, unit: CUSTOMS, effective: false });
    // The real receiving unit still accepts it.
    expect((await sys.api('interior', 'POST', `/api/handovers/${id}/accept`, {}, interior)).status).toBe(200);
    await stateOn('border', border, id, 'ACCEPTED');
  });

  it('statistics reconciliation: a discrepancy between counterpart figures and the acts is found, explained, then corrected', async () => {
    // The persons the migration post accepted from the border section this month, as the acts record them.
    const month = new Date(Date.now() + 5 * 3600_000).toISOString().slice(0, 7); // UTC+5, the units' zone
    const acts = (await sys.api('border', 'GET', '/api/handovers?box=out', undefined, border)).body as { items: { kind: string; status: string }[] }[];
    const accepted = acts.reduce((n, a) => n + a.items.filter((i) => i.kind === 'person' && i.status === 'ACCEPTED').length, 0);
    expect(accepted).toBeGreaterThan(0);
    const figures = (indicator: string, counterpartUnit: string, value: number) => [
      { indicator: `STATISTICS_INDICATOR_${indicator}`, counterpartUnit, value },
      { indicator: 'STATISTICS_INDICATOR_REFUSED_ENTRY', value: 4 },
    ];
    const send = (agency: AgencyCode, token: string, body: Record<string, unknown>) => sys.api(agency, 'POST', '/api/statistics', body, token);
    const pair = async (agency: AgencyCode, token: string) => {
      const r = await sys.api(agency, 'GET', `/api/statistics/reconciliation?period=${month}`, undefined, token);
      expect(r.status).toBe(200);
      return r.body.find((p: { handingUnit: string; receivingUnit: string }) => p.handingUnit === BORDER && p.receivingUnit === INTERIOR);
    };

    // Figures for a month not yet begun: refused, nothing stored.
    const before = await count('border');
    const next = new Date(Date.parse(`${month}-01T00:00:00Z`) + 32 * 86_400_000).toISOString().slice(0, 7);
    const early = await send('border', border, { recipientUnits: [INTERIOR], period: next, figures: figures('PERSONS_HANDED_OVER', INTERIOR, 1) });
    expect(early).toMatchObject({ status: 400, body: { errors: [{ field: 'period' }] } });
    const negative = await send('border', border, { recipientUnits: [INTERIOR], period: month, figures: [{ indicator: 'STATISTICS_INDICATOR_SEIZURES', value: -1 }] });
    expect(negative).toMatchObject({ status: 400, body: { errors: [{ field: 'figures.0.value' }] } });
    expect(await count('border')).toBe(before);

    // Border reports one person more than the acts and the migration post: a discrepancy, seen on both sides.
    expect((await send('border', border, { recipientUnits: [INTERIOR], period: month, figures: figures('PERSONS_HANDED_OVER', INTERIOR, accepted + 1) })).status).toBe(201);
    expect((await send('interior', interior, { recipientUnits: [BORDER], period: month, figures: figures('PERSONS_RECEIVED', BORDER, accepted) })).status).toBe(201);
    const found = await eventually(async () => {
      const p = await pair('interior', interior);
      return p?.status === 'DISCREPANCY' ? p : undefined;
    }, 20_000, 'discrepancy at interior');
    expect(found).toMatchObject({ period: month, handedOver: accepted + 1, received: accepted, acts: accepted });
    await eventually(async () => (await pair('border', border))?.status === 'DISCREPANCY' || undefined, 20_000, 'discrepancy at border');

    // Border explains it (a person handed over without an act), then corrects its figures.
    const explained = { recipientUnits: [INTERIOR], period: month, figures: figures('PERSONS_HANDED_OVER', INTERIOR, accepted + 1), explanations: [{ indicator: 'STATISTICS_INDICATOR_PERSONS_HANDED_OVER', counterpartUnit: INTERIOR, text: 'One person handed over on paper only, before the act was recorded' }] };
    expect((await send('border', border, explained)).status).toBe(201);
    const ex = await eventually(async () => {
      const p = await pair('interior', interior);
      return p?.status === 'EXPLAINED' ? p : undefined;
    }, 20_000, 'explained at interior');
    expect(ex.explanations).toEqual([{ unit: BORDER, text: 'One person handed over on paper only, before the act was recorded' }]);
    expect((await send('border', border, { recipientUnits: [INTERIOR], period: month, figures: figures('PERSONS_HANDED_OVER', INTERIOR, accepted) })).status).toBe(201);
    await eventually(async () => (await pair('interior', interior))?.status === 'AGREED' || undefined, 20_000, 'agreed at interior');
    expect((await pair('border', border)).status).toBe('AGREED');
  });
});
