import { Controller, Logger, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { BusRoute } from '@shekara/contracts';
import { JETSTREAM_TRANSPORT, JetStreamContext, PassThroughErrors } from '@shekara/messaging';
import { SupervisorMetrics } from '../ops/metrics';
import { parseAuditEvent } from './audit-event';
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
 */
@Controller()
@UseFilters(new PassThroughErrors())
export class LedgerConsumer {
  private readonly log = new Logger('LedgerConsumer');

  constructor(
    private readonly store: LedgerStore,
    private readonly metrics: SupervisorMetrics,
  ) {}

  @EventPattern(BusRoute.Audit, JETSTREAM_TRANSPORT)
  async onAudit(@Payload() data: Uint8Array, @Ctx() ctx: JetStreamContext): Promise<void> {
    const parsed = parseAuditEvent(data);
    if (!parsed.ok) {
      await this.store.reject({ stream: ctx.message.info.stream, seq: ctx.message.seq, subject: ctx.subject, eventId: parsed.eventId, reason: parsed.reason, raw: data });
      this.metrics.consumed.inc({ action: 'unknown', outcome: 'rejected' });
      this.log.warn({ msg: 'audit event rejected', subject: ctx.subject, seq: ctx.message.seq, eventId: parsed.eventId, reason: parsed.reason });
      return;
    }
    const outcome = await this.store.record(parsed.event, parsed.message);
    this.metrics.consumed.inc({ action: parsed.event.action, outcome });
  }
}
