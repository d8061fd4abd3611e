import { Injectable, SetMetadata } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Role } from './user.entity';
import { AuthError, AuthErrorCode } from './auth.errors';
import { AuthService } from './auth.service';
import type { AuthUser } from './auth.types';
import { readCookie } from './cookies';

const ROLES_KEY = 'shekara:roles';
const PUBLIC_KEY = 'shekara:public';
const MACHINE_KEY = 'shekara:machine';

/** Roles allowed to call a handler (default: any signed-in user). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
/** A handler anyone may call (sign-in, health, metrics). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
/**
 * A handler for machine clients (service accounts) only: a person's token is refused there, and a
 * machine client's token is refused everywhere else.
 */
export const MachineClients = () => SetMetadata(MACHINE_KEY, true);

export type AuthedRequest = Request & { user: AuthUser };

/** The bearer token of the Authorization header, if any. */
export function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization ?? '';
  return header.startsWith('Bearer ') ? header.slice(7) : undefined;
}

/**
 * Global guard: every route not marked @Public needs a bearer token (or, for a live-event stream,
 * which a browser opens without headers, the session cookie) and the route's roles. No token is ever
 * taken from the URL. Machine clients' tokens are accepted only on @MachineClients() routes, and only there.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly auth: AuthService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const token = bearerToken(req);
    if (token) req.user = await this.auth.verify(token);
    else if (req.method === 'GET' && req.headers.accept === 'text/event-stream') req.user = await this.auth.verifyCookie(readCookie(req, this.auth.cookieName));
    else throw new AuthError(AuthErrorCode.Unauthenticated);
    const machine = this.reflector.getAllAndOverride<boolean>(MACHINE_KEY, targets) ?? false;
    if (machine !== !!req.user.client) throw new AuthError(AuthErrorCode.ForbiddenRole, machine
          ? { en: 'Only machine clients (service accounts) call this.', ru: 'Это вызывают только машинные клиенты (служебные учётные записи).' }
          : { en: 'Machine clients call only the integration API.', ru: 'Машинные клиенты вызывают только API интеграции.' });
    if (machine) return true;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(req.user.role)) throw new AuthError(AuthErrorCode.ForbiddenRole);
    return true;
  }
}
