import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of an agency node (served at /metrics). */
@Injectable()
export class NodeMetrics {
  readonly registry = new Registry();
  readonly sent = new Counter({ name: 'shekara_messages_sent_total', help: 'Messages accepted from duty desks', labelNames: ['kind'], registers: [this.registry] });
  readonly published = new Counter({ name: 'shekara_envelopes_published_total', help: 'Envelope publications to JetStream (including re-sends)', registers: [this.registry] });
  readonly bundled = new Counter({ name: 'shekara_bus_messages_saved_total', help: 'Bus messages saved by bundling: envelopes and receipts published inside a bundle, less the bundles', registers: [this.registry] });
  readonly received = new Counter({ name: 'shekara_messages_received_total', help: 'Messages stored in the inbox (first delivery only)', labelNames: ['kind'], registers: [this.registry] });
  readonly duplicates = new Counter({ name: 'shekara_messages_duplicate_total', help: 'Deliveries of messages already stored', registers: [this.registry] });
  readonly delivered = new Counter({ name: 'shekara_messages_delivered_total', help: 'Delivery receipts recorded for sent messages', labelNames: ['outcome'], registers: [this.registry] });
  readonly deadLettered = new Counter({ name: 'shekara_messages_dead_lettered_total', help: 'Bus messages dead-lettered by this node', registers: [this.registry] });
  readonly rejectedUnverified = new Counter({
    name: 'shekara_messages_unverified_total',
    help: 'Bus messages dead-lettered whose signature or key did not verify (forged, tampered, revoked or expired key): an alert',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly directoryVersion = new Gauge({ name: 'shekara_directory_version', help: 'Version of the signed directory in use', registers: [this.registry] });
  readonly directoryReloads = new Counter({ name: 'shekara_directory_reloads_total', help: 'Directory versions loaded or refused', labelNames: ['outcome', 'reason'], registers: [this.registry] });
  readonly outboxDepth = new Gauge({ name: 'shekara_outbox_depth', help: 'Outbox rows not yet done', labelNames: ['kind'], registers: [this.registry] });
  readonly consumerLag = new Gauge({ name: 'shekara_consumer_lag', help: 'Messages pending for the inbox consumer', registers: [this.registry] });
  readonly logAppended = new Counter({ name: 'shekara_tlog_appended_total', help: 'Leaves appended to the transparency log', labelNames: ['kind', 'direction'], registers: [this.registry] });
  readonly logAppendFailures = new Counter({ name: 'shekara_tlog_append_failures_total', help: 'Appends to the transparency log that failed (appended at the next start)', registers: [this.registry] });
  readonly logSize = new Gauge({ name: 'shekara_tlog_checkpoint_size', help: 'Size of the latest signed checkpoint of the transparency log', registers: [this.registry] });
  readonly integrityFailures = new Gauge({ name: 'shekara_integrity_failures', help: 'Messages whose stored row does not match their signed envelope', registers: [this.registry] });
  readonly witnessAlerts = new Counter({ name: 'shekara_tlog_witness_alerts_total', help: "Checkpoints of another agency's log refused as a fork or an unproven history", labelNames: ['origin', 'reason'], registers: [this.registry] });
  readonly forkAlerts = new Counter({ name: 'shekara_tlog_fork_alerts_total', help: 'Fork alerts kept: raised as a witness (role witness) or received about this node\'s log (role accused)', labelNames: ['role', 'origin'], registers: [this.registry] });
  readonly cosignatures = new Counter({ name: 'shekara_tlog_cosignatures_total', help: 'Cosignatures received for this node\'s checkpoints', labelNames: ['witness'], registers: [this.registry] });
  readonly deliveryLatency = new Histogram({
    name: 'shekara_delivery_latency_seconds',
    help: 'From message creation to the delivery receipt recorded at the sender',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });
  readonly inboxLatency = new Histogram({
    name: 'shekara_inbox_latency_seconds',
    help: 'From message creation to storage in the recipient inbox',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'shekara_http_request_duration_seconds',
    help: "From a request reaching the node's first middleware to its response finished (the time before, in the kernel's queues, is not in it)",
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
