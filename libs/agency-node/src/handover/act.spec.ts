import type { HandoverStepRow } from '../store';
import { foldAct } from './act';

const ACT = '019c8a2e-5b1f-7c3d-9e4f-0a1b2c3d4e5f';
const B = 'border.l4.CP-CN-A-01';
const I = 'interior.l4.CP-CN-A-01';
const at = (min: number) => new Date(Date.UTC(2026, 2, 1, 8, min));

function row(id: string, kind: string, sender: string, min: number, payload: Record<string, unknown>): HandoverStepRow {
  return { id, kind, direction: 'IN', sender_unit: sender, recipient_units: [sender === B ? I : B], correlation_id: ACT, classification: 'FOR_OFFICIAL_USE', created_at: at(min), received_at: null, created_by: null, payload };
}
const proposal = row(ACT, 'HANDOVER_PROPOSAL', B, 0, {
  handoverProposal: { legalGround: 'g', checkpointId: 'CP-CN-A-01', handedAt: at(0).toISOString(), officer: 'o', items: [{ itemId: 'P1', person: { surname: 'X' } }, { itemId: 'G1', goods: { description: 'd' } }] },
});
const accept = (min: number, refused: unknown[] = [], sender = I) => row(`a-${min}`, 'HANDOVER_ACCEPTANCE', sender, min, { handoverAcceptance: { actId: ACT, officer: 'r', refused } });
const withdraw = (min: number) => row(`w-${min}`, 'HANDOVER_WITHDRAWAL', B, min, { handoverWithdrawal: { actId: ACT, officer: 'o', reason: 'why' } });

describe('foldAct', () => {
  it('is PROPOSED until the receiving unit decides', () => {
    expect(foldAct(ACT, [proposal])!.state).toBe('PROPOSED');
    expect(foldAct(ACT, [proposal, accept(5)])).toMatchObject({ state: 'ACCEPTED', decidedAt: at(5) });
  });

  it('marks refused items with their reasons in a partial acceptance', () => {
    const act = foldAct(ACT, [proposal, accept(5, [{ itemId: 'G1', reason: 'customs' }])])!;
    expect(act.state).toBe('PARTLY_ACCEPTED');
    expect(act.items.map((i) => [i.itemId, i.status, i.reason])).toEqual([['P1', 'ACCEPTED', undefined], ['G1', 'REFUSED', 'customs']]);
  });

  it('lets the earlier of a crossing withdrawal and acceptance win, whatever order they arrive in', () => {
    for (const rows of [[proposal, withdraw(4), accept(5)], [accept(5), proposal, withdraw(4)]]) {
      const act = foldAct(ACT, rows)!;
      expect(act.state).toBe('WITHDRAWN');
      expect(act.history.map((h) => [h.step, h.effective])).toEqual([['PROPOSED', true], ['WITHDRAWN', true], ['ACCEPTED', false]]);
      expect(act.items.every((i) => i.status === 'RETURNED')).toBe(true);
    }
  });

  it('ignores steps by a unit not entitled to them, and a refusal of an item the act lacks', () => {
    expect(foldAct(ACT, [proposal, accept(5, [], 'customs.l4.CP-CN-A-01')])!.state).toBe('PROPOSED');
    expect(foldAct(ACT, [proposal, accept(5, [], B)])!.state).toBe('PROPOSED');
    expect(foldAct(ACT, [proposal, accept(5, [{ itemId: 'Z9', reason: 'x' }])])!.state).toBe('PROPOSED');
  });

  it('is undefined without the proposal', () => {
    expect(foldAct(ACT, [accept(5)])).toBeUndefined();
  });
});
