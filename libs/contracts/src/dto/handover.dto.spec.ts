import { HandoverAcceptanceSchema, HandoverProposalSchema } from '../gen/shekara/v1/handover_pb';
import { validateMessageJson } from '../validation';

const proposal = (over: Record<string, unknown> = {}) => ({
  legalGround: 'Art. 510 of the Code of Administrative Offences',
  checkpointId: 'CP-CN-A-01',
  handedAt: '2026-03-01T08:15:00Z',
  officer: 'Capt. A. Serikbayev',
  items: [
    { itemId: 'P1', person: { surname: 'WANG', givenNames: 'LEI', dateOfBirth: '1990-04-17', citizenship: 'CHN', sex: 'SEX_MALE' } },
    { itemId: 'G1', goods: { description: 'Cigarettes', quantity: '12.5', measure: 'kg', seals: ['S-001'], contraband: true } },
    { itemId: 'V1', vehicle: { make: 'Toyota Hilux', registration: '123ABC02', vin: 'JTFSX23P100123456' } },
  ],
  ...over,
});

describe('handover contract', () => {
  it('accepts a proposal with persons, goods and a vehicle', () => {
    expect(validateMessageJson(HandoverProposalSchema, proposal())).toEqual([]);
  });

  it('refuses a negative quantity, duplicate item ids and an item without its kind', () => {
    const neg = proposal({ items: [{ itemId: 'G1', goods: { description: 'x', quantity: '-3', measure: 'kg' } }] });
    expect(validateMessageJson(HandoverProposalSchema, neg)).toEqual([{ field: 'items.0.goods.quantity', code: 'QUANTITY', messages: [expect.stringContaining('not below zero')] }]);
    const dup = proposal({ items: [{ itemId: 'A', weapon: { description: 'AK-74' } }, { itemId: 'A', weapon: { description: 'AK-74' } }] });
    expect(validateMessageJson(HandoverProposalSchema, dup).map((e) => e.field)).toEqual(['items']);
    const none = proposal({ items: [{ itemId: 'A' }] });
    expect(validateMessageJson(HandoverProposalSchema, none).map((e) => e.field)).toEqual(['items.0.item']);
  });

  it('refuses a refusal without a reason', () => {
    const body = { actId: '019c8a2e-5b1f-7c3d-9e4f-0a1b2c3d4e5f', officer: 'Maj. B', acceptedAt: '2026-03-01T09:00:00Z', refused: [{ itemId: 'G1' }] };
    expect(validateMessageJson(HandoverAcceptanceSchema, body)).toEqual([{ field: 'refused.0.reason', code: 'REQUIRED', messages: ['reason is required'] }]);
  });
});
