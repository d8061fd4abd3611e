/** The correspondence between a message kind and the payload case of an envelope. */
import type { Envelope } from './gen/shekara/v1/envelope_pb';
import { MessageKind } from './gen/shekara/v1/envelope_pb';
import type { SendMessageRequest } from './gen/shekara/v1/api_pb';

/** A case of `Envelope.payload`: "urgent", "urgentConfirmation", …, "readReceipt". */
export type PayloadCase = NonNullable<Envelope['payload']['case']>;

/** A case of `SendMessageRequest.payload`: the six kinds a duty desk may send (no receipts). */
export type SendablePayloadCase = NonNullable<SendMessageRequest['payload']['case']>;

const KIND_OF_CASE: Readonly<Record<PayloadCase, MessageKind>> = {
  urgent: MessageKind.URGENT,
  urgentConfirmation: MessageKind.URGENT_CONFIRMATION,
  daily: MessageKind.DAILY,
  monthly: MessageKind.MONTHLY,
  advance: MessageKind.ADVANCE,
  semiannual: MessageKind.SEMIANNUAL,
  deliveryReceipt: MessageKind.DELIVERY_RECEIPT,
  readReceipt: MessageKind.READ_RECEIPT,
  hitDecision: MessageKind.HIT_DECISION,
  handoverProposal: MessageKind.HANDOVER_PROPOSAL,
  handoverAcceptance: MessageKind.HANDOVER_ACCEPTANCE,
  handoverDispute: MessageKind.HANDOVER_DISPUTE,
  handoverWithdrawal: MessageKind.HANDOVER_WITHDRAWAL,
  statistics: MessageKind.STATISTICS,
  bankVersion: MessageKind.BANK_VERSION,
  bankAttachmentChunk: MessageKind.BANK_ATTACHMENT_CHUNK,
  bankAttachmentRequest: MessageKind.BANK_ATTACHMENT_REQUEST,
  tlogForkAlert: MessageKind.TLOG_FORK_ALERT,
  bankResyncRequest: MessageKind.BANK_RESYNC_REQUEST,
};

const CASE_OF_KIND = new Map<MessageKind, PayloadCase>(
  Object.entries(KIND_OF_CASE).map(([c, k]) => [k, c as PayloadCase]),
);

/** The kind of a message with this payload case. */
export function payloadKind(payloadCase: PayloadCase): MessageKind {
  return KIND_OF_CASE[payloadCase];
}

/** The payload case a message of this kind carries; undefined for MESSAGE_KIND_UNSPECIFIED. */
export function kindPayloadCase(kind: MessageKind): PayloadCase | undefined {
  return CASE_OF_KIND.get(kind);
}

/** Short name of a kind: "URGENT", "URGENT_CONFIRMATION", …; "UNSPECIFIED" or the number if unknown. */
export function kindName(kind: MessageKind): string {
  return MessageKind[kind] ?? String(kind);
}
