import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEAD_LETTER_REASONS, DeadLetterReason, deadLetterReasonOf, deadLetterText } from './dead-letters';

/** The codes of docs/protocol.md's reason table, in its order. */
function documentedCodes(): string[] {
  const doc = readFileSync(join(__dirname, '../../../docs/protocol.md'), 'utf8');
  const begin = doc.indexOf('<!-- reason-codes:begin -->');
  const end = doc.indexOf('<!-- reason-codes:end -->');
  expect(begin).toBeGreaterThan(0);
  expect(end).toBeGreaterThan(begin);
  return doc
    .slice(begin, end)
    .split('\n')
    .map((line) => /^\|\s*`([^`]+)`\s*\|/.exec(line)?.[1])
    .filter((c): c is string => c !== undefined);
}

describe('dead-letter reason codes', () => {
  it('docs/protocol.md lists exactly the enum, in its order', () => {
    expect(documentedCodes()).toEqual([...DEAD_LETTER_REASONS]);
  });

  it('a reason text gives its code back; other text gives none', () => {
    for (const code of DEAD_LETTER_REASONS) expect(deadLetterReasonOf(deadLetterText(code, 'detail'))).toBe(code);
    expect(deadLetterReasonOf('schemata: x')).toBeUndefined();
    expect(deadLetterReasonOf('something else')).toBeUndefined();
  });

  it('a reason is one bounded line', () => {
    const t = deadLetterText(DeadLetterReason.Schema, 'a\r\nb'.repeat(2000));
    expect(t).not.toMatch(/[\r\n]/);
    expect(t.length).toBeLessThanOrEqual(1500);
  });
});
