import type { Request, Response } from 'express';

/** The value of one cookie of the request (no cookie-parser middleware needed for one name). */
export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}

/** The session cookie: httpOnly, same-site only, sent to the API alone; Secure when served over TLS. */
export function setSessionCookie(req: Request, res: Response, name: string, value: string, maxAgeS: number): void {
  res.cookie(name, value, { httpOnly: true, sameSite: 'strict', path: '/api', secure: req.secure, maxAge: maxAgeS * 1000 });
}

export function clearSessionCookie(req: Request, res: Response, name: string): void {
  res.clearCookie(name, { httpOnly: true, sameSite: 'strict', path: '/api', secure: req.secure });
}
