import type { NatsConnection } from '@nats-io/transport-node';
import { ProvisionedBus, type IdentityEntry } from '@shekara/bus-topology';
import { connectBus } from './bus';
import { connectNats } from './nats';

/**
 * Where a service's bus connections go and as whom (validated once at boot):
 * - `provisioned`: the per-agency topology (docs/bus.md): the identity's nkey seed, the provisioning
 *   CA, its own server (agency leaf or hub). What every deployment uses.
 * - `plain`: one server without accounts (NATS_URL). Only for tests that explicitly need a plain
 *   server and for the bench's A leg (old shared server vs new topology); nothing is isolated there.
 * Both use the same subjects and streams (BusNames); `identity` is the `from.<caller>` token a
 * service's RPC requests carry (the server routes it in the provisioned mode).
 */
export type BusSettings =
  | { kind: 'provisioned'; dir: string; identity: string }
  | { kind: 'plain'; servers: string[]; user?: string; pass?: string; identity: string };

/** Opens connections for one identity (each service opens a few: API, consumers, RPC). */
export class BusEndpoint {
  private constructor(
    readonly settings: BusSettings,
    readonly bus?: ProvisionedBus,
  ) {}

  static of(settings: BusSettings): BusEndpoint {
    return settings.kind === 'provisioned' ? new BusEndpoint(settings, ProvisionedBus.load(settings.dir)) : new BusEndpoint(settings);
  }

  get identity(): string {
    return this.settings.identity;
  }

  /** The identity's manifest entry (provisioned mode only). */
  entry(): IdentityEntry | undefined {
    return this.bus?.identity(this.settings.identity);
  }

  /** A new connection (reconnects for ever); `name` is shown by the server's monitoring. */
  async connect(name: string): Promise<NatsConnection> {
    const s = this.settings;
    if (s.kind === 'provisioned') return (await connectBus(this.bus!, s.identity, { name })).nc;
    return connectNats({ servers: s.servers, user: s.user, pass: s.pass, name });
  }
}
