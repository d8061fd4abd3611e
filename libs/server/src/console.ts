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
