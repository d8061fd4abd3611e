import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { Clock, uuidv7 } from '@shekara/common';
import { checkPassword, hashPassword } from '@shekara/security';
import { AuthError, AuthErrorCode } from './auth.errors';
import type { AuthUser } from './auth.types';
import { AUTH_OPTIONS } from './auth.options';
import type { AuthModuleOptions } from './auth.options';
import { UserEntity } from './user.entity';
import type { Role } from './user.entity';

@Injectable()
export class AuthService {
  /** Checked when the user does not exist, so timing does not reveal which user names exist. */
  private dummyHash?: Promise<string>;

  constructor(
    private readonly jwt: JwtService,
    @Inject(AUTH_OPTIONS) private readonly options: AuthModuleOptions,
  ) {}

  private get clock(): Clock {
    return this.options.clock;
  }

  async login(username: string, password: string): Promise<{ accessToken: string; expiresIn: number; user: AuthUser }> {
    const user = await this.options.dataSource.getRepository(UserEntity).findOneBy({ username });
    this.dummyHash ??= hashPassword(randomUUID());
    const ok = await checkPassword(user?.passwordHash ?? (await this.dummyHash), password);
    await this.options.onSignIn?.({ username: username.slice(0, 100), unitId: user?.unitId, ok: !!user && ok });
    if (!user || !ok) throw new AuthError(AuthErrorCode.BadCredentials);
    const claims: AuthUser = { id: user.id, username: user.username, unitId: user.unitId, role: user.role };
    const accessToken = await this.jwt.signAsync({ sub: user.id, username: user.username, unit: user.unitId, role: user.role });
    return { accessToken, expiresIn: this.options.ttlSeconds, user: claims };
  }

  async verify(token: string): Promise<AuthUser> {
    try {
      const p = await this.jwt.verifyAsync<{ sub: string; username: string; unit: string; role: Role }>(token);
      return { id: p.sub, username: p.username, unitId: p.unit, role: p.role };
    } catch {
      throw new AuthError(AuthErrorCode.Unauthenticated);
    }
  }

  /** Creates or updates a user (idempotent by user name). The app decides which units it serves. */
  async upsertUser(u: { username: string; displayName: string; password: string; unitId: string; role: Role }): Promise<void> {
    const problem = this.options.checkUnit?.(u.unitId);
    if (problem) throw new AuthError(AuthErrorCode.UnknownUnit, problem);
    const passwordHash = await hashPassword(u.password);
    await this.options.dataSource.query(
      `INSERT INTO users (id, username, display_name, password_hash, unit_id, role, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (username) DO UPDATE SET display_name = EXCLUDED.display_name, password_hash = EXCLUDED.password_hash,
         unit_id = EXCLUDED.unit_id, role = EXCLUDED.role`,
      [uuidv7(this.clock), u.username, u.displayName, passwordHash, u.unitId, u.role, this.clock.now()],
    );
  }
}
