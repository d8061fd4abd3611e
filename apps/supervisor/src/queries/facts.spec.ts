import type { TimelineEvent } from '../ledger/ledger.store';
import { timelineFacts } from './facts';

const at = (s: string) => new Date(`2024-04-09T03:${s}Z`);
const ev = (eventId: string, action: TimelineEvent['action'], node: string, t: string, actor: string, units: string[], reason?: string): TimelineEvent => ({ eventId, action, node, at: at(t), actor, units, ...(reason ? { reason } : {}) });

describe('timelineFacts', () => {
  it('lists each fact once per unit with the nodes that observed it', () => {
    const facts = timelineFacts([
      ev('5', 'READ', 'border', '10:02', 'bus', ['interior.l4.A']),
      ev('1', 'SENT', 'border', '05:00', 'border.duty', []),
      ev('2', 'RECEIVED', 'interior', '05:01', 'border.l4.A', ['interior.l4.A']),
      ev('3', 'DELIVERED', 'border', '05:02', 'bus', ['interior.l4.A']),
      ev('4', 'READ', 'interior', '10:00', 'interior.duty', ['interior.l4.A']),
      ev('6', 'REJECTED', 'border', '05:03', 'bus', ['customs.l4.A'], 'bad signature'),
    ]);
    expect(facts.map((f) => [f.fact, f.unit, f.observed_by.map((o) => `${o.node}:${o.action}`)])).toEqual([
      ['SENT', null, ['border:SENT']],
      ['DELIVERED', 'interior.l4.A', ['interior:RECEIVED', 'border:DELIVERED']],
      ['REJECTED', 'customs.l4.A', ['border:REJECTED']],
      ['READ', 'interior.l4.A', ['interior:READ', 'border:READ']],
    ]);
    const read = facts.find((f) => f.fact === 'READ')!;
    expect(read).toMatchObject({ at: at('10:00').toISOString(), actor: 'interior.duty' });
    expect(facts.find((f) => f.fact === 'REJECTED')!.reason).toBe('bad signature');
  });

  it('splits a RECEIVED of several local recipients into one fact per unit', () => {
    const facts = timelineFacts([ev('1', 'RECEIVED', 'interior', '05:01', 'x', ['interior.l4.A', 'interior.l2.B'])]);
    expect(facts.map((f) => f.unit)).toEqual(['interior.l4.A', 'interior.l2.B']);
  });

});
