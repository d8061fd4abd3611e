import { HttpException, HttpStatus } from '@nestjs/common';

export enum AuthErrorCode {
  BadCredentials = 'BAD_CREDENTIALS',
  Unauthenticated = 'UNAUTHENTICATED',
  ForbiddenRole = 'FORBIDDEN_ROLE',
  UnknownUnit = 'UNKNOWN_UNIT',
}

const TABLE: Record<AuthErrorCode, { status: HttpStatus; message: string }> = {
  [AuthErrorCode.BadCredentials]: { status: HttpStatus.UNAUTHORIZED, message: 'Wrong user name or password.' },
  [AuthErrorCode.Unauthenticated]: { status: HttpStatus.UNAUTHORIZED, message: 'Sign in first: a valid bearer token is required.' },
  [AuthErrorCode.ForbiddenRole]: { status: HttpStatus.FORBIDDEN, message: 'Your role does not allow this action.' },
  [AuthErrorCode.UnknownUnit]: { status: HttpStatus.BAD_REQUEST, message: 'This application does not serve that unit.' },
};

/** Authentication and authorisation refusals; an HttpException, so every app's filter renders it. */
export class AuthError extends HttpException {
  constructor(
    readonly code: AuthErrorCode,
    detail?: string,
  ) {
    const entry = TABLE[code];
    const message = detail ? `${entry.message} ${detail}` : entry.message;
    super({ statusCode: entry.status, code, message }, entry.status);
  }
}
