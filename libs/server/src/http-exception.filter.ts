import { Catch, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { isDatabaseUnavailable } from '@shekara/persistence';
import { AppError, requestLanguage } from './app-error';
import type { Language } from './app-error';

/**
 * Known errors map to their status and message; a database outage is a 503 (never a 500);
 * anything unexpected gets an opaque error id in the response and is logged with its full cause.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly log = new Logger('HttpExceptionFilter');

  /** databaseUnavailable: the app's own error for "the database is away". */
  constructor(private readonly databaseUnavailable: () => AppError) {}

  catch(err: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw err;
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    const language = requestLanguage(host.switchToHttp().getRequest<Request>().headers?.['accept-language']);
    if (err instanceof AppError) {
      if (err.retryAfterS) res.setHeader('Retry-After', String(Math.ceil(err.retryAfterS)));
      res.status(err.status).json(err.body(language));
      return;
    }
    if (err instanceof HttpException) {
      const body = err.getResponse();
      res.status(err.getStatus()).json(typeof body === 'string' ? { statusCode: err.getStatus(), message: body } : localize(body as Record<string, unknown>, language));
      return;
    }
    if (isDatabaseUnavailable(err)) {
      const e = this.databaseUnavailable();
      this.log.warn({ msg: 'database unavailable', error: String((err as Error)?.message ?? err) });
      res.setHeader('Retry-After', '5');
      res.status(e.status).json(e.body(language));
      return;
    }
    const errorId = randomUUID();
    this.log.error({ msg: 'unexpected error', errorId, err });
    const message = language === 'ru' ? 'Непредвиденная ошибка; сообщите администратору её номер.' : 'Unexpected error; quote the error id to the administrator.';
    res.status(HttpStatus.INTERNAL_SERVER_ERROR).json({ statusCode: 500, code: 'INTERNAL', message, errorId });
  }
}

/**
 * An HttpException body may carry its message in both languages (`localized`, as AuthError does,
 * from libs that do not extend AppError): the user's one becomes `message`.
 */
function localize(body: Record<string, unknown>, language: Language): Record<string, unknown> {
  const localized = body.localized as Partial<Record<Language, string>> | undefined;
  if (!localized || typeof localized[language] !== 'string') return body;
  const { localized: _omit, ...rest } = body;
  return { ...rest, message: localized[language] };
}
