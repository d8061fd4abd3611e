import { Injectable } from '@nestjs/common';
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { catchError, concatMap, from, map, throwError } from 'rxjs';
import type { Observable } from 'rxjs';
import type { AuthedRequest } from '@shekara/auth';
import { AuditAction } from '../audit';
import { ClientAccounts } from './clients.service';

/**
 * Every call of the machine-client API is written to the audit log with the system's identity, the
 * route and the outcome (the status; a report sent names its message). A call refused before it
 * reaches the API (no valid token, over the rate limit) is not.
 */
@Injectable()
export class ClientCallAudit implements NestInterceptor {
  constructor(private readonly clients: ClientAccounts) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const res = ctx.switchToHttp().getResponse<Response>();
    const record = (status: number, messageId?: string) =>
      this.clients.record([
        {
          actor: req.user.username,
          action: AuditAction.ClientCall,
          messageId,
          units: req.user.client?.units,
          details: { method: req.method, path: (req.route as { path?: string } | undefined)?.path ?? req.path, status },
        },
      ]);
    return next.handle().pipe(
      concatMap((value) => from(record(res.statusCode, (value as { id?: string } | undefined)?.id)).pipe(map(() => value))),
      catchError((err: { status?: number }) => from(record(typeof err?.status === 'number' ? err.status : 500)).pipe(concatMap(() => throwError(() => err)))),
    );
  }
}
