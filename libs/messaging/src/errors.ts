import { Catch } from '@nestjs/common';
import type { RpcExceptionFilter } from '@nestjs/common';
import { throwError } from 'rxjs';
import type { Observable } from 'rxjs';

/**
 * Thrown by a bus handler when a message can never be accepted (bad signature, bad schema, not
 * addressed here). The transport dead-letters it with this reason at once instead of retrying.
 */
export class PermanentMessageError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'PermanentMessageError';
  }
}

/**
 * The exception filter of the bus and RPC transports: hands every error back to the transport as it
 * was thrown, so the transport decides (dead letter, retry, error reply). Nest's default filter
 * would replace it with a generic "Internal server error" object.
 */
@Catch()
export class PassThroughErrors implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}
