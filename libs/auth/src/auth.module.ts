import { createSecretKey } from 'node:crypto';
import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AUTH_OPTIONS } from './auth.options';
import { assertPrivateSecret } from './auth.options';
import type { AuthModuleOptions } from './auth.options';
import { AuthService } from './auth.service';
import { UsersController } from './users.controller';

/**
 * Sign-in (POST /api/auth/login, argon2id passwords; a session per shift in an httpOnly cookie, short
 * HS256 access tokens with iss/aud/exp; refresh, logout) and a global guard: every route needs a
 * valid token unless marked @Public(), and the roles named by @Roles(). Start-up refuses a JWT
 * secret published in the repository. The secret is a
 * KeyObject made once: given a string, jsonwebtoken tries to parse it as a PEM key on every verify.
 */
@Module({})
export class AuthModule {
  static forRoot(options: AuthModuleOptions): DynamicModule {
    assertPrivateSecret(options.jwtSecret);
    return {
      module: AuthModule,
      // Global: features that issue tokens to machine clients (the node's integration module) use AuthService.
      global: true,
      imports: [JwtModule.register({ secret: createSecretKey(Buffer.from(options.jwtSecret, 'utf8')), signOptions: { expiresIn: options.ttlSeconds, algorithm: 'HS256', issuer: options.issuer, audience: options.issuer }, verifyOptions: { algorithms: ['HS256'], issuer: options.issuer, audience: options.issuer } })],
      controllers: [AuthController, UsersController],
      providers: [{ provide: AUTH_OPTIONS, useValue: options }, AuthService, { provide: APP_GUARD, useClass: AuthGuard }],
      exports: [AuthService],
    };
  }
}
