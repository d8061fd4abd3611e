import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header a webhook delivery is signed in (docs/integration.md). */
export const SIGNATURE_HEADER = 'x-shekara-signature';

/**
 * The signature header of a webhook delivery: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`
 * (the time is signed with the body, so a receiver can refuse an old delivery replayed).
 */
export function signWebhook(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

/** Whether a signature header is valid for this body and secret, signed within `toleranceS` of `now`. */
export function verifyWebhook(secret: string, body: string, header: string | undefined, now: Date, toleranceS = 300): boolean {
  const m = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!m) return false;
  if (Math.abs(now.getTime() / 1000 - Number(m[1])) > toleranceS) return false;
  const expected = createHmac('sha256', secret).update(`${m[1]}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(m[2], 'hex'));
}

/** Wait before retry number `attempt` (1 for the first retry): base·2^(attempt−1), at most `max`. */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}
