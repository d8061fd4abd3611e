import { Injectable } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import type { AuthedRequest } from '@shekara/auth';
import { Clock } from '@shekara/common';
import { NodeError, NodeErrorCode } from '../core';
import { ClientAccounts, DEFAULT_RATE_PER_MINUTE } from './clients.service';
import { RateLimiter } from './rate-limit';

/** How long an account's rate setting is believed without reading it again. */
const RATE_TTL_MS = 5_000;

/** Rate limit per service account (after the auth guard): over it, 429 with Retry-After, nothing done. */
@Injectable()
export class ClientRateGuard implements CanActivate {
  private readonly limiter: RateLimiter;
  private readonly rates = new Map<string, { perMinute: number; until: number }>();

  constructor(
    private readonly clients: ClientAccounts,
    private readonly clock: Clock,
  ) {
    this.limiter = new RateLimiter(clock);
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const wait = this.limiter.take(req.user.id, await this.perMinute(req.user.id));
    if (wait > 0) throw new NodeError(NodeErrorCode.RateLimited, undefined, undefined, wait);
    return true;
  }

  private async perMinute(id: string): Promise<number> {
    const now = this.clock.now().getTime();
    const hit = this.rates.get(id);
    if (hit && hit.until > now) return hit.perMinute;
    const perMinute = (await this.clients.account(id))?.rate_per_minute ?? DEFAULT_RATE_PER_MINUTE;
    if (this.rates.size > 10_000) this.rates.clear();
    this.rates.set(id, { perMinute, until: now + RATE_TTL_MS });
    return perMinute;
  }
}
