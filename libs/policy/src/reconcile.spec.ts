import { reconcile } from './reconcile';
import type { LatestReport } from './reconcile';

const A = 'border.l4.X';
const B = 'interior.l4.X';
const C = 'customs.l4.X';
const HANDED = 'STATISTICS_INDICATOR_PERSONS_HANDED_OVER';
const RECEIVED = 'STATISTICS_INDICATOR_PERSONS_RECEIVED';
const all = () => true;
const report = (unit: string, figures: LatestReport['figures'], explanations: LatestReport['explanations'] = []): LatestReport => ({ unit, figures, explanations });

describe('reconcile (clause 9.3)', () => {
  it('AGREED when both figures equal the persons accepted in acts; DISCREPANCY otherwise; EXPLAINED with an explanation', () => {
    const acts = [{ handingUnit: A, receivingUnit: B, personsAccepted: 2 }];
    expect(reconcile('2026-04', [report(A, [{ indicator: HANDED, counterpartUnit: B, value: 2 }]), report(B, [{ indicator: RECEIVED, counterpartUnit: A, value: 2 }])], acts, all)[0].status).toBe('AGREED');
    expect(reconcile('2026-04', [report(A, [{ indicator: HANDED, counterpartUnit: B, value: 3 }]), report(B, [{ indicator: RECEIVED, counterpartUnit: A, value: 2 }])], acts, all)[0]).toMatchObject({ handedOver: 3, received: 2, acts: 2, status: 'DISCREPANCY' });
    const explained = reconcile('2026-04', [report(A, [{ indicator: HANDED, counterpartUnit: B, value: 3 }], [{ indicator: HANDED, counterpartUnit: B, text: 'paper act' }]), report(B, [{ indicator: RECEIVED, counterpartUnit: A, value: 2 }])], acts, all)[0];
    expect(explained).toMatchObject({ status: 'EXPLAINED', explanations: [{ unit: A, text: 'paper act' }] });
  });

  it('AWAITING while a side has sent nothing; a report without the figure counts 0', () => {
    expect(reconcile('2026-04', [report(A, [{ indicator: HANDED, counterpartUnit: B, value: 1 }])], [], all)[0]).toMatchObject({ handedOver: 1, status: 'AWAITING' });
    expect(reconcile('2026-04', [report(A, [{ indicator: HANDED, counterpartUnit: B, value: 1 }]), report(B, [])], [], all)[0]).toMatchObject({ received: 0, status: 'DISCREPANCY' });
  });

  it('only the pairs the caller admits', () => {
    const reports = [report(A, [{ indicator: HANDED, counterpartUnit: B, value: 1 }, { indicator: HANDED, counterpartUnit: C, value: 1 }])];
    expect(reconcile('2026-04', reports, [], all).map((p) => p.receivingUnit)).toEqual([C, B]);
    expect(reconcile('2026-04', reports, [], (a, b) => a === C || b === C).map((p) => p.receivingUnit)).toEqual([C]);
  });
});
