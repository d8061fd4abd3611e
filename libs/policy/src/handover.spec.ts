import { audit } from './evaluate';
import { JOINT_INSTRUCTION_2002 } from './policy';
import type { AuditMessage, Directory } from './types';

const directory: Directory = {
  units: [
    { id: 'bor', agency: 'border', level: 4, zone: 'Asia/Almaty' },
    { id: 'int', agency: 'interior', level: 4, zone: 'Asia/Almaty' },
    { id: 'cus', agency: 'customs', level: 4, zone: 'Asia/Almaty' },
  ],
  groups: [{ id: 'g', level: 4, members: ['bor', 'int', 'cus'] }],
};
const H = 3600_000;
const T0 = Date.parse('2026-03-02T06:00:00Z'); // 11:00 local (UTC+5)
const at = (ms: number) => new Date(T0 + ms);
const act = (id: string, items: string[], extra: Partial<AuditMessage> = {}): AuditMessage => ({ id, kind: 'HANDOVER_PROPOSAL', from: 'bor', to: ['int'], sentAt: at(60_000), eventAt: at(0), items, ...extra });
const step = (id: string, kind: AuditMessage['kind'], actId: string, ms: number, from = kind === 'HANDOVER_WITHDRAWAL' ? 'bor' : 'int'): AuditMessage => ({ id, kind, from, to: [from === 'bor' ? 'int' : 'bor'], sentAt: at(ms), confirms: actId });

function judge(messages: AuditMessage[], asOfMs = 48 * H) {
  const r = audit({ policy: JOINT_INSTRUCTION_2002, directory, messages, range: { from: '2026-03-02', to: '2026-03-02' }, asOf: at(asOfMs) });
  const hv = r.verdicts.filter((v) => v.obligation === 'HANDOVER_ACCEPTANCE');
  return { verdicts: Object.fromEntries(hv.map((v) => [v.ref, { verdict: v.verdict, due: v.due.toISOString(), message: v.message, late: v.lateBySeconds, from: v.from, to: v.to }])), rejected: r.rejected };
}

describe('handover acceptance deadline (clause 9.6)', () => {
  it('persons within 3 hours, goods alone within a day: the most urgent item sets the deadline', () => {
    const { verdicts } = judge([
      act('a1', ['person', 'goods']),
      step('s1', 'HANDOVER_ACCEPTANCE', 'a1', 3 * H),
      act('a2', ['person']),
      step('s2', 'HANDOVER_ACCEPTANCE', 'a2', 3 * H + 1),
      act('a3', ['goods', 'vehicle']),
      step('s3', 'HANDOVER_DISPUTE', 'a3', 20 * H),
    ]);
    expect(verdicts.a1).toEqual({ verdict: 'ACCEPTED_ON_TIME', due: at(3 * H).toISOString(), message: 's1', late: undefined, from: 'int', to: 'bor' });
    expect(verdicts.a2).toMatchObject({ verdict: 'ACCEPTED_LATE', message: 's2', late: 1 });
    expect(verdicts.a3).toMatchObject({ verdict: 'ACCEPTED_ON_TIME', due: at(24 * H).toISOString(), message: 's3' });
  });

  it('PENDING until the deadline, UNANSWERED after it; a withdrawal in time ends the obligation', () => {
    const msgs = [act('a1', ['weapon']), act('a2', ['person']), step('w2', 'HANDOVER_WITHDRAWAL', 'a2', H), act('a3', ['person']), step('w3', 'HANDOVER_WITHDRAWAL', 'a3', 4 * H)];
    expect(judge(msgs, 2 * H).verdicts.a1.verdict).toBe('PENDING');
    const late = judge(msgs, 5 * H).verdicts;
    expect(late.a1.verdict).toBe('UNANSWERED');
    expect(late.a2).toBeUndefined();
    expect(late.a3.verdict).toBe('UNANSWERED');
  });

  it('the first answer decides; an answer by a unit no party to the act is rejected', () => {
    const { verdicts, rejected } = judge([act('a1', ['person']), step('x', 'HANDOVER_ACCEPTANCE', 'a1', H, 'cus'), step('s1', 'HANDOVER_ACCEPTANCE', 'a1', 5 * H), step('s2', 'HANDOVER_DISPUTE', 'a1', 6 * H), step('u', 'HANDOVER_ACCEPTANCE', 'nope', H)]);
    expect(verdicts.a1).toMatchObject({ verdict: 'ACCEPTED_LATE', message: 's1' });
    expect(rejected.map((r) => r.id)).toEqual(['x', 'u']);
  });

  it('rejects a proposal without items or handover time', () => {
    const { rejected } = judge([act('a1', []), act('a2', ['person'], { eventAt: undefined }), act('a3', ['cattle'])]);
    expect(rejected.map((r) => r.id)).toEqual(['a1', 'a2', 'a3']);
  });
});
