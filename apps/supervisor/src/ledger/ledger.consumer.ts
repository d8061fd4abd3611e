import { Controller, Inject, Logger, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { BusRoute } from '@shekara/contracts';
import type { BusNames } from '@shekara/contracts';
import type { Directory } from '@shekara/directory';
import { JETSTREAM_TRANSPORT, JetStreamContext, PassThroughErrors } from '@shekara/messaging';
import { SupervisorMetrics } from '../ops/metrics';
import { BUS_NAMES, DIRECTORY } from '../tokens';
import { checkAuditEvent } from './audit-event';
import type { ParsedAuditEvent } from './audit-event';
import { LedgerStore } from './ledger.store';
import { AuditRefusal, verifySignedAuditBatch } from './signed-batch';

/**
 * The ledger's bus entry point: every node's audit events (stream <PREFIX>_AUDIT, durable
 * consumer "supervisor-ledger"). Idempotent: an event is recorded once by event id, a message once
 * by message id, in whatever order and however often they arrive.
 *
 * The ledger believes only signed facts: the nodes publish their events as SignedAuditBatch
 * messages on `<prefix>.audit.<agency>.signed`, and a batch is recorded only if its signature
 * verifies with a directory key of a unit of that agency and every event names that agency's node
 * (signed-batch.ts). Unsigned AuditEvents (`<prefix>.audit.<agency>`) and AuditEventBatches
 * (`.batch`), accepted before, are refused like any batch that fails verification: the whole bus
 * message is kept in ledger_rejects with the reason and its raw bytes (shown to the admin at
 * GET /api/admin/rejects), counted in shekara_ledger_refused_total by reason, then acknowledged.
 *
 * The supervisor belongs to no agency, so it has no dead-letter subject of its own. Any other
 * failure (the database is away) is thrown: the transport retries with backoff, without limit, so no
 * event is lost. Within a verified batch each event is judged on its own (fields required): the ones
 * that can be accepted are recorded, and those that cannot are kept together in one ledger_rejects row.
 */
@Controller()
@UseFilters(new PassThroughErrors())
export class LedgerConsumer {
  private readonly log = new Logger('LedgerConsumer');

  constructor(
    private readonly store: LedgerStore,
    private readonly metrics: SupervisorMetrics,
    @Inject(BUS_NAMES) private readonly names: BusNames,
    @Inject(DIRECTORY) private readonly directory: Directory,
  ) {}

  @EventPattern(BusRoute.Audit, JETSTREAM_TRANSPORT)
  async onAudit(@Payload() data: Uint8Array, @Ctx() ctx: JetStreamContext): Promise<void> {
    const subject = this.names.auditSubjectInfo(ctx.subject);
    if (!subject) return this.refuse(ctx, data, AuditRefusal.UnknownSubject, `${ctx.subject} is not an agency's audit subject`);
    if (subject.form !== 'signed') {
      const what = subject.form === 'single' ? 'an unsigned AuditEvent' : 'an unsigned AuditEventBatch';
      return this.refuse(ctx, data, AuditRefusal.Unsigned, `${what}: the ledger accepts only SignedAuditBatch messages, on ${this.names.auditSignedSubject(subject.agency)}`);
    }
    const verified = verifySignedAuditBatch(data, subject.agency, this.directory);
    if (!verified.ok) return this.refuse(ctx, data, verified.refusal, verified.reason);
    const { events } = verified;
    const parsed = events.map((ev) => checkAuditEvent(ev));
    const refused = parsed.filter((p) => !p.ok);
    await Promise.all(parsed.filter((p) => p.ok).map((p) => this.record(p)));
    if (refused.length) {
      const reason = `${refused.length} of ${events.length} events refused: ${refused.map((r) => `${r.eventId ?? '(no event_id)'}: ${r.reason}`).join('; ')}`;
      await this.reject(ctx, data, reason.slice(0, 2000), refused[0].eventId, refused.length);
    }
  }

  private async record(parsed: Extract<ParsedAuditEvent, { ok: true }>): Promise<void> {
    const outcome = await this.store.record(parsed.event, parsed.message, parsed.bank, parsed.alert);
    this.metrics.consumed.inc({ action: parsed.event.action, outcome });
  }

  /** A bus message refused as a whole: none of its events is a fact of the ledger. */
  private async refuse(ctx: JetStreamContext, raw: Uint8Array, refusal: AuditRefusal, reason: string): Promise<void> {
    this.metrics.refused.inc({ reason: refusal });
    await this.reject(ctx, raw, `refused (${refusal}): ${reason}`.slice(0, 2000), undefined, 1);
  }

  private async reject(ctx: JetStreamContext, raw: Uint8Array, reason: string, eventId: string | undefined, events: number): Promise<void> {
    await this.store.reject({ stream: ctx.message.info.stream, seq: ctx.message.seq, subject: ctx.subject, eventId, reason, raw });
    this.metrics.consumed.inc({ action: 'unknown', outcome: 'rejected' }, events);
    this.log.warn({ msg: 'audit event rejected', subject: ctx.subject, seq: ctx.message.seq, eventId, reason });
  }
}
