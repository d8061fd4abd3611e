import { Inject, Injectable } from '@nestjs/common';
import { create, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Clock, uuidv7 } from '@shekara/common';
import { AuditAction as WireAction, AuditEventSchema, MessageKind } from '@shekara/contracts';
import type { AgencyCode, DiscrepancyExplanation, StatisticsFigure } from '@shekara/contracts';
import type { AgencyNodeConfig } from '../core';
import type { OutboxItem } from '../store';
import { NODE_CONFIG, isConfidential } from '../core';

export enum AuditAction {
  Sent = 'sent',
  Received = 'received',
  Delivered = 'delivered',
  Read = 'read',
  Rejected = 'rejected',
  DeadLettered = 'dead-lettered',
  SignedIn = 'signed-in',
  SignInFailed = 'sign-in-failed',
  /** An officer confirmed or rejected a possible match of persons (local: the ledger does not hear of it). */
  MatchConfirmed = 'match-confirmed',
  MatchRejected = 'match-rejected',
  /** An officer checked a person against everything the node holds (local). */
  PersonChecked = 'person-checked',
  /** Machine clients (local): an account created or revoked, a token issued or refused, every call of its API. */
  ClientCreated = 'client-created',
  ClientRevoked = 'client-revoked',
  ClientWebhookSet = 'client-webhook-set',
  ClientToken = 'client-token',
  ClientTokenRefused = 'client-token-refused',
  ClientCall = 'client-call',
  /** A cleared user opened a CONFIDENTIAL message (local). */
  ClassifiedOpened = 'classified-opened',
  /** A user without the clearance tried to open a classified message (local; refused). */
  ClassifiedRefused = 'classified-refused',
  /** An administrator changed a user's clearance (local). */
  ClearanceSet = 'clearance-set',
  /**
   * A version of a data bank record made here (created, revised, withdrawn). The ledger hears of it
   * as a signed SENT event of kind BANK_VERSION (the clause 5.5 contributions it shows the supervisor).
   */
  BankChanged = 'bank-changed',
  /** Versions of another agency's bank records stored from the bus (local). */
  BankReplicated = 'bank-replicated',
  /** A bank record deleted by the retention job after its review date and grace period (local). */
  BankDeleted = 'bank-deleted',
  /** An administrator asked the other agencies' nodes for the bank versions this node lacks (local). */
  BankResyncRequested = 'bank-resync-requested',
  /** Another agency's node asked for this agency's bank versions; the versions queued for it (local). */
  BankResyncAnswered = 'bank-resync-answered',
}

/** The actions the supervisor ledger hears about (sign-ins stay local). */
const PUBLISHED: Partial<Record<AuditAction, WireAction>> = {
  [AuditAction.Sent]: WireAction.SENT,
  [AuditAction.Received]: WireAction.RECEIVED,
  [AuditAction.Delivered]: WireAction.DELIVERED,
  [AuditAction.Read]: WireAction.READ,
  [AuditAction.Rejected]: WireAction.REJECTED,
  [AuditAction.DeadLettered]: WireAction.DEAD_LETTERED,
  [AuditAction.BankChanged]: WireAction.SENT,
};

/** What the ledger needs to know of the message an event concerns. */
export interface MessageFacts {
  kind: string;
  senderUnit: string;
  recipientUnits: string[];
  sentAt: Date;
  reportedAt?: Date | null;
  period?: string | null;
  eventAt?: Date | null;
  confirms?: string | null;
  summary?: string;
  /** HANDOVER_PROPOSAL: the kinds of the items handed over. */
  items?: string[];
  /** STATISTICS: the figures and explanations of the report (the supervisor reconciles them). */
  figures?: StatisticsFigure[];
  explanations?: DiscrepancyExplanation[];
  /** HANDOVER_ACCEPTANCE: the persons it accepts. */
  personsAccepted?: number;
  /** The message's classification: a CONFIDENTIAL message's summary never goes to the ledger. */
  classification?: string;
}

export interface AuditEntry {
  actor: string;
  action: AuditAction;
  messageId?: string;
  /** The units the event concerns (a receipt's recipient unit; the local recipients of a delivery). */
  units?: string[];
  message?: MessageFacts;
  reason?: string;
  details?: Record<string, unknown>;
}

/** Audit log rows as `auditLogInsert` reads them (JSON), with the id of each entry's ledger event if published. */
export function auditLogJson(at: Date, entries: AuditEntry[], eventIds: (string | undefined)[] = []): string {
  const iso = at.toISOString();
  return JSON.stringify(
    entries.map((e, i) => ({
      at: iso,
      actor: e.actor,
      action: e.action,
      message_id: e.messageId ?? null,
      unit_id: e.units?.join(',') || null,
      details: { ...e.details, ...(e.reason ? { reason: e.reason } : {}) },
      event_id: eventIds[i] ?? null,
    })),
  );
}

/** What recording audit entries writes: audit log rows, and the ledger's events as outbox rows. */
export interface PreparedAudit {
  /** For `auditLogInsert`. */
  logJson: string;
  outbox: OutboxItem[];
  /** The id of each entry's ledger event (in the order of the entries; none for a local-only action). */
  eventIds: (string | undefined)[];
}

/**
 * Turns audit entries into the rows recording them: audit log rows, and, for the message-related
 * ones, AuditEvents for the supervisor ledger as outbox items (written with them: none is lost).
 * A `WriteBatch` writes them.
 */
@Injectable()
export class AuditService {
  constructor(
    private readonly clock: Clock,
    @Inject(NODE_CONFIG) private readonly config: AgencyNodeConfig,
  ) {}

  /** The rows recording these entries writes. */
  prepare(entries: AuditEntry[]): PreparedAudit {
    const at = this.clock.now();
    const all = entries.map((e) => (PUBLISHED[e.action] ? this.event(e, at) : undefined));
    const events = all.filter((ev) => ev !== undefined);
    const eventIds = all.map((ev) => ev?.eventId);
    return {
      logJson: auditLogJson(at, entries, eventIds),
      eventIds,
      outbox: events.map((ev) => ({ kind: 'AUDIT', messageId: ev.messageId || ev.eventId, targetAgency: this.config.agency as AgencyCode, payload: toBinary(AuditEventSchema, ev), natsMsgId: ev.eventId })),
    };
  }

  private event(e: AuditEntry, at: Date) {
    const f = e.message;
    const ts = (d?: Date | null) => (d ? timestampFromDate(d) : undefined);
    return create(AuditEventSchema, {
      eventId: uuidv7(this.clock),
      node: this.config.agency,
      action: PUBLISHED[e.action]!,
      at: timestampFromDate(at),
      actor: e.actor,
      messageId: e.messageId ?? '',
      kind: f ? (MessageKind[f.kind as keyof typeof MessageKind] ?? MessageKind.UNSPECIFIED) : MessageKind.UNSPECIFIED,
      senderUnit: f?.senderUnit ?? '',
      recipientUnits: f?.recipientUnits ?? [],
      units: e.units ?? [],
      sentAt: ts(f?.sentAt),
      reportedAt: ts(f?.reportedAt),
      period: f?.period ?? '',
      eventAt: ts(f?.eventAt),
      confirms: f?.confirms ?? '',
      reason: e.reason ?? '',
      // The ledger (its listings, exports and the scheduler's escalation texts) never holds the text of a CONFIDENTIAL report.
      summary: f?.classification && isConfidential(f.classification) ? '' : (f?.summary ?? '').slice(0, 300),
      handoverItems: f?.items ?? [],
      statisticsFigures: f?.figures ?? [],
      statisticsExplanations: f?.explanations ?? [],
      handoverPersonsAccepted: f?.personsAccepted ?? 0,
    });
  }
}
