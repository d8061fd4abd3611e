import { Injectable, SetMetadata } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Role } from './user.entity';
import { AuthError, AuthErrorCode } from './auth.errors';
import { AuthService } from './auth.service';
import type { AuthUser } from './auth.types';

const ROLES_KEY = 'shekara:roles';
const PUBLIC_KEY = 'shekara:public';

/** Roles allowed to call a handler (default: any signed-in user). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
/** A handler anyone may call (sign-in, health, metrics). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export type AuthedRequest = Request & { user: AuthUser };

/** Global guard: a valid bearer token on every route not marked @Public, and the route's roles. */
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
    const header = req.headers.authorization ?? '';
    const queryToken = typeof req.query?.access_token === 'string' && req.headers.accept === 'text/event-stream' ? req.query.access_token : '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : queryToken;
    if (!token) throw new AuthError(AuthErrorCode.Unauthenticated);
    req.user = await this.auth.verify(token);
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(req.user.role)) throw new AuthError(AuthErrorCode.ForbiddenRole);
    return true;
  }
}
