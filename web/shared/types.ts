/**
 * Shapes of the agency node's HTTP API (see /api/docs-json). Report bodies are proto JSON: their types
 * are generated from the contract (./contract); the node's own views (messages, statuses, due
 * windows) are not proto messages and are typed here.
 */
import type { AgencyCode, JsonObject, SendMessageRequestJson } from './contract';

export type { JsonObject };

export type { AttachmentJson } from './contract';
/** A message's content: exactly one case of SendMessageRequest's `payload` oneof, in proto JSON. */
export type ReportPayloadJson = Pick<SendMessageRequestJson, 'urgent' | 'urgentConfirmation' | 'daily' | 'monthly' | 'advance' | 'semiannual'>;

export interface User {
  id: string;
  username: string;
  unitId: string;
  role: 'duty-officer' | 'supervisor' | 'admin' | string;
}
export interface Unit {
  id: string;
  agency: AgencyCode;
  /** The agency's name in the directory, in Russian and in English. */
  agencyName: string;
  agencyNameEn?: string;
  level: number | string;
  nameRu: string;
  nameEn: string;
  zone: string;
  checkpointId: string | null;
  regionCode: string | null;
}
export interface Me {
  user: User;
  unit: Unit;
  groups: { id: string; level: number | string; members: Unit[] }[];
}
export type DeliveryStatus = 'PENDING' | 'SENT' | 'DELIVERED' | 'READ' | 'DEAD_LETTERED';
export interface RecipientStatus {
  unitId: string;
  agency: AgencyCode;
  status: DeliveryStatus;
  sentAt: string | null;
  deliveredAt: string | null;
  readAt: string | null;
  readBy: string | null;
  deadLetteredAt: string | null;
  reason: string | null;
}
export type Kind = 'URGENT' | 'URGENT_CONFIRMATION' | 'DAILY' | 'MONTHLY' | 'ADVANCE' | 'SEMIANNUAL';
export interface MessageView {
  id: string;
  direction: 'IN' | 'OUT';
  kind: Kind;
  senderUnit: string;
  recipientUnits: string[];
  correlationId: string;
  classification: string;
  createdAt: string;
  reportedAt: string | null;
  receivedAt: string | null;
  period: string | null;
  eventAt: string | null;
  confirms: string | null;
  summary: string;
  createdBy: string | null;
  recipients: RecipientStatus[];
  payload?: ReportPayloadJson;
  /** An URGENT report sent (in a listing): its confirmation's id, null while it awaits one. */
  confirmedBy?: string | null;
  /** Opened: the signature block (who signed, with which key, when). */
  signature?: { signerUnit: string; keyId: string; fingerprint: string | null; signedAt: string };
  /** Classified above the user's clearance: summary and payload withheld. */
  restricted?: true;
}
export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}
export interface TimelineEntry {
  at: string;
  actor: string;
  action: string;
  unitId: string | null;
  details: JsonObject | null;
}
export interface LiveEvent {
  type: 'message' | 'status' | 'draft' | 'notification';
  id: string;
  box: 'inbox' | 'outbox' | 'drafts' | 'notifications';
}
export type WindowState = 'before' | 'open' | 'closed';
export interface Counterpart {
  unitId: string;
  sentMessageId: string | null;
}
interface DueWindow {
  opensAt: string;
  closesAt: string;
  state: WindowState;
  counterparts: Counterpart[];
}
export interface DailyWindow extends DueWindow {
  day: string;
}
export interface MonthlyWindow extends DueWindow {
  period: string;
}
/** An urgent report awaiting its written confirmation; `restricted`: above the user's clearance, no summary. */
export interface OwedConfirmation {
  urgentId: string;
  summary: string;
  classification?: string;
  restricted?: true;
  reportedAt: string;
  dueAt: string;
}
export interface Due {
  now: string;
  zone: string;
  daily: DailyWindow;
  monthly: MonthlyWindow | null;
  overdueConfirmations: OwedConfirmation[];
  /** Urgent reports still within their 2 hours for the written confirmation. */
  pendingConfirmations: OwedConfirmation[];
  drafts: { id: string; kind: Kind; period: string | null; createdAt: string; body: SendMessageRequestJson }[];
}
/** GET /api/due/periods: the period a report composed now is for, per scheduled kind. */
export interface ComposePeriod {
  period: string;
  opensAt: string;
  closesAt: string;
  state: WindowState;
}
export interface ComposePeriods {
  now: string;
  zone: string;
  policyId: string;
  daily: ComposePeriod;
  monthly: ComposePeriod;
  semiannual: ComposePeriod;
}
export type NotificationCode = 'WINDOW_OPEN' | 'REMINDER' | 'MISSING' | 'ESCALATION' | 'URGENT_RECEIVED' | 'TLOG_FORK';
/** GET /api/notifications: structured (code + params), rendered in the user's language (notifications.ts). */
export interface Notification {
  id: string;
  at: string;
  code: NotificationCode | string;
  type: string;
  /** The Russian text, for a code this console does not know. */
  text: string;
  obligation: string | null;
  period: string | null;
  messageId: string | null;
  counterparts: string[];
  params: Record<string, string>;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  /** Names a message classified above the user's clearance: its text was withheld by the server. */
  restricted?: true;
}
export interface NotificationPage extends Page<Notification> {
  /** How many of the unit's notifications are not acknowledged. */
  unacknowledged: number;
}
