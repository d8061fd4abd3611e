import { UsageError, parseAuditArgs } from './args';

const required = ['--directory', 'd.json', '--journal', 'j.jsonl', '--from', '2024-02-28', '--to', '2024-03-05'];

describe('parseAuditArgs', () => {
  it('reads required options with defaults', () => {
    expect(parseAuditArgs(required)).toEqual({
      help: false,
      options: { directory: 'd.json', journal: 'j.jsonl', from: '2024-02-28', to: '2024-03-05', asOf: undefined, format: 'jsonl' },
    });
  });

  it('accepts --name=value and parses --as-of with its offset', () => {
    const parsed = parseAuditArgs([...required, '--as-of=2024-03-06T00:00:00+05:00', '--format=csv']);
    expect(parsed.help).toBe(false);
    if (!parsed.help) {
      expect(parsed.options.asOf?.toISOString()).toBe('2024-03-05T19:00:00.000Z');
      expect(parsed.options.format).toBe('csv');
    }
  });

  it('stops at --help', () => {
    expect(parseAuditArgs(['--help', '--bogus'])).toEqual({ help: true });
    expect(parseAuditArgs(['-h'])).toEqual({ help: true });
  });

  it.each<[string[], string]>([
    [[...required, '--bogus'], 'unknown option --bogus'],
    [[...required, '--bogus=1'], 'unknown option --bogus'],
    [[...required, 'extra'], 'unexpected argument "extra"'],
    [[...required, '--from', '2024-01-01'], '--from given twice'],
    [[...required, '--format'], '--format needs a value'],
    [[...required, '--as-of', '--format', 'csv'], '--as-of needs a value'],
    [required.slice(2), '--directory is required'],
    [['--directory', 'd', '--journal', 'j', '--from', '2023-02-29', '--to', '2023-03-01'], '--from must be a date YYYY-MM-DD: 2023-02-29'],
    [[...required, '--as-of', '2024-03-06'], '--as-of must be an ISO 8601 instant'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseAuditArgs(argv)).toThrow(UsageError);
    expect(() => parseAuditArgs(argv)).toThrow(message);
  });
});
