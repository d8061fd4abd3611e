import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { HttpStatus } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';

/** Serves a built single-page console from dir (if it exists), with index.html for its client-side routes. */
export function serveConsole(app: NestExpressApplication, dir: string): void {
  const root = resolve(dir);
  if (!existsSync(join(root, 'index.html'))) return;
  app.useStaticAssets(root, { index: false, maxAge: '1h', setHeaders: (res, path) => path.endsWith('.html') && res.setHeader('Cache-Control', 'no-cache') });
  app.use((req: Request, res: Response, next: NextFunction) => {
    const api = /^\/(api|health|metrics)(\/|$)/.test(req.path);
    if (req.method !== 'GET' || api || !req.accepts('html')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(join(root, 'index.html'));
  });
}

/** Deepest nesting of objects and arrays a JSON body may have: the contract's messages need far less. */
export const MAX_JSON_DEPTH = 32;

/** How deep `value` nests objects and arrays, counted up to `limit + 1` at most (iteratively: no recursion). */
export function jsonDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    deepest = Math.max(deepest, d);
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (child !== null && typeof child === 'object') stack.push([child, d + 1]);
  }
  return deepest;
}

/**
 * Refuses a JSON body nested deeper than MAX_JSON_DEPTH right after it is parsed, before anything
 * transforms or validates it (a 20,000-deep object overflowed the stack there: a 500).
 */
export function refuseDeepJson(req: Request, res: Response, next: NextFunction): void {
  if (req.body && typeof req.body === 'object' && jsonDepth(req.body, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    res.status(HttpStatus.BAD_REQUEST).json({ statusCode: 400, code: 'INVALID_BODY', message: `The request body is nested deeper than ${MAX_JSON_DEPTH} levels.`, errors: [] });
    return;
  }
  next();
}

/**
 * Answers body-parser failures (too large: 413, not JSON: 400) as JSON: they happen before Nest's
 * routing, so no exception filter sees them. Register right after the body parser.
 */
export function bodyParserErrors(limit: string) {
  return (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    const e = err as { type?: string };
    if (e?.type === 'entity.too.large') return res.status(HttpStatus.PAYLOAD_TOO_LARGE).json({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE', message: `The request body is larger than ${limit}.` });
    if (e?.type === 'entity.parse.failed') return res.status(HttpStatus.BAD_REQUEST).json({ statusCode: 400, code: 'INVALID_BODY', message: 'The request body is not valid JSON.', errors: [] });
    next(err);
  };
}
