import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { ProvisionedBus, type IdentityEntry } from '@shekara/bus-topology';
import { ConfigError } from '@shekara/common';
import type { BusSettings } from '@shekara/messaging';

/** "true", "1", "yes" (any case) → true; for boolean environment variables. */
/**
 * A boolean variable from its raw string (`obj[key]`: with implicit conversion, `value` is already
 * `Boolean("false")`, i.e. true): true/yes/1 or false/no/0; anything else stays a string, which
 * @IsBoolean refuses.
 */
export const envBoolean = ({ value, obj, key }: { value: unknown; obj?: Record<string, unknown>; key?: string }) => {
  const raw = obj && key !== undefined && key in obj ? obj[key] : value;
  if (typeof raw !== 'string') return raw;
  const v = raw.trim().toLowerCase();
  return ['1', 'true', 'yes'].includes(v) ? true : ['0', 'false', 'no'].includes(v) ? false : raw;
};

export const BoolEnv = () => Transform(envBoolean);

/**
 * Settings every Shekara service reads from its environment (each app's environment class extends
 * this one and adds its own): NATS, the bus prefix, HTTP, the directory, logging.
 */
export class ServiceEnvironment {
  /**
   * The provisioning output (`shekara bus provision --out <dir>`): the manifest, the CA certificate
   * and this service's nkey seed. Every deployment uses it; see docs/bus.md.
   */
  @IsOptional() @IsString() BUS_DIR?: string;
  /** The identity this process connects as (default: the service's own, e.g. `border-node`). */
  @IsOptional() @Matches(/^[a-z][a-z0-9-]{0,40}$/) BUS_IDENTITY?: string;
  /**
   * A plain NATS server without accounts (comma-separated for a cluster), instead of BUS_DIR: only
   * tests that need a plain server and the bench's A leg use it; nothing is isolated there.
   */
  @IsOptional() @IsString() NATS_URL?: string;
  @IsOptional() @IsString() NATS_USER?: string;
  @IsOptional() @IsString() NATS_PASS?: string;
  /** Subjects and streams: see libs/contracts/src/subjects.ts. */
  @Matches(/^[a-z][a-z0-9_-]*$/) BUS_PREFIX: string = 'shekara';
  @IsString() HTTP_HOST: string = '127.0.0.1';
  @IsInt() @Min(0) @Max(65535) HTTP_PORT: number;
  /** The public directory (units, groups, public keys): a signed document. */
  @IsString() DIRECTORY_PATH: string;
  /** base64 of the directory authority's raw Ed25519 public key: the directory must be signed with it (every service refuses to start otherwise). */
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'must be base64 of a 32-byte Ed25519 public key (the contents of directory-authority.pub)' })
  DIRECTORY_AUTHORITY_KEY: string;
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) LOG_LEVEL: string = 'info';
}

/**
 * The bus settings of a validated environment: exactly one of BUS_DIR (provisioned, checked now: the
 * manifest loads, the identity is in it and `accept` takes it, its seed is readable) or NATS_URL.
 * Throws a ConfigError naming the setting otherwise.
 */
export function busFromEnvironment(e: ServiceEnvironment, defaultIdentity: string, accept: (entry: IdentityEntry, bus: ProvisionedBus) => string | undefined = () => undefined): BusSettings {
  const identity = e.BUS_IDENTITY ?? defaultIdentity;
  if (e.BUS_DIR && e.NATS_URL) throw new ConfigError(['BUS_DIR and NATS_URL are both set: give BUS_DIR (the provisioned bus) only']);
  if (e.NATS_URL) return { kind: 'plain', servers: e.NATS_URL.split(',').map((s) => s.trim()), user: e.NATS_USER, pass: e.NATS_PASS, identity };
  if (!e.BUS_DIR) throw new ConfigError(['BUS_DIR is missing: the provisioned bus directory (npx shekara bus provision --out var/bus); see docs/bus.md']);
  let entry: IdentityEntry;
  let bus: ProvisionedBus;
  try {
    bus = ProvisionedBus.load(e.BUS_DIR);
    entry = bus.identity(identity);
    bus.seed(identity);
  } catch (err) {
    throw new ConfigError([`BUS_DIR ${e.BUS_DIR} / BUS_IDENTITY ${identity}: ${(err as Error).message}`]);
  }
  const refused = accept(entry, bus);
  if (refused) throw new ConfigError([`BUS_IDENTITY ${identity}: ${refused}`]);
  return { kind: 'provisioned', dir: e.BUS_DIR, identity };
}

/**
 * The replicas of the service's own streams (STREAM_REPLICAS, else derived): on the provisioned
 * topology as many as servers hold the identity's JetStream domain (a cluster's members, at most
 * 3), and more than that is refused; on a plain server as configured, else 1.
 */
export function streamReplicasFromEnvironment(bus: BusSettings, configured?: number): number {
  if (bus.kind !== 'provisioned') return configured ?? 1;
  try {
    return ProvisionedBus.load(bus.dir).streamReplicas(bus.identity, configured) ?? configured ?? 1;
  } catch (err) {
    throw new ConfigError([(err as Error).message]);
  }
}
