import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import type { Request, Response } from 'express';
import { AuthError } from './auth.errors';
import { AuthService } from './auth.service';
import type { Grant } from './auth.service';
import { Public, bearerToken } from './auth.guard';
import { clearSessionCookie, readCookie, setSessionCookie } from './cookies';

export class LoginBody {
  @ApiProperty({ example: 'border.duty' }) @IsString() @MinLength(1) @MaxLength(100) username: string;
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(200) password: string;
}

/** Sends Retry-After for a throttled or busy sign-in, then lets the error through to the app's filter. */
function withRetryAfter(res: Response, err: unknown): never {
  if (err instanceof AuthError && err.retryAfterS) res.setHeader('Retry-After', String(err.retryAfterS));
  throw err;
}

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in: opens a session for the shift (httpOnly cookie) and returns a short access token (JWT)' })
  async login(@Body() body: LoginBody, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<Grant> {
    const { session, ...grant } = await this.auth.login(body.username, body.password, req.ip ?? req.socket.remoteAddress ?? '').catch((e) => withRetryAfter(res, e));
    setSessionCookie(req, res, this.auth.cookieName, session, this.auth.sessionTtlSeconds);
    return grant;
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'A new access token for the session in the cookie (every tab of the browser shares one sign-in)' })
  refresh(@Req() req: Request): Promise<Grant> {
    return this.auth.refresh(readCookie(req, this.auth.cookieName));
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'Sign out: ends the session (cookie and token alike)' })
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.auth.logout(readCookie(req, this.auth.cookieName), bearerToken(req));
    clearSessionCookie(req, res, this.auth.cookieName);
  }
}
