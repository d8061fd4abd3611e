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

/** An element of a bus message (a bundle's envelope) that can never be accepted, with the reason. */
export interface RefusedPart {
  /** Its place in the message (0-based). */
  index: number;
  data: Uint8Array;
  reason: string;
}

/**
 * What a bus handler returns when it accepted a message only in part (a bundle whose other
 * envelopes are stored): the transport dead-letters each refused element on its own (with its place
 * in the message), then acks the message. Should a dead letter not be published, the message is
 * nak'ed and handled again (the handler's storing is idempotent; the dead letters' ids are the same).
 */
export class PartlyRefused {
  constructor(readonly refused: RefusedPart[]) {}
}
