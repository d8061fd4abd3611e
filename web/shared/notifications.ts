/**
 * A notification in the user's language, from its code and parameters (never the stored Russian
 * text, unless the code is unknown): obligations and topics by their labels, units by their names
 * in the directory, instants in the unit's local time.
 */
import type { Translate } from './i18n';
import { formatInstant } from './time';
import type { Notification } from './types';

export interface NotificationContext {
  t: Translate;
  has(key: string): boolean;
  zone: string;
  unitName(id: string): string;
}

export function notificationText(n: Notification, c: NotificationContext): string {
  const key = `notif.msg.${n.code}`;
  if (!c.has(key)) return n.text;
  const p = n.params ?? {};
  const zone = p.zone || c.zone;
  const at = (v: string | undefined) => (v ? formatInstant(v, zone) : '—');
  const obligation = n.obligation && c.has(`notif.obligation.${n.obligation}`) ? c.t(`notif.obligation.${n.obligation}`) : (n.obligation ?? '');
  const topic = p.topic && c.has(`enum.${p.topic}`) ? c.t(`enum.${p.topic}`) : '';
  // Restricted (the server withheld the text: above the user's clearance), or a CONFIDENTIAL report's alert (raised without it).
  const summary = p.summary ? c.t('notif.summary', { summary: p.summary }) : n.restricted ? c.t('notif.restrictedAbove') : p.classification === 'CONFIDENTIAL' ? c.t('notif.restricted') : '';
  return c.t(key, {
    obligation,
    period: n.period ?? '',
    opensAt: at(p.opensAt),
    closesAt: at(p.closesAt),
    reportedAt: at(p.reportedAt),
    due: at(p.due),
    counterparts: n.counterparts.map((u) => c.unitName(u)).join(', '),
    sender: p.senderUnit ? c.unitName(p.senderUnit) : '',
    topic,
    summary,
    origin: p.origin ?? '',
    witness: p.witness ?? '',
    reason: p.reason ?? '',
  }).trim();
}
