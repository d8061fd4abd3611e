import type { NotificationRow } from '../store';

/** What an incoming urgent report's alert is made of. */
export interface UrgentArrival {
  messageId: string;
  senderUnit: string;
  localRecipients: string[];
  classification: string;
  reportedAt: Date | null;
  topic: string | undefined;
  summary: string;
}

/** The code of the node's own notification: an urgent report arrived (the desk alerts on it). */
export const URGENT_RECEIVED = 'URGENT_RECEIVED';

/**
 * One URGENT_RECEIVED notification per local recipient unit of an incoming urgent report, keyed
 * `urgent:<messageId>:<unit>` (a re-sent copy raises nothing new). A CONFIDENTIAL report's summary is
 * left out: notifications are listed to every officer of the unit, the report opens by clearance.
 */
export function urgentNotifications(a: UrgentArrival, at: Date, newId: () => string): NotificationRow[] {
  const confidential = a.classification === 'CONFIDENTIAL';
  const summary = confidential ? '' : a.summary.slice(0, 300);
  const params: Record<string, string> = {
    senderUnit: a.senderUnit,
    classification: a.classification,
    ...(a.topic ? { topic: a.topic } : {}),
    ...(a.reportedAt ? { reportedAt: a.reportedAt.toISOString() } : {}),
    ...(summary ? { summary } : {}),
  };
  return a.localRecipients.map((unitId) => ({
    id: newId(),
    key: `urgent:${a.messageId}:${unitId}`,
    unitId,
    type: URGENT_RECEIVED,
    obligation: 'URGENT_CONFIRMATION',
    period: null,
    messageId: a.messageId,
    counterparts: [a.senderUnit],
    params,
    text: `Поступило срочное донесение от ${a.senderUnit}${summary ? `: «${summary}»` : ''}.`,
    at,
  }));
}
