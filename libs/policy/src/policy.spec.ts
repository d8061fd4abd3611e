import { JOINT_INSTRUCTION_2002, POLICIES, PolicyError, assertValidPolicy, policyAt, policyForRange, validatePolicy, type Policy } from './policy';

/** A copy of the 2002 policy with some fields replaced (the original is frozen). */
function variant(change: (p: Policy) => void): Policy {
  const copy = JSON.parse(JSON.stringify(JOINT_INSTRUCTION_2002)) as Policy;
  change(copy);
  return copy;
}

describe('the 2002 policy', () => {
  it('is valid and carries the clause 5 schedule', () => {
    expect(validatePolicy(JOINT_INSTRUCTION_2002)).toEqual([]);
    expect(JOINT_INSTRUCTION_2002.id).toBe('kz-joint-instruction-2002');
    expect(JOINT_INSTRUCTION_2002.rules).toEqual({
      daily: { window: { start: '07:00:00', end: '09:00:00' }, levels: [1, 2, 3, 4, 5] },
      monthly: { openDay: 28, closeDay: 5, levels: [1, 2, 3, 4, 5] },
      semiannual: { levels: [1] },
      urgentConfirmation: { withinMs: 7_200_000 },
      advance: { minLeadMs: 0 },
      handover: { acceptWithinMs: { person: 10_800_000, weapon: 10_800_000, goods: 86_400_000, vehicle: 86_400_000, document: 86_400_000 } },
    });
  });

  it('cannot be changed by accident', () => {
    expect(() => {
      (JOINT_INSTRUCTION_2002.rules.daily.levels as number[]).push(6);
    }).toThrow(TypeError);
  });
});

describe('validatePolicy', () => {
  it.each<[string, (p: Policy) => void, string]>([
    ['empty id', (p) => (p.id = ' '), 'id must be a non-empty string'],
    ['bad effective date', (p) => (p.effective.from = '2002-02-30'), 'effective.from'],
    ['end before start', (p) => (p.effective.to = '2001-01-01'), 'effective.to is before effective.from'],
    ['unknown zone', (p) => (p.effective.zone = 'Asia/Nowhere'), 'effective.zone'],
    ['bad window time', (p) => (p.rules.daily.window.end = '9:00'), 'rules.daily.window.end'],
    ['inverted window', (p) => (p.rules.daily.window = { start: '09:00:00', end: '07:00:00' }), 'must start before it ends'],
    ['level 6', (p) => (p.rules.monthly.levels = [1, 6 as 1]), 'levels outside 1-5: 6'],
    ['repeated level', (p) => (p.rules.semiannual.levels = [1, 1]), 'lists a level twice'],
    ['open day 29', (p) => (p.rules.monthly.openDay = 29), 'rules.monthly.openDay must be a day 1-28'],
    ['zero confirmation time', (p) => (p.rules.urgentConfirmation.withinMs = 0), 'withinMs must be a positive integer'],
    ['negative lead', (p) => (p.rules.advance.minLeadMs = -1), 'minLeadMs must be a non-negative integer'],
  ])('reports %s', (_name, change, message) => {
    const bad = variant(change);
    expect(validatePolicy(bad).join('\n')).toContain(message);
    expect(() => assertValidPolicy(bad)).toThrow(PolicyError);
  });
});

describe('policyAt', () => {
  // Effective from 2002-05-22 in Asia/Almaty, which then was UTC+7 (summer time).
  it('starts the 2002 policy at local midnight of 2002-05-22', () => {
    expect(() => policyAt(POLICIES, new Date('2002-05-21T16:59:59.999Z'))).toThrow(PolicyError);
    expect(policyAt(POLICIES, new Date('2002-05-21T17:00:00.000Z'))).toBe(JOINT_INSTRUCTION_2002);
    expect(policyAt(POLICIES, new Date('2024-03-02T00:00:00Z'))).toBe(JOINT_INSTRUCTION_2002);
  });

  it('prefers the policy that took effect last and respects end dates', () => {
    const later = variant((p) => {
      p.id = 'hypothetical-2030';
      p.effective = { from: '2030-01-01', to: '2030-12-31', zone: 'Asia/Almaty' };
    });
    const policies = [JOINT_INSTRUCTION_2002, later];
    expect(policyAt(policies, new Date('2029-12-31T18:59:59.999Z')).id).toBe('kz-joint-instruction-2002');
    expect(policyAt(policies, new Date('2029-12-31T19:00:00.000Z')).id).toBe('hypothetical-2030');
    expect(policyAt(policies, new Date('2030-12-31T18:59:59.999Z')).id).toBe('hypothetical-2030');
    expect(policyAt(policies, new Date('2030-12-31T19:00:00.000Z')).id).toBe('kz-joint-instruction-2002');
  });
});

describe('policyForRange', () => {
  const later = variant((p) => {
    p.id = 'hypothetical-2030';
    p.effective = { from: '2030-01-01', to: '2030-12-31', zone: 'Asia/Almaty' };
  });
  const policies = [JOINT_INSTRUCTION_2002, later];

  it('picks the policy in effect on every date of the range', () => {
    expect(policyForRange(POLICIES, { from: '2024-01-01', to: '2024-12-31' })).toBe(JOINT_INSTRUCTION_2002);
    expect(policyForRange(policies, { from: '2029-01-01', to: '2029-12-31' }).id).toBe('kz-joint-instruction-2002');
    expect(policyForRange(policies, { from: '2030-01-01', to: '2030-12-31' }).id).toBe('hypothetical-2030');
    expect(policyForRange(policies, { from: '2031-01-01', to: '2031-01-31' }).id).toBe('kz-joint-instruction-2002');
  });

  it('refuses a range the policy changes in, or one before any policy', () => {
    expect(() => policyForRange(policies, { from: '2029-12-31', to: '2030-01-01' })).toThrow(/changes on 2030-01-01/);
    expect(() => policyForRange(policies, { from: '2030-12-31', to: '2031-01-01' })).toThrow(/changes on 2031-01-01/);
    expect(() => policyForRange(POLICIES, { from: '2002-05-21', to: '2002-06-01' })).toThrow(/no policy is in effect on 2002-05-21/);
  });
});
