import { randomFillSync } from 'node:crypto';
import type { Clock } from './clock';

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Random bytes drawn from the CSPRNG a pool at a time (ids are made several per message). */
const POOL = Buffer.alloc(16 * 256);
let poolAt = POOL.length;

/**
 * UUIDv7 (RFC 9562): 48-bit Unix milliseconds, version 7, 74 random bits. Time-ordered, so message
 * ids sort by creation and index well. The timestamp comes from the injected clock.
 */
export function uuidv7(clock: Clock): string {
  const ms = clock.nowMs();
  if (poolAt === POOL.length) {
    randomFillSync(POOL);
    poolAt = 0;
  }
  const r = poolAt;
  poolAt += 16;
  const b = POOL;
  const h =
    HEX[Math.floor(ms / 2 ** 40) & 0xff] +
    HEX[Math.floor(ms / 2 ** 32) & 0xff] +
    HEX[(ms >>> 24) & 0xff] +
    HEX[(ms >>> 16) & 0xff] +
    '-' +
    HEX[(ms >>> 8) & 0xff] +
    HEX[ms & 0xff] +
    '-' +
    HEX[0x70 | (b[r + 6] & 0x0f)] +
    HEX[b[r + 7]] +
    '-' +
    HEX[0x80 | (b[r + 8] & 0x3f)] +
    HEX[b[r + 9]] +
    '-' +
    HEX[b[r + 10]] +
    HEX[b[r + 11]] +
    HEX[b[r + 12]] +
    HEX[b[r + 13]] +
    HEX[b[r + 14]] +
    HEX[b[r + 15]];
  return h;
}

export const UUID_V7_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function isUuidV7(s: string): boolean {
  return UUID_V7_RE.test(s);
}

/** The millisecond timestamp a UUIDv7 carries. */
export function uuidv7Time(id: string): Date {
  const hex = id.replace(/-/g, '').slice(0, 12);
  return new Date(parseInt(hex, 16));
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Any RFC 9562 UUID (as PostgreSQL's uuid type accepts it). */
export function isUuid(s: string): boolean {
  return UUID_RE.test(s);
}
