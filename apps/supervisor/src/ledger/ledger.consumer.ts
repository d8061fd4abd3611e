import { Controller, Inject, Logger, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { fromBinary } from '@bufbuild/protobuf';
import { AuditEventBatchSchema, BusRoute } from '@shekara/contracts';
import type { BusNames } from '@shekara/contracts';
import { JETSTREAM_TRANSPORT, JetStreamContext, PassThroughErrors } from '@shekara/messaging';
import { SupervisorMetrics } from '../ops/metrics';
import { BUS_NAMES } from '../tokens';
import { checkAuditEvent, parseAuditEvent } from './audit-event';
import type { ParsedAuditEvent } from './audit-event';
import { LedgerStore } from './ledger.store';

/**
 * The ledger's bus entry point: every node's audit events (stream <PREFIX>_AUDIT, durable
 * consumer "supervisor-ledger"). Idempotent: an event is recorded once by event id, a message once
 * by message id, in whatever order and however often they arrive.
 *
 * The supervisor belongs to no agency, so it has no dead-letter subject of its own: an event it can
 * never accept (not an AuditEvent, required fields missing) is kept in ledger_rejects with the
 * reason and the raw bytes, then acknowledged. Any other failure (the database is away) is thrown:
 * the transport retries with backoff, without limit, so no event is lost.
 *
 * The nodes publish their events in batches (AuditEventBatch, on `<prefix>.audit.<agency>.batch`);
 * single AuditEvents (on `<prefix>.audit.<agency>`) are accepted too. Each event of a batch is
 * judged on its own: the ones that can be accepted are recorded, and those that cannot are kept
 * together in one ledger_rejects row for the bus message (their ids and reasons, the batch's bytes).
 */
@Controller()
@UseFilters(new PassThroughErrors())
export class LedgerConsumer {
  private readonly log = new Logger('LedgerConsumer');

  constructor(
    private readonly store: LedgerStore,
    private readonly metrics: SupervisorMetrics,
    @Inject(BUS_NAMES) private readonly names: BusNames,
  ) {}

  @EventPattern(BusRoute.Audit, JETSTREAM_TRANSPORT)
  async onAudit(@Payload() data: Uint8Array, @Ctx() ctx: JetStreamContext): Promise<void> {
    if (!this.names.isAuditBatchSubject(ctx.subject)) {
      const parsed = parseAuditEvent(data);
      if (parsed.ok) await this.record(parsed);
      else await this.reject(ctx, data, parsed.reason, parsed.eventId, 1);
      return;
    }
    let events;
    try {
      events = fromBinary(AuditEventBatchSchema, data).events;
    } catch (e) {
      return this.reject(ctx, data, `not a shekara.v1.AuditEventBatch: ${(e as Error).message}`, undefined, 1);
    }
    if (!events.length) return this.reject(ctx, data, 'an AuditEventBatch without events', undefined, 1);
    const parsed = events.map((ev) => checkAuditEvent(ev));
    const refused = parsed.filter((p) => !p.ok);
    await Promise.all(parsed.filter((p) => p.ok).map((p) => this.record(p)));
    if (refused.length) {
      const reason = `${refused.length} of ${events.length} events refused: ${refused.map((r) => `${r.eventId ?? '(no event_id)'}: ${r.reason}`).join('; ')}`;
      await this.reject(ctx, data, reason.slice(0, 2000), refused[0].eventId, refused.length);
    }
  }

  private async record(parsed: Extract<ParsedAuditEvent, { ok: true }>): Promise<void> {
    const outcome = await this.store.record(parsed.event, parsed.message);
    this.metrics.consumed.inc({ action: parsed.event.action, outcome });
  }

  private async reject(ctx: JetStreamContext, raw: Uint8Array, reason: string, eventId: string | undefined, events: number): Promise<void> {
    await this.store.reject({ stream: ctx.message.info.stream, seq: ctx.message.seq, subject: ctx.subject, eventId, reason, raw });
    this.metrics.consumed.inc({ action: 'unknown', outcome: 'rejected' }, events);
    this.log.warn({ msg: 'audit event rejected', subject: ctx.subject, seq: ctx.message.seq, eventId, reason });
  }
}
