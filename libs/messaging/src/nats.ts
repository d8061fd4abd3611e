import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager, AckPolicy, DeliverPolicy, RetentionPolicy, StorageType, DiscardPolicy } from '@nats-io/jetstream';
import type { JetStreamManager } from '@nats-io/jetstream';
import type { ConsumerSpec, StreamSpec } from '@shekara/contracts';

export interface NatsSettings {
  servers: string[];
  /** Connection name shown by the server (monitoring, logs). */
  name: string;
  user?: string;
  pass?: string;
}

/**
 * Connects with settings fit for a service: reconnect forever, and no async stack traces — nats.js
 * otherwise builds an Error on every request/publish, which roughly halves throughput.
 */
export async function connectNats(s: NatsSettings): Promise<NatsConnection> {
  return connect({
    servers: s.servers,
    name: s.name,
    user: s.user,
    pass: s.pass,
    noAsyncTraces: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    waitOnFirstConnect: true,
  });
}

export interface StreamSettings {
  /** 1 on one server; 3 in the production cluster. */
  replicas: number;
  /** JetStream drops a publish whose Nats-Msg-Id it saw within this window. */
  duplicateWindowMs: number;
}

/** Creates or updates the streams (idempotent: safe at every boot of every node). */
export async function ensureStreams(jsm: JetStreamManager, specs: StreamSpec[], s: StreamSettings): Promise<void> {
  for (const spec of specs) {
    const config = {
      name: spec.name,
      subjects: spec.subjects,
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      discard: DiscardPolicy.Old,
      num_replicas: s.replicas,
      duplicate_window: s.duplicateWindowMs * 1_000_000,
      max_age: 30 * 24 * 3600 * 1_000_000_000,
    };
    try {
      await jsm.streams.info(spec.name);
      await jsm.streams.update(spec.name, config);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      await jsm.streams.add(config);
    }
  }
}

export interface ConsumerSettings {
  /** How long the server waits for an ack before redelivering. */
  ackWaitMs: number;
}

/** Creates the durable pull consumer if missing (explicit ack; redelivery limits are ours). */
export async function ensureConsumer(jsm: JetStreamManager, spec: ConsumerSpec, s: ConsumerSettings): Promise<void> {
  try {
    await jsm.consumers.info(spec.stream, spec.durable);
    await jsm.consumers.update(spec.stream, spec.durable, { ack_wait: s.ackWaitMs * 1_000_000, max_ack_pending: 10_000 });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await jsm.consumers.add(spec.stream, {
      durable_name: spec.durable,
      filter_subject: spec.filterSubject,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: s.ackWaitMs * 1_000_000,
      max_deliver: -1,
      max_ack_pending: 10_000,
    });
  }
}

export async function manager(nc: NatsConnection): Promise<JetStreamManager> {
  return jetstreamManager(nc);
}

function isNotFound(err: unknown): boolean {
  const e = err as { code?: unknown; api_error?: { err_code?: number }; message?: string };
  if (e?.api_error?.err_code === 10059 || e?.api_error?.err_code === 10014) return true;
  return /not found/i.test(String(e?.message ?? ''));
}
