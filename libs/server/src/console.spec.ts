import { jsonDepth } from './console';

describe('jsonDepth', () => {
  const nest = (n: number) => {
    let v: unknown = 1;
    for (let i = 0; i < n; i++) v = i % 2 ? [v] : { a: v };
    return v;
  };

  it('counts objects and arrays, not scalars', () => {
    expect(jsonDepth(1, 32)).toBe(0);
    expect(jsonDepth({}, 32)).toBe(1);
    expect(jsonDepth({ a: [1, { b: 'x' }] }, 32)).toBe(3);
    expect(jsonDepth(nest(32), 32)).toBe(32);
  });

  it('stops one past the limit, without recursion, for any depth', () => {
    expect(jsonDepth(nest(33), 32)).toBe(33);
    expect(jsonDepth(nest(20_000), 32)).toBe(33);
  });
});
