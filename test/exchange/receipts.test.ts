import { TestSystem, eventually } from '../support/harness';
import { INTERIOR, daily } from './fixtures';

jest.setTimeout(60_000);

/** Receipts at the sender: what completes an envelope. */
describe('receipts', () => {
  const sys = new TestSystem();
  let token: string;

  beforeAll(async () => {
    await sys.start(['border', 'interior']);
    token = await sys.login('border');
  });
  afterAll(() => sys.cleanup());

  const envelopeRow = async (id: string) => (await sys.sql('border', `SELECT id, done_at, attempts FROM outbox WHERE message_id = $1 AND kind = 'ENVELOPE'`, [id]))[0];

  it('an envelope left open although every recipient answered is completed by the receipts of its re-send', async () => {
    const sent = await sys.api('border', 'POST', '/api/messages', { ...daily('receipts complete'), recipientUnits: [INTERIOR] }, token);
    expect(sent.status).toBe(201);
    const id: string = sent.body.id;
    await eventually(async () => (await envelopeRow(id))?.done_at, 20_000, 'the envelope to be completed');
    // The receipt often comes back before the first dispatch's outcome is recorded (OutboxRelay.
    // OUTCOME_DELAY_MS after JetStream's ack): let it land first, or it would set the re-opened
    // row's next attempt OUTBOX_RESEND_AFTER_MS away.
    await new Promise((r) => setTimeout(r, 1000));
    // As when receipts for two units of one agency are recorded at the same time (each sees the
    // other's status not yet moved): every status is DELIVERED, the envelope is still open.
    const row = await envelopeRow(id);
    await sys.sql('border', `UPDATE outbox SET done_at = NULL, next_attempt_at = now() WHERE id = $1`, [row.id]);
    // It is re-sent; the recipient answers the copy again; that receipt moves no status, and completes it.
    const again = await eventually(async () => {
      const r = await envelopeRow(id);
      return r.attempts > row.attempts && r.done_at ? r : undefined;
    }, 20_000, 'the re-sent envelope to be completed');
    expect(again.done_at).toBeTruthy();
    const statuses = await sys.sql('border', `SELECT status FROM message_recipients WHERE message_id = $1`, [id]);
    expect(statuses).toEqual([{ status: 'DELIVERED' }]);
    // No second "delivered" in the audit log: the repeated receipt moved nothing.
    const delivered = await sys.sql('border', `SELECT count(*)::int AS n FROM audit_log WHERE message_id = $1 AND action = 'delivered'`, [id]);
    expect(delivered).toEqual([{ n: 1 }]);
  });

  it('a receipt for a message sent before the sender restarted (no longer held in memory) is recorded from the database', async () => {
    await sys.stopNode('interior');
    const sent = await sys.api('border', 'POST', '/api/messages', { ...daily('receipt after restart'), recipientUnits: [INTERIOR] }, token);
    expect(sent.status).toBe(201);
    const id: string = sent.body.id;
    await sys.stopNode('border');
    await sys.startNode('border');
    await sys.startNode('interior');
    await eventually(async () => (await sys.sql('border', `SELECT status FROM message_recipients WHERE message_id = $1`, [id]))[0]?.status === 'DELIVERED', 20_000, 'the receipt');
    const [audit] = await sys.sql('border', `SELECT details->>'at' IS NOT NULL AS at, unit_id FROM audit_log WHERE message_id = $1 AND action = 'delivered'`, [id]);
    expect(audit).toEqual({ at: true, unit_id: INTERIOR });
  });
});
