/**
 * Every fixture under test/fixtures/contracts: ok/*.json must validate; each not-ok/<name>.json
 * must fail on exactly the field paths listed in its sibling <name>.expect.json.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateSendMessageRequest } from './validation';

const DIR = join(__dirname, '../../../test/fixtures/contracts');

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

const okFiles = readdirSync(join(DIR, 'ok')).filter((f) => f.endsWith('.json'));
const notOkFiles = readdirSync(join(DIR, 'not-ok')).filter((f) => f.endsWith('.json') && !f.endsWith('.expect.json'));

describe('contract fixtures', () => {
  it('has fixtures of every sendable kind and every urgent topic', () => {
    const bodies = okFiles.map((f) => readJson(join(DIR, 'ok', f)) as Record<string, Record<string, unknown>>);
    const cases = new Set(bodies.flatMap((b) => Object.keys(b)));
    for (const c of ['urgent', 'urgentConfirmation', 'daily', 'monthly', 'advance', 'semiannual']) expect(cases).toContain(c);
    const topics = new Set(bodies.filter((b) => b.urgent).map((b) => b.urgent.topic));
    expect(topics.size).toBe(8);
    expect(notOkFiles.length).toBeGreaterThan(20);
  });

  it.each(okFiles)('ok/%s is valid', (file) => {
    const result = validateSendMessageRequest(readJson(join(DIR, 'ok', file)));
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it.each(notOkFiles)('not-ok/%s fails on the expected fields', (file) => {
    const expected = readJson(join(DIR, 'not-ok', file.replace(/\.json$/, '.expect.json'))) as { fields: string[] };
    const result = validateSendMessageRequest(readJson(join(DIR, 'not-ok', file)));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    for (const e of result.errors) expect(e.messages.length).toBeGreaterThan(0);
    expect(result.errors.map((e) => e.field).sort()).toEqual([...expected.fields].sort());
  });
});
