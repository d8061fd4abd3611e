import { connect, nkeyAuthenticator } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { ProvisionedBus } from '@shekara/bus-topology';
import type { IdentityEntry } from '@shekara/bus-topology';

export interface BusConnection {
  nc: NatsConnection;
  identity: IdentityEntry;
  /** The JetStream domain of the identity's own streams (undefined: its account has none). */
  jetstreamDomain?: string;
}

export interface ConnectBusOptions {
  /** Retry the first connection and reconnect forever (services); tests and `bus check` say no. */
  persistent?: boolean;
  /** Overrides the identity's seed (the matrix test connects with a wrong one). */
  seed?: Uint8Array;
  timeoutMs?: number;
}

/**
 * Connects as one provisioned identity: its nkey seed, TLS verified against the provisioning CA, its
 * own inbox prefix (the only replies it may read), to its own server (agency leaf or the hub).
 */
export async function connectBus(bus: ProvisionedBus, identity: string, o: ConnectBusOptions = {}): Promise<BusConnection> {
  const id = bus.identity(identity);
  const persistent = o.persistent ?? true;
  const nc = await connect({
    servers: [bus.url(id.server)],
    name: identity,
    authenticator: nkeyAuthenticator(o.seed ?? bus.seed(identity)),
    tls: { caFile: bus.path(bus.manifest.caFile) },
    inboxPrefix: id.inboxPrefix,
    noAsyncTraces: true,
    timeout: o.timeoutMs ?? 5000,
    maxReconnectAttempts: persistent ? -1 : 0,
    reconnect: persistent,
    reconnectTimeWait: 500,
    waitOnFirstConnect: persistent,
  });
  return { nc, identity: id, jetstreamDomain: id.jetstreamDomain };
}
