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
});
