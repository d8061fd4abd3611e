import { HttpException, HttpStatus } from '@nestjs/common';

export enum AuthErrorCode {
  BadCredentials = 'BAD_CREDENTIALS',
  Unauthenticated = 'UNAUTHENTICATED',
  ForbiddenRole = 'FORBIDDEN_ROLE',
  UnknownUnit = 'UNKNOWN_UNIT',
  /** Too many failed sign-ins for this user or from this address: locked for a while (Retry-After). */
  TooManyAttempts = 'TOO_MANY_ATTEMPTS',
  /** Too many sign-ins being checked at once: try again in a moment (Retry-After). */
  SignInBusy = 'SIGN_IN_BUSY',
  /** An administrator named a user this app does not have. */
  UnknownUser = 'UNKNOWN_USER',
}

/** Each code: its HTTP status and its message in Russian and English (the consoles render the code). */
export const AUTH_ERRORS: Record<AuthErrorCode, { status: HttpStatus; ru: string; en: string }> = {
  [AuthErrorCode.BadCredentials]: { status: HttpStatus.UNAUTHORIZED, ru: 'Неверное имя пользователя или пароль.', en: 'Wrong user name or password.' },
  [AuthErrorCode.Unauthenticated]: { status: HttpStatus.UNAUTHORIZED, ru: 'Войдите в систему: нужен действующий сеанс.', en: 'Sign in first: a valid session is required.' },
  [AuthErrorCode.ForbiddenRole]: { status: HttpStatus.FORBIDDEN, ru: 'Ваша роль не допускает этого действия.', en: 'Your role does not allow this action.' },
  [AuthErrorCode.UnknownUnit]: { status: HttpStatus.BAD_REQUEST, ru: 'Это приложение не обслуживает такое подразделение.', en: 'This application does not serve that unit.' },
  [AuthErrorCode.TooManyAttempts]: {
    status: HttpStatus.TOO_MANY_REQUESTS,
    ru: 'Слишком много неудачных попыток входа. Вход временно заблокирован; повторите позже.',
    en: 'Too many failed sign-in attempts. Sign-in is locked for a while; try again later.',
  },
  [AuthErrorCode.UnknownUser]: { status: HttpStatus.NOT_FOUND, ru: 'Такого пользователя нет.', en: 'There is no such user.' },
  [AuthErrorCode.SignInBusy]: { status: HttpStatus.TOO_MANY_REQUESTS, ru: 'Сервер проверяет слишком много входов сразу; повторите через секунду.', en: 'Too many sign-ins are being checked at once; try again in a second.' },
};

/** Authentication and authorisation refusals; an HttpException, so every app's filter renders it. */
export class AuthError extends HttpException {
  constructor(
    readonly code: AuthErrorCode,
    /** More than the code's message says, in both languages. */
    detail?: { en: string; ru: string },
    /** Seconds the client should wait (sent as Retry-After by the auth controller). */
    readonly retryAfterS?: number,
  ) {
    const entry = AUTH_ERRORS[code];
    const message = detail ? `${entry.en} ${detail.en}` : entry.en;
    const localized = { en: message, ru: detail ? `${entry.ru} ${detail.ru}` : entry.ru };
    super({ statusCode: entry.status, code, message, localized, ...(retryAfterS ? { retryAfter: retryAfterS } : {}) }, entry.status);
  }
}
