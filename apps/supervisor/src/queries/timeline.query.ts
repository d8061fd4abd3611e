import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@shekara/common';
import { halfYearBounds, isHalfYear, isMonth, localDate } from '@shekara/policy';
import type { AuditRange } from '@shekara/policy';
import { SupervisorError, SupervisorErrorCode } from '../errors';
import { LedgerStore } from '../ledger/ledger.store';
import type { StoredMessage } from '../ledger/ledger.store';
import { UNIT_INFOS } from '../tokens';
import { journalRecord } from './journal.query';
import { timelineFacts } from './facts';
import { toRecord } from '../verdicts/records';
import { unjudgeable } from '../verdicts/ranges';
import type { UnitInfo } from '../verdicts/units';
import { VerdictService } from '../verdicts/verdict.service';
import type { Scope } from '../verdicts/scope';
import { verbatim } from '@shekara/server';

/**
 * GET /api/messages/:id/timeline: the message as the ledger knows it, every event about it in
 * order (sent, received, delivered, read, rejected, dead-lettered), its written confirmations and
 * escalation (urgent reports), and the verdicts that name it. `facts`: each fact once (see timelineFacts).
 */
@Injectable()
export class TimelineQuery {
  constructor(
    private readonly store: LedgerStore,
    private readonly verdicts: VerdictService,
    @Inject(UNIT_INFOS) private readonly units: ReadonlyMap<string, UnitInfo>,
    private readonly clock: Clock,
  ) {}

  async run(id: string, scope: Scope) {
    const [message, events] = await Promise.all([this.store.message(id), this.store.events(id)]);
    // Out of the caller's scope is answered as unknown: whether another agency's message exists is not told.
    const visible = message ? scope.message(message) : events.some((e) => scope.isAll || e.node === scope.agency || e.units.some((u) => scope.unit(u)));
    if ((!message && events.length === 0) || !visible) throw new SupervisorError(SupervisorErrorCode.MessageNotFound, verbatim(id));
    const confirmations = message?.kind === 'URGENT' ? await this.store.confirmationsOf(id) : [];
    const escalation = message?.kind === 'URGENT' ? (await this.store.escalations([id])).get(id) : undefined;
    const range = message ? this.rangeOf(message) : undefined;
    // A message dated outside the judged era is shown with why it has no verdict.
    const zone = message ? this.units.get(message.from)?.zone : undefined;
    const unjudged = range && zone ? unjudgeable(range, this.clock.now(), zone)?.message : undefined;
    const verdicts = range && !unjudged ? (await this.verdicts.verdicts(range)).verdicts.filter((v) => v.ref === id || v.message === id).map(toRecord) : [];
    return {
      message: message ? { ...journalRecord(message), summary: message.summary, node: message.node } : null,
      // Each fact once (with the nodes that observed it); `events` keeps every node's report of it.
      facts: timelineFacts(events),
      events: events.map((e) => ({ event_id: e.eventId, action: e.action, node: e.node, at: e.at.toISOString(), actor: e.actor, units: e.units, ...(e.reason ? { reason: e.reason } : {}) })),
      confirmations: confirmations.map((c) => ({ id: c.id, from: c.from, sent_at: c.sentAt.toISOString() })),
      escalated_at: escalation ? escalation.toISOString() : null,
      verdicts,
      ...(unjudged ? { unjudged } : {}),
    };
  }

  /** The range whose verdicts judge this message (the engine's own selection rules). */
  private rangeOf(m: StoredMessage): AuditRange | undefined {
    const zone = this.units.get(m.from)?.zone;
    if (!zone) return undefined;
    const day = (d: string): AuditRange => ({ from: d, to: d });
    switch (m.kind) {
      case 'URGENT':
        return m.reportedAt ? day(localDate(m.reportedAt, zone)) : undefined;
      case 'URGENT_CONFIRMATION':
        return undefined; // judged with its urgent report (see that report's timeline)
      case 'DAILY':
        return day(m.period ?? localDate(m.sentAt, zone));
      case 'MONTHLY':
        return isMonth(m.period) ? day(`${m.period}-01`) : undefined;
      case 'SEMIANNUAL':
        return isHalfYear(m.period) ? day(halfYearBounds(m.period!).first) : undefined;
      case 'ADVANCE':
        return day(localDate(m.sentAt, zone));
    }
  }
}
