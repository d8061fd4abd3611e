import { create } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  CURRENT_SCHEMA_VERSION,
  Classification,
  DeliveryOutcome,
  DeliveryReceiptSchema,
  EnvelopeSchema,
  HitDecisionSchema,
  HitOutcome,
  ReadReceiptSchema,
  MessageKind,
  kindName,
  payloadKind,
  protoToJson,
} from '@shekara/contracts';
import type { Envelope, MatchedPerson, SendMessageRequest } from '@shekara/contracts';

/** Builds the envelope of a report a duty desk sends. */
export function envelopeFromRequest(req: SendMessageRequest, id: string, now: Date): Envelope {
  if (req.payload.case === undefined) throw new Error('request without payload');
  const kind = payloadKind(req.payload.case);
  const correlationId =
    req.payload.case === 'urgentConfirmation' ? req.payload.value.urgentMessageId : (req.correlationId ?? id);
  return create(EnvelopeSchema, {
    messageId: id,
    correlationId,
    kind,
    senderUnit: req.senderUnit,
    recipientUnits: [...req.recipientUnits],
    createdAt: timestampFromDate(now),
    reportedAt: req.reportedAt ?? timestampFromDate(now),
    schemaVersion: CURRENT_SCHEMA_VERSION,
    classification: req.classification,
    payload: req.payload as Envelope['payload'],
  });
}

/** An officer's decision on a possible match, for the unit that reported the other record. */
export interface HitDecisionSpec {
  id: string;
  now: Date;
  /** The deciding officer's unit (the signer) and the unit that sent the other record. */
  senderUnit: string;
  recipientUnit: string;
  classification: Classification;
  /** The other record: the recipient's message and the person's position in it. */
  messageId: string;
  personIndex: number;
  /** The deciding unit's message and its person, as matched. */
  matchedMessageId: string;
  person: Omit<MatchedPerson, '$typeName' | '$unknown'>;
  outcome: 'CONFIRMED' | 'REJECTED';
  score: number;
  note?: string;
  decidedBy: string;
}

/** The envelope of a hit decision: correlated with the recipient's message that names the other record. */
export function hitDecisionEnvelope(s: HitDecisionSpec): Envelope {
  return create(EnvelopeSchema, {
    messageId: s.id,
    correlationId: s.messageId,
    kind: MessageKind.HIT_DECISION,
    senderUnit: s.senderUnit,
    recipientUnits: [s.recipientUnit],
    createdAt: timestampFromDate(s.now),
    reportedAt: timestampFromDate(s.now),
    schemaVersion: CURRENT_SCHEMA_VERSION,
    classification: s.classification,
    payload: {
      case: 'hitDecision',
      value: create(HitDecisionSchema, {
        messageId: s.messageId,
        personIndex: s.personIndex,
        matchedMessageId: s.matchedMessageId,
        person: s.person,
        outcome: s.outcome === 'CONFIRMED' ? HitOutcome.CONFIRMED : HitOutcome.REJECTED,
        scorePermille: Math.round(Math.min(1, Math.max(0, s.score)) * 1000),
        note: s.note ?? '',
        decidedBy: s.decidedBy,
        decidedAt: timestampFromDate(s.now),
      }),
    },
  });
}

export interface ReceiptSpec {
  id: string;
  now: Date;
  /** The local recipient unit that signs the receipt. */
  recipientUnit: string;
  /** The sender of the acknowledged message: the receipt's only recipient. */
  originalSender: string;
  messageId: string;
}

/** A receipt: signed by the local recipient unit, addressed to the original sender only. */
function receipt(s: ReceiptSpec, kind: MessageKind, payload: Envelope['payload']): Envelope {
  return create(EnvelopeSchema, {
    messageId: s.id,
    correlationId: s.messageId,
    kind,
    senderUnit: s.recipientUnit,
    recipientUnits: [s.originalSender],
    createdAt: timestampFromDate(s.now),
    reportedAt: timestampFromDate(s.now),
    schemaVersion: CURRENT_SCHEMA_VERSION,
    classification: Classification.UNCLASSIFIED,
    payload,
  } as never);
}

export function deliveryReceipt(s: ReceiptSpec, outcome: DeliveryOutcome, reason = ''): Envelope {
  const value = create(DeliveryReceiptSchema, { messageId: s.messageId, recipientUnit: s.recipientUnit, outcome, reason: reason.slice(0, 2000), at: timestampFromDate(s.now) });
  return receipt(s, MessageKind.DELIVERY_RECEIPT, { case: 'deliveryReceipt', value });
}

export function readReceipt(s: ReceiptSpec, reader: string): Envelope {
  const value = create(ReadReceiptSchema, { messageId: s.messageId, recipientUnit: s.recipientUnit, reader, at: timestampFromDate(s.now) });
  return receipt(s, MessageKind.READ_RECEIPT, { case: 'readReceipt', value });
}

/** The columns a stored message is indexed and listed by. */
export interface MessageColumns {
  kind: string;
  classification: string;
  reportedAt: Date | null;
  period: string | null;
  eventAt: Date | null;
  confirms: string | null;
  summary: string;
  payload: Record<string, unknown>;
}

/**
 * The columns of a `messages` row common to both directions, as `jsonb_to_recordset` reads them
 * (`x(${MESSAGE_ROW_TYPES})`), from the envelope and its columns.
 */
export function messageRow(env: Envelope, cols: MessageColumns, createdAt: Date): Record<string, unknown> {
  return {
    id: env.messageId,
    kind: cols.kind,
    sender: env.senderUnit,
    recipients: env.recipientUnits,
    correlation_id: env.correlationId,
    classification: cols.classification,
    created_at: createdAt.toISOString(),
    reported_at: cols.reportedAt?.toISOString() ?? null,
    period: cols.period,
    event_at: cols.eventAt?.toISOString() ?? null,
    confirms: cols.confirms,
    summary: cols.summary,
    payload: cols.payload,
  };
}

export function messageColumns(env: Envelope): MessageColumns {
  const json = protoToJson(EnvelopeSchema, env, { alwaysEmitImplicit: false }) as Record<string, unknown>;
  const p = env.payload;
  const payloadKey = p.case as string;
  const payload = { [payloadKey]: json[payloadKey] ?? {} };
  let period: string | null = null;
  let eventAt: Date | null = null;
  let confirms: string | null = null;
  let summary = '';
  switch (p.case) {
    case 'urgent':
      summary = p.value.summary;
      break;
    case 'urgentConfirmation':
      confirms = p.value.urgentMessageId;
      summary = p.value.text;
      break;
    case 'daily':
      period = p.value.period ?? null;
      summary = p.value.summary;
      break;
    case 'monthly':
      period = p.value.period;
      summary = p.value.borderSituation;
      break;
    case 'advance':
      eventAt = p.value.eventAt ? timestampDate(p.value.eventAt) : null;
      summary = p.value.subject.case ?? '';
      break;
    case 'semiannual':
      period = p.value.period;
      summary = p.value.materials.map((m) => m.title).join('; ');
      break;
    case 'hitDecision': {
      // The outcome and the person, e.g. "CONFIRMED: IVANOV Ivan 1990-01-01" (the desk renders the outcome in its language).
      const who = p.value.person;
      const outcome = p.value.outcome === HitOutcome.CONFIRMED ? 'CONFIRMED' : 'REJECTED';
      summary = `${outcome}: ${[who?.surname, who?.givenNames, who?.dateOfBirth].filter(Boolean).join(' ')}`;
      break;
    }
    case 'handoverProposal':
      // The acceptance deadline runs from the moment the items are handed over.
      eventAt = p.value.handedAt ? timestampDate(p.value.handedAt) : null;
      summary = `${p.value.checkpointId}: ${p.value.items.length} item(s); ${p.value.legalGround}`;
      break;
    case 'handoverAcceptance':
      summary = p.value.refused.length ? `accepted in part (${p.value.refused.length} refused)` : 'accepted';
      break;
    case 'handoverDispute':
      summary = `disputed: ${p.value.reason}`;
      break;
    case 'handoverWithdrawal':
      summary = `withdrawn: ${p.value.reason}`;
      break;
    case 'statistics':
      period = p.value.period;
      summary = `${p.value.figures.length} figure(s)${p.value.explanations.length ? `, ${p.value.explanations.length} explanation(s)` : ''}`;
      break;
    default:
      break;
  }
  return {
    kind: kindName(env.kind),
    classification: Classification[env.classification] ?? 'UNCLASSIFIED',
    reportedAt: env.reportedAt ? timestampDate(env.reportedAt) : null,
    period,
    eventAt,
    confirms,
    summary: summary.slice(0, 300),
    payload,
  };
}
