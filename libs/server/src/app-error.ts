import type { HttpStatus } from '@nestjs/common';

export interface FieldError {
  field: string;
  messages: string[];
  /** A code the consoles render in the user's language (with `params`), where the check has one. */
  code?: string;
  params?: Record<string, string>;
}

/** How one error code is answered: its HTTP status and its message to the user. */
export type ErrorTable<C extends string> = Record<C, { status: HttpStatus; message: string }>;

/**
 * Base of each module's single exception class: a code from the module's enum, mapped exhaustively
 * (by its table) to an HTTP status and a user message, with optional detail and field errors.
 */
export abstract class AppError<C extends string = string> extends Error {
  protected constructor(
    readonly code: C,
    private readonly table: ErrorTable<C>,
    readonly detail?: string,
    readonly fields?: FieldError[],
  ) {
    super(detail ? `${table[code].message} ${detail}` : table[code].message);
  }

  get status(): HttpStatus {
    return this.table[this.code].status;
  }

  body(): Record<string, unknown> {
    return { statusCode: this.status, code: this.code, message: this.message, ...(this.fields ? { errors: this.fields } : {}) };
  }
}
