/**
 * Audit events as the ledger stores them: decoding and checking one bus message (protobuf binary
 * shekara.v1.AuditEvent) into a ledger event and, for SENT, the message row. Pure: no I/O.
 *
 * Only the shape is checked here. Domain checks (known units, fields each kind requires,
 * confirmations of known reports) are the verdict engine's, exactly as for the offline audit, so a
 * message the engine refuses is still kept and shows up in the verdict listings' `rejected` list.
 */
import { fromBinary } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import type { Timestamp } from '@bufbuild/protobuf/wkt';
import { AuditAction, AuditEventSchema, MessageKind, StatisticsIndicator, isAgencyCode } from '@shekara/contracts';
import type { AuditEvent } from '@shekara/contracts';
import { MESSAGE_KINDS } from '@shekara/policy';
import type { MessageKind as PolicyKind } from '@shekara/policy';

export const LEDGER_ACTIONS = ['SENT', 'RECEIVED', 'DELIVERED', 'READ', 'REJECTED', 'DEAD_LETTERED'] as const;
export type LedgerAction = (typeof LEDGER_ACTIONS)[number];

const ACTION_NAMES: Readonly<Record<number, LedgerAction>> = {
  [AuditAction.SENT]: 'SENT',
  [AuditAction.RECEIVED]: 'RECEIVED',
  [AuditAction.DELIVERED]: 'DELIVERED',
  [AuditAction.READ]: 'READ',
  [AuditAction.REJECTED]: 'REJECTED',
  [AuditAction.DEAD_LETTERED]: 'DEAD_LETTERED',
};

const KIND_NAMES: Readonly<Record<number, PolicyKind>> = {
  [MessageKind.URGENT]: 'URGENT',
  [MessageKind.URGENT_CONFIRMATION]: 'URGENT_CONFIRMATION',
  [MessageKind.DAILY]: 'DAILY',
  [MessageKind.MONTHLY]: 'MONTHLY',
  [MessageKind.ADVANCE]: 'ADVANCE',
  [MessageKind.SEMIANNUAL]: 'SEMIANNUAL',
  [MessageKind.HANDOVER_PROPOSAL]: 'HANDOVER_PROPOSAL',
  [MessageKind.HANDOVER_ACCEPTANCE]: 'HANDOVER_ACCEPTANCE',
  [MessageKind.HANDOVER_DISPUTE]: 'HANDOVER_DISPUTE',
  [MessageKind.HANDOVER_WITHDRAWAL]: 'HANDOVER_WITHDRAWAL',
  [MessageKind.STATISTICS]: 'STATISTICS',
};

/** Kinds of messages no obligation judges (hit decisions): sent and audited like reports. Data bank versions: `bankVersion`. */
const UNJUDGED_KINDS: ReadonlySet<number> = new Set([MessageKind.HIT_DECISION]);

/** One row of ledger_events. */
export interface LedgerEvent {
  eventId: string;
  messageId?: string;
  action: LedgerAction;
  node: string;
  at: Date;
  actor: string;
  units: string[];
  reason?: string;
}

/** One row of ledger_messages (from a SENT event): what the verdict engine judges. */
export interface LedgerMessage {
  id: string;
  kind: PolicyKind;
  sender: string;
  recipients: string[];
  sentAt: Date;
  reportedAt?: Date;
  period?: string;
  eventAt?: Date;
  confirms?: string;
  /** HANDOVER_PROPOSAL: the kinds of its items. */
  items?: string[];
  /** STATISTICS: the signed figures and explanations (proto JSON names of the indicators). */
  statistics?: LedgerStatistics;
  /** HANDOVER_ACCEPTANCE: the persons it accepts. */
  personsAccepted?: number;
  summary: string;
  node: string;
  eventId: string;
}

/**
 * One row of ledger_log_alerts: the SENT (by the witness's node) or RECEIVED (by the node whose log
 * forked) event of a TLOG_FORK_ALERT message, from a signed audit batch.
 */
export interface LedgerLogAlert {
  eventId: string;
  messageId: string;
  action: 'SENT' | 'RECEIVED';
  node: string;
  sender: string;
  recipients: string[];
  /** same-size | unproven. */
  reason: string;
  summary: string;
  at: Date;
}

/**
 * One row of ledger_bank_versions (from a SENT event of kind BANK_VERSION): a version of a data bank
 * record its owner's node made, as that node signed it to the ledger (clause 5.5 contributions).
 */
export interface LedgerBankVersion {
  eventId: string;
  recordId: string;
  /** The owning agency: the node that made the version. */
  agency: string;
  contributor: string;
  at: Date;
  /** The half-year it counts for (YYYY-H1/H2, the contributor's local date). */
  period: string;
  kind: BankRecordKind;
  action: BankVersionName;
  /** The report (SEMIANNUAL, ADVANCE) that carried it, if any. */
  source?: string;
  summary: string;
}

export const BANK_RECORD_KINDS = ['MATERIAL', 'SPECIMEN', 'TRAVEL_DOCUMENT'] as const;
export type BankRecordKind = (typeof BANK_RECORD_KINDS)[number];
const BANK_ACTIONS = ['CREATE', 'REVISE', 'WITHDRAW'] as const;
export type BankVersionName = (typeof BANK_ACTIONS)[number];
const HALF_YEAR = /^\d{4}-H[12]$/;

/** A STATISTICS report's figures and explanations as the ledger keeps them. */
export interface LedgerStatistics {
  figures: { indicator: string; counterpartUnit?: string; value: number }[];
  explanations: { indicator: string; counterpartUnit: string; text: string }[];
}

/** At most this many figures and explanations are kept of one report. */
const MAX_FIGURES = 100;

const indicatorName = (n: number): string => `STATISTICS_INDICATOR_${StatisticsIndicator[n] ?? 'UNSPECIFIED'}`;

export type ParsedAuditEvent = { ok: true; event: LedgerEvent; message?: LedgerMessage; bank?: LedgerBankVersion; alert?: LedgerLogAlert } | { ok: false; reason: string; eventId?: string };

const MAX_ID = 200;

/** Decodes and checks one audit event from its wire bytes. */
export function parseAuditEvent(bytes: Uint8Array): ParsedAuditEvent {
  let ev: AuditEvent;
  try {
    ev = fromBinary(AuditEventSchema, bytes);
  } catch (e) {
    return { ok: false, reason: `not a shekara.v1.AuditEvent: ${(e as Error).message}` };
  }
  return checkAuditEvent(ev);
}

/** Checks a decoded audit event (see parseAuditEvent). */
export function checkAuditEvent(ev: AuditEvent): ParsedAuditEvent {
  const eventId = ev.eventId || undefined;
  const bad = (reason: string): ParsedAuditEvent => ({ ok: false, reason, eventId });
  if (!ev.eventId) return bad('event_id is required');
  if (ev.eventId.length > MAX_ID) return bad('event_id is too long');
  if (!isAgencyCode(ev.node)) return bad(`node must be an agency code, got ${JSON.stringify(ev.node)}`);
  const action = ACTION_NAMES[ev.action];
  if (!action) return bad(`unknown action ${ev.action}`);
  const at = instant(ev.at);
  if (!at) return bad('at is required');
  if (!ev.actor) return bad('actor is required');
  if (!ev.messageId && action !== 'DEAD_LETTERED') return bad(`message_id is required for ${action}`);
  if (ev.messageId.length > MAX_ID) return bad('message_id is too long');

  const event: LedgerEvent = {
    eventId: ev.eventId,
    action,
    node: ev.node,
    at,
    actor: ev.actor.slice(0, MAX_ID),
    units: [...ev.units],
    ...(ev.messageId ? { messageId: ev.messageId } : {}),
    ...(ev.reason ? { reason: ev.reason.slice(0, 2000) } : {}),
  };
  if (ev.kind === MessageKind.TLOG_FORK_ALERT && (action === 'SENT' || action === 'RECEIVED')) {
    if (!ev.senderUnit || ev.recipientUnits.length === 0) return bad(`${action} of a log alert needs sender_unit and recipient_units`);
    const alert: LedgerLogAlert = {
      eventId: ev.eventId,
      messageId: ev.messageId,
      action,
      node: ev.node,
      sender: ev.senderUnit.slice(0, MAX_ID),
      recipients: ev.recipientUnits.slice(0, 10).map((u) => u.slice(0, MAX_ID)),
      reason: ev.reason.slice(0, 100),
      summary: ev.summary.slice(0, 300),
      at,
    };
    return { ok: true, event, alert };
  }
  if (action !== 'SENT') return { ok: true, event };

  if (ev.kind === MessageKind.BANK_VERSION) return bankVersion(ev, event, bad);
  const kind = KIND_NAMES[ev.kind];
  // A message no obligation judges (a hit decision): the ledger keeps its events, with no message to judge.
  if (!kind && UNJUDGED_KINDS.has(ev.kind)) return { ok: true, event };
  if (!kind) return bad(`SENT needs the kind of a report (${MESSAGE_KINDS.join(', ')}), got ${MessageKind[ev.kind] ?? ev.kind}`);
  if (!ev.senderUnit) return bad('SENT needs sender_unit');
  if (ev.recipientUnits.length === 0) return bad('SENT needs recipient_units');
  const sentAt = instant(ev.sentAt);
  if (!sentAt) return bad('SENT needs sent_at');
  const message: LedgerMessage = {
    id: ev.messageId,
    kind,
    sender: ev.senderUnit,
    recipients: [...ev.recipientUnits],
    sentAt,
    summary: ev.summary.slice(0, 300),
    node: ev.node,
    eventId: ev.eventId,
  };
  const reportedAt = instant(ev.reportedAt);
  const eventAt = instant(ev.eventAt);
  if (reportedAt) message.reportedAt = reportedAt;
  if (ev.period) message.period = ev.period;
  if (eventAt) message.eventAt = eventAt;
  if (ev.confirms) message.confirms = ev.confirms;
  if (ev.handoverItems.length) message.items = ev.handoverItems.slice(0, 10).map((i) => i.slice(0, 20));
  if (kind === 'STATISTICS' && (ev.statisticsFigures.length || ev.statisticsExplanations.length)) {
    if (ev.statisticsFigures.length > MAX_FIGURES || ev.statisticsExplanations.length > MAX_FIGURES) return bad(`STATISTICS carries at most ${MAX_FIGURES} figures and ${MAX_FIGURES} explanations`);
    message.statistics = {
      figures: ev.statisticsFigures.map((f) => ({ indicator: indicatorName(f.indicator), ...(f.counterpartUnit ? { counterpartUnit: f.counterpartUnit.slice(0, MAX_ID) } : {}), value: f.value })),
      explanations: ev.statisticsExplanations.map((x) => ({ indicator: indicatorName(x.indicator), counterpartUnit: x.counterpartUnit.slice(0, MAX_ID), text: x.text.slice(0, 2000) })),
    };
  }
  if (kind === 'HANDOVER_ACCEPTANCE' && ev.handoverPersonsAccepted) message.personsAccepted = Math.min(ev.handoverPersonsAccepted, 10_000);
  return { ok: true, event, message };
}

/**
 * A data bank version (SENT, kind BANK_VERSION): message_id the record, sender_unit its contributor
 * (a unit of the node's agency), sent_at when it was made, period its half-year, confirms the report
 * that carried it, handover_items its kind and action (proto/shekara/v1/audit.proto).
 */
function bankVersion(ev: AuditEvent, event: LedgerEvent, bad: (reason: string) => ParsedAuditEvent): ParsedAuditEvent {
  if (!ev.senderUnit.startsWith(`${ev.node}.`)) return bad(`BANK_VERSION: the contributor ${JSON.stringify(ev.senderUnit)} is not a unit of ${ev.node}`);
  const at = instant(ev.sentAt);
  if (!at) return bad('BANK_VERSION needs sent_at');
  if (!HALF_YEAR.test(ev.period)) return bad('BANK_VERSION needs period YYYY-H1 or YYYY-H2');
  const [kind, action] = ev.handoverItems;
  if (!BANK_RECORD_KINDS.includes(kind as BankRecordKind) || !BANK_ACTIONS.includes(action as BankVersionName)) return bad('BANK_VERSION needs handover_items [kind, action]');
  if (ev.confirms.length > MAX_ID) return bad('confirms is too long');
  const bank: LedgerBankVersion = {
    eventId: ev.eventId,
    recordId: ev.messageId,
    agency: ev.node,
    contributor: ev.senderUnit.slice(0, MAX_ID),
    at,
    period: ev.period,
    kind: kind as BankRecordKind,
    action: action as BankVersionName,
    summary: ev.summary.slice(0, 300),
    ...(ev.confirms ? { source: ev.confirms } : {}),
  };
  return { ok: true, event, bank };
}

function instant(ts: Timestamp | undefined): Date | undefined {
  if (!ts) return undefined;
  const d = timestampDate(ts);
  return Number.isNaN(d.getTime()) ? undefined : d;
}
