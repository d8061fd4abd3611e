import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Directory } from './directory';
import { DirectoryError, DirectoryErrorCode } from './errors';
import { parseDirectoryData } from './validate';

const fixtures = join(__dirname, '__fixtures__');
const readFixture = (name: string): unknown => JSON.parse(readFileSync(join(fixtures, name), 'utf8'));
const expectedPaths = readFixture('not-ok/expected-paths.json') as Record<string, string>;

function errorOf(fn: () => unknown): DirectoryError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DirectoryError) return e;
    throw e;
  }
  throw new Error('expected a DirectoryError, nothing was thrown');
}

describe('parseDirectoryData', () => {
  it('accepts the minimal valid fixture and keeps it as it is', () => {
    const raw = readFixture('ok/minimal.json');
    expect(parseDirectoryData(raw)).toEqual(raw);
  });

  it('has an expected error path for every not-ok fixture', () => {
    const files = readdirSync(join(fixtures, 'not-ok')).filter((f) => f !== 'expected-paths.json');
    expect(files.map((f) => f.replace(/\.json$/, '')).sort()).toEqual(Object.keys(expectedPaths).sort());
  });

  it.each(Object.entries(expectedPaths))('rejects not-ok/%s.json naming %s', (name, path) => {
    const err = errorOf(() => Directory.fromJSON(readFixture(`not-ok/${name}.json`), `${name}.json`));
    expect(err.code).toBe(DirectoryErrorCode.INVALID_DIRECTORY);
    expect(err.message).toContain(`invalid directory: ${name}.json: ${path}:`);
  });

  it('explains a wrong zone with the expected one and why', () => {
    const err = errorOf(() => parseDirectoryData(readFixture('not-ok/wrong-zone.json')));
    expect(err.message).toContain('expected "Asia/Oral" (zone of KZ-27), got "Asia/Almaty"');
  });

  it('rejects values that are not objects or have the wrong format', () => {
    expect(errorOf(() => parseDirectoryData(null)).message).toContain('(root): expected an object');
    const raw = { ...(readFixture('ok/minimal.json') as object), format: 'shekara-directory/0' };
    expect(errorOf(() => parseDirectoryData(raw)).message).toContain('format: expected "shekara-directory/1"');
  });
});
