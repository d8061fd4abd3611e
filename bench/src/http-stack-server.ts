/**
 * One side of the HTTP stack experiment (bench/src/http-stack.ts, issue #22 item 3: "a cheaper HTTP
 * path, Nest's Fastify adapter"): a Nest app with the node's send route and nothing behind it, on
 * Express (with the node's own `configureHttpApp`) or on Fastify (the same settings as Fastify hooks).
 * The route does what the node's does before the use case: a bearer guard, the JSON body, the
 * contract's validation of a send; it answers a view of the size the node's is. Run by the
 * benchmark, never by hand:
 *   node http-stack-server.js express|fastify '<authorization header>'
 * Prints `listening <port>` when it is ready.
 */
import { Body, Controller, Get, HttpCode, Injectable, Module, Post, Req, UnauthorizedException, UnprocessableEntityException, UseGuards, ValidationPipe } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { AppError, configureHttpApp, MAX_JSON_DEPTH, jsonDepth, keepIdleConnectionsLongerThanClients } from '@shekara/server';
import { validateSendMessageRequest } from '@shekara/contracts';

/** The authorization header the bench sends (its second argument). */
const BEARER = process.argv[3] ?? '';

/** Stands for the node's auth guard with a cached session: a header compared, a user attached. */
@Injectable()
class BearerGuard implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; user?: unknown }>();
    if (req.headers.authorization !== BEARER) throw new UnauthorizedException();
    req.user = { unitId: 'border.l4.CP-CN-A-01', roles: ['duty-officer'] };
    return true;
  }
}

@Controller()
class SendController {
  @Get('health/live')
  live() {
    return { status: 'ok' };
  }

  @Post('api/messages')
  @HttpCode(201)
  @UseGuards(BearerGuard)
  send(@Req() req: { user: { unitId: string } }, @Body() body: unknown) {
    const v = validateSendMessageRequest(body);
    if (!v.ok) throw new UnprocessableEntityException(v.errors);
    const id = randomUUID();
    const now = new Date().toISOString();
    // About the node's view of an accepted report (its id first, statuses per recipient).
    return {
      id,
      senderUnit: req.user.unitId,
      kind: 'daily',
      classification: v.value.classification,
      createdAt: now,
      recipients: v.value.recipientUnits.map((unit) => ({ unit, status: 'PENDING', updatedAt: now })),
      payload: body,
    };
  }
}

@Module({ controllers: [SendController], providers: [BearerGuard] })
class HttpStackModule {}

type Code = 'INVALID';
class ExperimentError extends AppError<Code> {
  constructor() {
    super('INVALID', { INVALID: { status: 400, en: 'Invalid input.', ru: 'Неверные данные.' } });
  }
}
const invalid = () => new ExperimentError();

async function main(): Promise<void> {
  const kind = process.argv[2];
  if ((kind !== 'express' && kind !== 'fastify') || !BEARER) throw new Error(`usage: http-stack-server.js express|fastify '<authorization header>' (got ${kind})`);
  let port: number;
  if (kind === 'express') {
    const app = await NestFactory.create<NestExpressApplication>(HttpStackModule, { logger: false, bodyParser: false });
    configureHttpApp(app, {
      bodyLimit: '1mb',
      webDir: join(process.cwd(), 'dist', 'web', 'desk'),
      invalidInput: invalid,
      databaseUnavailable: invalid,
      docs: { title: 'experiment', description: 'experiment' },
      requestTimer: () => undefined,
    });
    await app.listen(0, '127.0.0.1');
    keepIdleConnectionsLongerThanClients(app);
    port = (app.getHttpServer().address() as { port: number }).port;
  } else {
    const app = await NestFactory.create<NestFastifyApplication>(HttpStackModule, new FastifyAdapter({ bodyLimit: 1024 * 1024, keepAliveTimeout: 65_000 }), { logger: false });
    const f = app.getHttpAdapter().getInstance();
    // The same per-request work as the Express app's: a request timer, JSON nested too deep refused.
    f.addHook('onRequest', async (req) => {
      (req as unknown as { started: bigint }).started = process.hrtime.bigint();
    });
    f.addHook('onResponse', async (req, reply) => {
      void [req.method, req.routeOptions.url ?? 'other', reply.statusCode, Number(process.hrtime.bigint() - (req as unknown as { started: bigint }).started) / 1e9];
    });
    f.addHook('preValidation', async (req, reply) => {
      if (req.body && typeof req.body === 'object' && jsonDepth(req.body, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) await reply.code(400).send({ statusCode: 400, code: 'INVALID_BODY' });
    });
    app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true, stopAtFirstError: true }));
    await app.listen(0, '127.0.0.1');
    port = (app.getHttpServer().address() as { port: number }).port;
  }
  process.stdout.write(`listening ${port}\n`);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
