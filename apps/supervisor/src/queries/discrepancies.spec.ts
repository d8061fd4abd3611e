import { addMonths, monthsBetween, personsAccepted } from './discrepancies.query';
import type { ActRow, ActStepRow } from '../ledger/ledger.store';

const act: ActRow = { id: 'a', sender: 'border.l4.X', recipients: ['interior.l4.X'], event_at: new Date('2026-04-15T05:00:00Z') };
const step = (id: string, kind: ActStepRow['kind'], sender: string, at: string, persons: number | null = null): ActStepRow => ({ id, kind, sender, sent_at: new Date(at), confirms: 'a', persons_accepted: persons });

describe('months', () => {
  it('adds months across years, both ways', () => {
    expect(addMonths('2026-12', 1)).toBe('2027-01');
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(addMonths('2026-04', -23)).toBe('2024-05');
    expect(monthsBetween('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthsBetween('2026-02', '2026-01')).toEqual([]);
  });
});

describe('personsAccepted: the decisive answer, as the nodes fold the act', () => {
  it('the receiving unit’s first answer decides; an acceptance counts its persons', () => {
    expect(personsAccepted(act, [step('1', 'HANDOVER_ACCEPTANCE', 'interior.l4.X', '2026-04-15T06:00:00Z', 2)])).toBe(2);
    expect(personsAccepted(act, [step('1', 'HANDOVER_DISPUTE', 'interior.l4.X', '2026-04-15T06:00:00Z'), step('2', 'HANDOVER_ACCEPTANCE', 'interior.l4.X', '2026-04-15T07:00:00Z', 2)])).toBe(0);
  });
  it('a withdrawal before the answer leaves nothing accepted; one after it is superseded', () => {
    expect(personsAccepted(act, [step('2', 'HANDOVER_ACCEPTANCE', 'interior.l4.X', '2026-04-15T07:00:00Z', 2), step('1', 'HANDOVER_WITHDRAWAL', 'border.l4.X', '2026-04-15T06:00:00Z')])).toBe(0);
    expect(personsAccepted(act, [step('1', 'HANDOVER_ACCEPTANCE', 'interior.l4.X', '2026-04-15T06:00:00Z', 2), step('2', 'HANDOVER_WITHDRAWAL', 'border.l4.X', '2026-04-15T07:00:00Z')])).toBe(2);
  });
  it('steps by a unit no party to the act, or by the wrong party, decide nothing', () => {
    expect(personsAccepted(act, [step('1', 'HANDOVER_ACCEPTANCE', 'customs.l4.X', '2026-04-15T06:00:00Z', 5)])).toBe(0);
    expect(personsAccepted(act, [step('1', 'HANDOVER_ACCEPTANCE', 'border.l4.X', '2026-04-15T06:00:00Z', 5), step('2', 'HANDOVER_ACCEPTANCE', 'interior.l4.X', '2026-04-15T07:00:00Z', 1)])).toBe(1);
    expect(personsAccepted(act, [step('1', 'HANDOVER_WITHDRAWAL', 'interior.l4.X', '2026-04-15T06:00:00Z'), step('2', 'HANDOVER_ACCEPTANCE', 'interior.l4.X', '2026-04-15T07:00:00Z', 1)])).toBe(1);
  });
});
