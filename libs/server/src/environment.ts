import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

/** "true", "1", "yes" (any case) → true; for boolean environment variables. */
export const envBoolean = ({ value }: { value: unknown }) => (typeof value === 'string' ? ['1', 'true', 'yes'].includes(value.toLowerCase()) : value);

export const BoolEnv = () => Transform(envBoolean);

/**
 * Settings every Shekara service reads from its environment (each app's environment class extends
 * this one and adds its own): NATS, the bus prefix, HTTP, the directory, logging.
 */
export class ServiceEnvironment {
  /** Comma-separated for a cluster. */
  @IsString() NATS_URL: string = 'nats://127.0.0.1:4222';
  @IsOptional() @IsString() NATS_USER?: string;
  @IsOptional() @IsString() NATS_PASS?: string;
  /** Subjects and streams: see libs/contracts/src/subjects.ts. */
  @Matches(/^[a-z][a-z0-9_-]*$/) BUS_PREFIX: string = 'shekara';
  @IsString() HTTP_HOST: string = '127.0.0.1';
  @IsInt() @Min(0) @Max(65535) HTTP_PORT: number;
  /** The public directory (units, groups, public keys). */
  @IsString() DIRECTORY_PATH: string;
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) LOG_LEVEL: string = 'info';
}

/** The NATS connection settings of a validated environment. */
export function natsFromEnvironment(e: ServiceEnvironment): { servers: string[]; user?: string; pass?: string } {
  return { servers: e.NATS_URL.split(',').map((s) => s.trim()), user: e.NATS_USER, pass: e.NATS_PASS };
}
