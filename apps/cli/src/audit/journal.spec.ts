import { parseDirectory, parseJournalLine } from './journal';

describe('parseJournalLine', () => {
  it('converts every field of the file format', () => {
    const line = JSON.stringify({
      id: 'u1', kind: 'URGENT', from: 'a', to: ['b', 'c'], sent_at: '2024-03-01T10:05:00+05:00',
      reported_at: '2024-03-01T10:00:00+05:00', confirms: 'x', period: '2024-03', event_at: '2024-03-02T00:00:00Z', extra: true,
    });
    expect(parseJournalLine(line)).toEqual({
      ok: true,
      message: {
        id: 'u1', kind: 'URGENT', from: 'a', to: ['b', 'c'], sentAt: new Date('2024-03-01T05:05:00Z'),
        reportedAt: new Date('2024-03-01T05:00:00Z'), confirms: 'x', period: '2024-03', eventAt: new Date('2024-03-02T00:00:00Z'),
      },
    });
  });

  it('reads the item kinds of a handover act', () => {
    const line = '{"id":"h","kind":"HANDOVER_PROPOSAL","from":"a","to":["b"],"sent_at":"2024-03-01T08:01:00Z","event_at":"2024-03-01T08:00:00Z","items":["person","goods"]}';
    expect(parseJournalLine(line)).toEqual({ ok: true, message: { id: 'h', kind: 'HANDOVER_PROPOSAL', from: 'a', to: ['b'], sentAt: new Date('2024-03-01T08:01:00Z'), eventAt: new Date('2024-03-01T08:00:00Z'), items: ['person', 'goods'] } });
    expect(parseJournalLine('{"id":"h","kind":"HANDOVER_PROPOSAL","from":"a","to":["b"],"sent_at":"2024-03-01T08:01:00Z","items":"person"}')).toEqual({ ok: false, reason: 'items must be a list of strings' });
  });

  it('leaves optional fields out when absent', () => {
    const result = parseJournalLine('{"id":"d","kind":"DAILY","from":"a","to":["b"],"sent_at":"2024-03-01T08:00:00Z"}');
    expect(result).toEqual({ ok: true, message: { id: 'd', kind: 'DAILY', from: 'a', to: ['b'], sentAt: new Date('2024-03-01T08:00:00Z') } });
  });

  it.each([
    ['{"id":', 'not valid JSON'],
    ['[1]', 'not a JSON object'],
    ['{"kind":"DAILY","from":"a","to":["b"],"sent_at":"2024-03-01T08:00:00Z"}', 'missing id'],
    ['{"id":"d","kind":"DAILY","from":"a","to":"b","sent_at":"2024-03-01T08:00:00Z"}', 'to must be a non-empty list of unit ids'],
    ['{"id":"d","kind":"DAILY","from":"a","to":["b"]}', 'missing sent_at'],
    ['{"id":"d","kind":"DAILY","from":"a","to":["b"],"sent_at":"2024-03-01T08:00:00Z","period":202403}', 'period must be a string'],
    ['{"id":"d","kind":"URGENT","from":"a","to":["b"],"sent_at":"2024-03-01T08:00:00Z","reported_at":"2024-03-01"}',
      'bad instant in reported_at: "2024-03-01" (expected ISO 8601 with an offset)'],
  ])('refuses %s', (line, reason) => {
    expect(parseJournalLine(line)).toEqual({ ok: false, reason });
  });
});

describe('parseDirectory', () => {
  it('accepts a valid directory', () => {
    const text = JSON.stringify({
      units: [
        { id: 'a', agency: 'border', level: 3, zone: 'Asia/Oral' },
        { id: 'b', agency: 'customs', level: 3, zone: 'Asia/Oral' },
      ],
      groups: [{ id: 'g', level: 3, members: ['a', 'b'] }],
    });
    expect(parseDirectory(text).ok).toBe(true);
  });

  it('reads the directory inside a node’s signed directory document', () => {
    const directory = { units: [{ id: 'a', agency: 'border', level: 3, zone: 'Asia/Oral' }, { id: 'b', agency: 'customs', level: 3, zone: 'Asia/Oral' }], groups: [{ id: 'g', level: 3, members: ['a', 'b'] }] };
    const signed = JSON.stringify({ format: 'shekara-signed-directory/1', version: 3, issuedAt: '2026-12-01T00:00:00Z', directory, signature: 'x' });
    expect(parseDirectory(signed)).toMatchObject({ ok: true, directory: { units: directory.units } });
    expect(parseDirectory(JSON.stringify({ format: 'shekara-signed-directory/1' }))).toMatchObject({ ok: false });
  });

  it('lists every problem', () => {
    expect(parseDirectory('{')).toMatchObject({ ok: false });
    expect(parseDirectory('[]')).toEqual({ ok: false, errors: ['not a JSON object with units and groups'] });
    expect(parseDirectory('{"units":[{"id":"a","agency":"navy","level":0,"zone":"UTC+5"}],"groups":[]}')).toEqual({
      ok: false,
      errors: [
        'unit a: unknown agency "navy" (expected interior | border | customs)',
        'unit a: unknown level 0 (expected 1-5)',
        'unit a: unknown time zone "UTC+5"',
      ],
    });
  });
});
