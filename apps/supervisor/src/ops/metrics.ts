import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of the supervisor ledger (served at /metrics). */
@Injectable()
export class SupervisorMetrics {
  readonly registry = new Registry();
  readonly consumed = new Counter({
    name: 'shekara_ledger_events_consumed_total',
    help: 'Audit events consumed, by action and outcome (recorded, duplicate, rejected)',
    labelNames: ['action', 'outcome'],
    registers: [this.registry],
  });
  readonly refused = new Counter({
    name: 'shekara_ledger_refused_total',
    help: 'Audit bus messages refused as a whole (unsigned, malformed, bad_signature, wrong_agency, foreign_event, unknown_subject)',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly lag = new Gauge({ name: 'shekara_ledger_lag', help: 'Audit events not yet consumed by the ledger (pending + unacknowledged)', registers: [this.registry] });
  readonly messages = new Gauge({ name: 'shekara_ledger_messages', help: 'Messages in the ledger', registers: [this.registry] });
  readonly verdictSeconds = new Histogram({
    name: 'shekara_verdict_computation_seconds',
    help: 'Loading the messages of a range and computing its verdicts (cache misses only)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly exportRows = new Counter({ name: 'shekara_export_rows_total', help: 'Ledger rows read by streamed exports (before the caller’s scope), by export', labelNames: ['export'], registers: [this.registry] });
  readonly exportsRunning = new Gauge({ name: 'shekara_exports_running', help: 'Streamed exports under way (a client gone stops its export)', registers: [this.registry] });
  readonly verdictCache = new Counter({ name: 'shekara_verdict_cache_total', help: 'Verdict computations by cache outcome (hit, miss)', labelNames: ['outcome'], registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
