import { WeightedLru } from './weighted-lru';

describe('WeightedLru', () => {
  it('evicts the least recently used entries until the weight fits the budget', () => {
    const c = new WeightedLru<string, number>(100);
    expect(c.set('a', 1, 40)).toBe(true);
    expect(c.set('b', 2, 40)).toBe(true);
    expect(c.get('a')).toBe(1); // a is now the most recently used
    expect(c.set('c', 3, 30)).toBe(true); // 110 > 100: b goes, not a
    expect(c.keys()).toEqual(['a', 'c']);
    expect(c.weight).toBe(70);
    expect(c.get('b')).toBeUndefined();
  });

  it('evicts as many entries as needed for a heavy one', () => {
    const c = new WeightedLru<string, number>(100);
    for (const k of ['a', 'b', 'c', 'd']) c.set(k, 0, 25);
    expect(c.set('big', 9, 60)).toBe(true);
    expect(c.keys()).toEqual(['d', 'big']);
    expect(c.weight).toBe(85);
  });

  it('does not keep an entry heavier than the whole budget, and keeps the rest', () => {
    const c = new WeightedLru<string, number>(100);
    c.set('month', 1, 50);
    expect(c.set('year', 2, 101)).toBe(false);
    expect(c.get('year')).toBeUndefined();
    expect(c.keys()).toEqual(['month']);
    expect(c.weight).toBe(50);
  });

  it('replaces an entry under the same key, counting only its new weight', () => {
    const c = new WeightedLru<string, number>(100);
    c.set('a', 1, 60);
    c.set('a', 2, 70);
    expect(c.get('a')).toBe(2);
    expect(c.weight).toBe(70);
    expect(c.set('a', 3, 200)).toBe(false); // too heavy: the old value is gone too
    expect(c.size).toBe(0);
    expect(c.weight).toBe(0);
  });

  it('drops entries by predicate and on delete', () => {
    const c = new WeightedLru<string, { v: number }>(100);
    c.set('a', { v: 1 }, 10);
    c.set('b', { v: 2 }, 20);
    c.set('c', { v: 1 }, 30);
    c.deleteWhere((e) => e.v === 1);
    expect(c.keys()).toEqual(['b']);
    expect(c.weight).toBe(20);
    expect(c.delete('b')).toBe(true);
    expect(c.delete('b')).toBe(false);
    expect(c.weight).toBe(0);
  });

  it('keeps nothing with a zero budget except weightless entries', () => {
    const c = new WeightedLru<string, number>(0);
    expect(c.set('a', 1, 1)).toBe(false);
    expect(c.set('b', 1, 0)).toBe(true);
  });
});
