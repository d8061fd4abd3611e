import { SentMessages } from './sent-messages';

const msg = (id: string) => ({ id, kind: 'DAILY', created_at: new Date(0), sender_unit: 'a', recipient_units: ['b'] });

describe('SentMessages', () => {
  it('holds what was sent, and drops the oldest beyond its capacity', () => {
    const sent = new SentMessages();
    const n = SentMessages.CAPACITY + 5;
    for (let i = 0; i < n; i += 1000) sent.remember(Array.from({ length: Math.min(1000, n - i) }, (_, j) => msg(`m${i + j}`)));
    expect(sent.size).toBe(SentMessages.CAPACITY);
    expect(sent.get('m0')).toBeUndefined();
    expect(sent.get('m4')).toBeUndefined();
    expect(sent.get('m5')).toEqual(msg('m5'));
    expect(sent.get(`m${n - 1}`)).toEqual(msg(`m${n - 1}`));
  });

  it('keeps when an envelope to an agency was first published, for held messages only', () => {
    const sent = new SentMessages();
    sent.remember([msg('m1')]);
    sent.published('m1', 'interior', new Date(1000));
    sent.published('m1', 'interior', new Date(2000));
    sent.published('m1', 'customs', new Date(3000));
    sent.published('unknown', 'interior', new Date(4000));
    expect(sent.publishedAt('m1', 'interior')).toEqual(new Date(1000));
    expect(sent.publishedAt('m1', 'customs')).toEqual(new Date(3000));
    expect(sent.publishedAt('m1', 'border')).toBeUndefined();
    expect(sent.publishedAt('unknown', 'interior')).toBeUndefined();
    // Dropped with its message beyond the capacity.
    sent.remember(Array.from({ length: SentMessages.CAPACITY }, (_, i) => msg(`n${i}`)));
    expect(sent.get('m1')).toBeUndefined();
    expect(sent.publishedAt('m1', 'interior')).toBeUndefined();
  });
});
