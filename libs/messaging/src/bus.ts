import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { ownJetStreams, type IdentityEntry, type OwnJetStream, type ProvisionedBus } from '@shekara/bus-topology';
import { ensureConsumer, ensureStreams, type ConsumerSettings, type StreamSettings } from './nats';
import { nativeNkeyAuthenticator } from './nkey-auth';

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
  /** Connection name shown by the server's monitoring (default: the identity). */
  name?: string;
}

/**
 * Connects as one provisioned identity: its nkey seed, TLS verified against the provisioning CA, its
 * own inbox prefix (the only replies it may read), to its own server (agency leaf or the hub; every
 * member of it when clustered).
 */
export async function connectBus(bus: ProvisionedBus, identity: string, o: ConnectBusOptions = {}): Promise<BusConnection> {
  const id = bus.identity(identity);
  const persistent = o.persistent ?? true;
  const nc = await connect({
    // Every process of its server (each member of a clustered one): a member killed, it reconnects to another.
    servers: bus.urls(id.server),
    name: o.name ?? identity,
    authenticator: nativeNkeyAuthenticator(o.seed ?? bus.seed(identity)),
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

/**
 * Creates or updates the connected identity's own streams and consumers, in its own account and
 * domain (an agency node: its inbox and dead letters; the supervisor: the audit stream). Identities
 * that own none (scheduler, operator) get an empty list back.
 */
export async function ensureOwnStreams(bus: ProvisionedBus, conn: BusConnection, streams: StreamSettings, consumers: ConsumerSettings): Promise<OwnJetStream | undefined> {
  const own = ownJetStreams(bus.topology).find((o) => o.account === conn.identity.account);
  if (!own) return undefined;
  const jsm = await jetstreamManager(conn.nc);
  await ensureStreams(jsm, own.streams, streams);
  for (const c of own.consumers) await ensureConsumer(jsm, c, consumers);
  return own;
}
