import { AsyncLocalStorage } from 'node:async_hooks';
import type { LoggerService } from '@nestjs/common';
import pino from 'pino';
import type { Logger as Pino } from 'pino';

/** Fields every log line written inside a context carries (message and correlation ids). */
export interface LogContext {
  messageId?: string;
  correlationId?: string;
  requestId?: string;
}

const storage = new AsyncLocalStorage<LogContext>();

/** Runs fn with fields added to every log line written within it (also across awaits). */
export function withLogContext<T>(ctx: LogContext, fn: () => T): T {
  return storage.run({ ...storage.getStore(), ...ctx }, fn);
}

export function currentLogContext(): LogContext | undefined {
  return storage.getStore();
}

/**
 * Standard output, written in chunks: lines are buffered up to 4 KiB or `LOG_FLUSH_MS`, whichever
 * comes first, and flushed synchronously at exit, so that logging does not cost a thread-pool round
 * trip and a wake-up of the event loop per line. A kill -9 loses
 * the lines of at most the last LOG_FLUSH_MS; what the exchange must not lose is in the database.
 * One per process, shared by its loggers.
 */
let stdout: pino.DestinationStream | undefined;

function bufferedStdout(): pino.DestinationStream {
  stdout ??= openBufferedStdout();
  return stdout;
}

function openBufferedStdout(): pino.DestinationStream {
  const dest = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  setInterval(() => {
    try {
      dest.flush();
    } catch {
      /* a write in progress: the next interval */
    }
  }, LOG_FLUSH_MS).unref();
  process.once('exit', () => {
    try {
      dest.flushSync();
    } catch {
      /* nothing to flush, or stdout is gone */
    }
  });
  return dest;
}

/** Most time a log line waits in the buffer of standard output. */
export const LOG_FLUSH_MS = 100;

/** Structured JSON logs (one object a line) for every app, via pino. */
export class JsonLogger implements LoggerService {
  readonly pino: Pino;

  constructor(service: string, level: string = 'info', destination?: pino.DestinationStream) {
    this.pino = pino(
      {
        level,
        base: { service },
        timestamp: pino.stdTimeFunctions.isoTime,
        messageKey: 'msg',
        formatters: { level: (label) => ({ level: label }) },
        mixin: () => ({ ...storage.getStore() }),
      },
      destination ?? bufferedStdout(),
    );
  }

  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal', message: unknown, rest: unknown[]): void {
    const context = typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const fields: Record<string, unknown> = context ? { context } : {};
    if (level === 'error' && typeof rest[0] === 'string') fields.stack = rest[0];
    if (message instanceof Error) {
      this.pino[level]({ ...fields, err: message }, message.message);
    } else if (message && typeof message === 'object') {
      this.pino[level]({ ...fields, ...(message as object) });
    } else {
      this.pino[level](fields, String(message));
    }
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }
}
