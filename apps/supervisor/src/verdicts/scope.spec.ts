import type { Verdict } from '@shekara/policy';
import { Scope } from './scope';
import type { UnitInfo } from './units';

const unit = (id: string): [string, UnitInfo] => [id, { id, agency: id.split('.')[0] as UnitInfo['agency'], level: 4, zone: 'Asia/Almaty', nameRu: id, nameEn: id }];
const UNITS = new Map([unit('border.l4.A'), unit('interior.l4.A'), unit('customs.l4.A')]);
const due = new Date('2024-04-08T04:00:00Z');

describe('Scope', () => {
  const interior = Scope.of({ role: 'supervisor', unitId: 'interior.l4.A' }, UNITS);
  const admin = Scope.of({ role: 'admin', unitId: 'interior.l4.A' }, UNITS);

  it('shows a supervisor messages their agency sent or received, the admin everything', () => {
    expect(interior.message({ from: 'border.l4.A', to: ['interior.l4.A'] })).toBe(true);
    expect(interior.message({ from: 'interior.l4.A', to: ['customs.l4.A'] })).toBe(true);
    expect(interior.message({ from: 'border.l4.A', to: ['customs.l4.A'] })).toBe(false);
    expect(admin.message({ from: 'border.l4.A', to: ['customs.l4.A'] })).toBe(true);
  });

  it('shows a periodic verdict to the owing and the owed agency only (not to a co-recipient of its message)', () => {
    const messages = new Map([['m', { from: 'border.l4.A', to: ['interior.l4.A', 'customs.l4.A'] }]]);
    const toCustoms: Verdict = { obligation: 'DAILY', from: 'border.l4.A', to: 'customs.l4.A', period: '2024-04-08', due, verdict: 'ON_TIME', message: 'm' };
    expect(interior.verdict(messages)(toCustoms)).toBe(false);
    expect(interior.verdict(messages)({ ...toCustoms, to: 'interior.l4.A' })).toBe(true);
    expect(admin.verdict(messages)(toCustoms)).toBe(true);
  });

  it('shows a confirmation verdict to the agencies the urgent report was sent to', () => {
    const messages = new Map([['u', { from: 'border.l4.A', to: ['customs.l4.A'] }]]);
    const v: Verdict = { obligation: 'URGENT_CONFIRMATION', from: 'border.l4.A', ref: 'u', due, verdict: 'UNCONFIRMED' };
    expect(interior.verdict(messages)(v)).toBe(false);
    expect(Scope.of({ role: 'supervisor', unitId: 'customs.l4.A' }, UNITS).verdict(messages)(v)).toBe(true);
    expect(interior.verdict(messages)({ ...v, ref: 'unknown' })).toBe(false);
  });

  it('a supervisor of a unit outside the directory sees only what names their id prefix', () => {
    const stray = Scope.of({ role: 'supervisor', unitId: 'police.l1.X' }, UNITS);
    expect(stray.message({ from: 'border.l4.A', to: ['interior.l4.A'] })).toBe(false);
  });
});
