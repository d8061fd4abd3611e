import { createSecretKey } from 'node:crypto';
import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AUTH_OPTIONS } from './auth.options';
import type { AuthModuleOptions } from './auth.options';
import { AuthService } from './auth.service';

/**
 * Sign-in (POST /api/auth/login, argon2id passwords, HS256 JWT) and a global guard: every route
 * needs a bearer token unless marked @Public(), and the roles named by @Roles(). The secret is a
 * KeyObject made once: given a string, jsonwebtoken tries to parse it as a PEM key on every verify.
 */
@Module({})
export class AuthModule {
  static forRoot(options: AuthModuleOptions): DynamicModule {
    return {
      module: AuthModule,
      imports: [JwtModule.register({ secret: createSecretKey(Buffer.from(options.jwtSecret, 'utf8')), signOptions: { expiresIn: options.ttlSeconds, algorithm: 'HS256' }, verifyOptions: { algorithms: ['HS256'] } })],
      controllers: [AuthController],
      providers: [{ provide: AUTH_OPTIONS, useValue: options }, AuthService, { provide: APP_GUARD, useClass: AuthGuard }],
      exports: [AuthService],
    };
  }
}
