import { localDateTime } from '@shekara/policy';
import type { AuthUser } from '@shekara/auth';
import { cleared } from '../core';

/** What of a stored notification is shown to a user, and what decides whether it may be. */
export interface StoredNotificationText {
  type: string;
  counterparts: string[];
  params: Record<string, string>;
  text: string;
  /** The stored classification of the message it names, read now (null: none, or not at this node). */
  messageClassification: string | null;
}

/** The params that may carry stored free text of a message (withheld from an uncleared user). */
const TEXT_PARAMS = ['summary'] as const;

/**
 * A stored notification as one user may read it, decided at read time (not only when it was
 * raised): when it names a message classified above the user's clearance (the message's stored
 * classification, else the one the notification recorded), its stored text of the message (the
 * summary, in `params` and in the Russian `text`) is withheld and the Russian text rewritten from
 * what carries no text of the message; `restricted` says so.
 */
export function redactNotification<T extends StoredNotificationText>(n: T, user: Pick<AuthUser, 'clearance'>): Omit<T, 'messageClassification'> & { restricted?: true } {
  const { messageClassification, ...rest } = n;
  const classification = messageClassification ?? n.params.classification;
  if (!classification || cleared(user, classification)) return rest;
  const params = Object.fromEntries(Object.entries(n.params).filter(([k]) => !(TEXT_PARAMS as readonly string[]).includes(k)));
  return { ...rest, params: { ...params, classification }, text: restrictedText(n), restricted: true };
}

/** The Russian text of a restricted notification, from its code and params (no text of the message). */
function restrictedText(n: StoredNotificationText): string {
  const p = n.params;
  if (n.type === 'URGENT_RECEIVED') return `Поступило срочное донесение от ${p.senderUnit ?? n.counterparts[0] ?? '—'} (гриф выше вашего допуска; содержание по допуску).`;
  if (n.type === 'ESCALATION' && p.zone) {
    return `Срочное сообщение от ${local(p.reportedAt, p.zone)} не подтверждено письменно в установленный срок (до ${local(p.due, p.zone)} местного времени). Направлено на контроль руководству. Гриф выше вашего допуска; содержание по допуску.`;
  }
  return 'Уведомление о сообщении с грифом выше вашего допуска; содержание по допуску.';
}

/** "YYYY-MM-DD HH:MM" on the clocks of `zone` ('—' when absent or not an instant). */
function local(iso: string | undefined, zone: string): string {
  const ms = iso ? Date.parse(iso) : Number.NaN;
  if (!Number.isFinite(ms)) return '—';
  try {
    const t = localDateTime(ms, zone);
    const d = (x: number) => String(x).padStart(2, '0');
    return `${t.year}-${d(t.month)}-${d(t.day)} ${d(t.hour)}:${d(t.minute)}`;
  } catch {
    return '—';
  }
}
