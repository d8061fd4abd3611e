import { HttpStatus } from '@nestjs/common';
import type { Response } from 'express';

export interface CheckResult {
  status: 'up' | 'down';
  latencyMs?: number;
  error?: string;
}

export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });
}

/** Runs one dependency check with a timeout and measures it. */
export async function probe(check: () => Promise<unknown>, timeoutMs = 2000): Promise<CheckResult> {
  const t = process.hrtime.bigint();
  try {
    await withTimeout(check(), timeoutMs);
    return { status: 'up', latencyMs: Number(process.hrtime.bigint() - t) / 1e6 };
  } catch (e) {
    return { status: 'down', error: (e as Error).message };
  }
}

/**
 * Readiness of an app: every named dependency checked at once; 200 when all are up, else 503.
 * Controllers call it with their own dependencies, e.g. { postgres: () => ds.query('SELECT 1') }.
 */
export async function readiness(res: Response, checks: Record<string, () => Promise<unknown>>): Promise<{ status: 'up' | 'down'; checks: Record<string, CheckResult> }> {
  const names = Object.keys(checks);
  const results = await Promise.all(names.map((n) => probe(checks[n])));
  const up = results.every((r) => r.status === 'up');
  res.status(up ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
  return { status: up ? 'up' : 'down', checks: Object.fromEntries(names.map((n, i) => [n, results[i]])) };
}

/** A NATS connection check: closed is down, otherwise a round trip to the server. */
export function natsCheck(nc: { isClosed(): boolean; rtt(): Promise<number> }): () => Promise<unknown> {
  return async () => {
    if (nc.isClosed()) throw new Error('connection closed');
    return nc.rtt();
  };
}
