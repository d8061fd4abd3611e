import { ValidationPipe } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { ValidationError } from 'class-validator';
import { constraintCodes } from '@shekara/contracts';
import type { AppError, FieldError } from './app-error';
import { bodyParserErrors, refuseDeepJson, serveConsole } from './console';
import { HttpExceptionFilter } from './http-exception.filter';

/** Field errors in the same shape as the contract validator's (one per failed constraint, with its code), from class-validator errors. */
export function fieldErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = constraintCodes(e).map((c) => ({ field, messages: [c.message], code: c.code, ...(c.params ? { params: c.params } : {}) }));
    return [...own, ...fieldErrors(e.children ?? [], field)];
  });
}

export interface HttpAppOptions {
  /** Largest JSON body (larger: 413). */
  bodyLimit: string;
  /** The built web console served at / (if present). */
  webDir: string;
  /** The app's error for invalid input (400 with field errors). */
  invalidInput: (fields: FieldError[]) => AppError;
  /** The app's error for "the database is away" (503). */
  databaseUnavailable: () => AppError;
  docs: { title: string; description: string };
  /**
   * Told of every answered request: method, route pattern (`other` when no route matched), status
   * and seconds from the request reaching the app's first middleware to its response finished.
   */
  requestTimer?: (method: string, route: string, status: number, seconds: number) => void;
}

/**
 * The HTTP plumbing every Shekara app shares: JSON body limit with clear 413/400 answers, the web
 * console, the exception filter (known errors, 503 for a database outage, error ids for the rest),
 * validation of every DTO (unknown fields refused), shutdown hooks, OpenAPI at /api/docs.
 */
export function configureHttpApp(app: NestExpressApplication, o: HttpAppOptions): void {
  const timer = o.requestTimer;
  if (timer) {
    app.use((req: { method: string; route?: { path?: unknown } }, res: { statusCode: number; once(e: 'finish', f: () => void): void }, next: () => void) => {
      const started = process.hrtime.bigint();
      res.once('finish', () => timer(req.method, typeof req.route?.path === 'string' ? req.route.path : 'other', res.statusCode, Number(process.hrtime.bigint() - started) / 1e9));
      next();
    });
  }
  app.useBodyParser('json', { limit: o.bodyLimit });
  app.use(bodyParserErrors(o.bodyLimit));
  app.use(refuseDeepJson);
  serveConsole(app, o.webDir);
  app.useGlobalFilters(new HttpExceptionFilter(o.databaseUnavailable));
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      // One error per field (its first), as the contract validator answers.
      stopAtFirstError: true,
      exceptionFactory: (errors) => o.invalidInput(fieldErrors(errors)),
    }),
  );
  app.enableShutdownHooks();
  const doc = new DocumentBuilder().setTitle(o.docs.title).setDescription(o.docs.description).setVersion('1').addBearerAuth().build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, doc));
}

/** The last page a listing may be asked for: a bigger number only makes an absurd OFFSET (1e308 was OFFSET Infinity, a 500). */
export const MAX_PAGE = 100_000;
