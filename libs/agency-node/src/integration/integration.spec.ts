import { ManualClock } from '@shekara/common';
import { decodeCursor, encodeCursor } from './cursor';
import { RateLimiter } from './rate-limit';
import { retryDelayMs, signWebhook, verifyWebhook } from './webhook-signature';

const ACCOUNT = '0190f5e0-0000-7000-8000-000000000001';

describe('feed cursors', () => {
  it('round-trip the account and position', () => {
    const c = encodeCursor(ACCOUNT, { tx: '123456', seq: '42' });
    expect(decodeCursor(c)).toEqual({ accountId: ACCOUNT, position: { tx: '123456', seq: '42' } });
  });
  it.each(['', 'not base64!', Buffer.from(`${ACCOUNT}.1`).toString('base64url'), Buffer.from(`${ACCOUNT}.-1.2`).toString('base64url'), Buffer.from(`x.1.2`).toString('base64url'), Buffer.from(`${ACCOUNT}.01.2`).toString('base64url'), Buffer.from(`${ACCOUNT}.1.99999999999999999999`).toString('base64url')])(
    'refuse what the feed does not issue: %p',
    (c) => expect(decodeCursor(c)).toBeUndefined(),
  );
});

describe('webhook signatures', () => {
  const at = new Date('2026-12-01T10:00:00Z');
  it('verify with the secret, the body and a recent time only', () => {
    const h = signWebhook('s3cret', '{"a":1}', at);
    expect(h).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhook('s3cret', '{"a":1}', h, at)).toBe(true);
    expect(verifyWebhook('other', '{"a":1}', h, at)).toBe(false);
    expect(verifyWebhook('s3cret', '{"a":2}', h, at)).toBe(false);
    expect(verifyWebhook('s3cret', '{"a":1}', h, new Date(at.getTime() + 301_000))).toBe(false);
    expect(verifyWebhook('s3cret', '{"a":1}', undefined, at)).toBe(false);
  });
  it('retries back off exponentially up to the bound', () => {
    expect([1, 2, 3, 4, 10].map((n) => retryDelayMs(n, 100, 1000))).toEqual([100, 200, 400, 800, 1000]);
  });
});

describe('rate limits', () => {
  it('allow a burst, then answer with the seconds to wait, and refill with time', () => {
    const clock = new ManualClock(new Date('2026-12-01T10:00:00Z'));
    const r = new RateLimiter(clock);
    for (let i = 0; i < 6; i++) expect(r.take('a', 60)).toBe(0);
    expect(r.take('a', 60)).toBe(1);
    expect(r.take('b', 60)).toBe(0);
    clock.advance(1000);
    expect(r.take('a', 60)).toBe(0);
    expect(r.take('a', 60)).toBe(1);
  });
});
