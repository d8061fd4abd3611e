import { validateDirectory } from './directory';
import type { Directory } from './types';

const directory = (agency: string): Directory => ({
  units: [
    { id: 'a', agency, level: 2, zone: 'Asia/Almaty' },
    { id: 'b', agency: 'border', level: 2, zone: 'Asia/Almaty' },
  ],
  groups: [{ id: 'g', level: 2, members: ['a', 'b'] }],
});

describe('validateDirectory: agencies', () => {
  it('takes any agency code when the caller gives no list (the engine does not depend on it)', () => {
    expect(validateDirectory(directory('navy'))).toEqual([]);
  });

  it('checks the agency against the list the caller gives', () => {
    expect(validateDirectory(directory('interior'), ['interior', 'border', 'customs'])).toEqual([]);
    expect(validateDirectory(directory('navy'), ['interior', 'border', 'customs'])).toEqual(['unit a: unknown agency "navy" (expected interior | border | customs)']);
  });

  it('rejects a unit without an agency, list or not', () => {
    const bad = { units: [{ id: 'a', level: 2, zone: 'Asia/Almaty' }], groups: [] } as unknown as Directory;
    expect(validateDirectory(bad)).toEqual(['unit a: agency must be a non-empty string']);
    expect(validateDirectory(directory(''), ['border'])).toEqual(['unit a: agency must be a non-empty string']);
  });
});
