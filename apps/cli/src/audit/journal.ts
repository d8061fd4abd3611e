/**
 * The offline audit's file formats: DIR.json and JOURNAL.jsonl (snake_case), converted into the
 * engine's plain inputs. Only the shape of each line is checked here; the domain checks (known
 * units, fields each kind requires, confirmations of known reports) are the engine's.
 */
import { AGENCIES } from '@shekara/contracts';
import { SIGNED_DIRECTORY_FORMAT } from '@shekara/directory';
import { parseIsoInstant, validateDirectory, type AuditMessage, type Directory } from '@shekara/policy';

/** A journal line converted to a message, or the reason it could not be. */
export type JournalLine = { ok: true; message: AuditMessage } | { ok: false; reason: string };

export function parseJournalLine(text: string): JournalLine {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not valid JSON' };
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, reason: 'not a JSON object' };
  const r = raw as Record<string, unknown>;
  for (const field of ['id', 'kind', 'from'] as const) {
    if (typeof r[field] !== 'string' || r[field] === '') return { ok: false, reason: `missing ${field}` };
  }
  if (!Array.isArray(r.to) || r.to.length === 0 || !r.to.every((t) => typeof t === 'string')) {
    return { ok: false, reason: 'to must be a non-empty list of unit ids' };
  }
  for (const field of ['confirms', 'period'] as const) {
    if (r[field] !== undefined && typeof r[field] !== 'string') return { ok: false, reason: `${field} must be a string` };
  }
  if (r.items !== undefined && (!Array.isArray(r.items) || !r.items.every((i) => typeof i === 'string'))) return { ok: false, reason: 'items must be a list of strings' };
  if (r.sent_at === undefined) return { ok: false, reason: 'missing sent_at' };
  const instants: Partial<Record<'sent_at' | 'reported_at' | 'event_at', Date>> = {};
  for (const field of ['sent_at', 'reported_at', 'event_at'] as const) {
    if (r[field] === undefined) continue;
    const at = parseIsoInstant(r[field]);
    if (!at) return { ok: false, reason: `bad instant in ${field}: ${JSON.stringify(r[field])} (expected ISO 8601 with an offset)` };
    instants[field] = at;
  }
  const message: AuditMessage = {
    id: r.id as string,
    kind: r.kind as AuditMessage['kind'],
    from: r.from as string,
    to: r.to as string[],
    sentAt: instants.sent_at as Date,
  };
  if (instants.reported_at) message.reportedAt = instants.reported_at;
  if (r.confirms !== undefined) message.confirms = r.confirms as string;
  if (r.period !== undefined) message.period = r.period as string;
  if (instants.event_at) message.eventAt = instants.event_at;
  if (r.items !== undefined) message.items = r.items as string[];
  return { ok: true, message };
}

/**
 * Reads DIR.json text into a Directory; returns the list of problems instead when it is not one.
 * The agencies are the contract's (the engine itself takes any code).
 */
export function parseDirectory(text: string): { ok: true; directory: Directory } | { ok: false; errors: string[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, errors: [`not valid JSON: ${(e as Error).message}`] };
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, errors: ['not a JSON object with units and groups'] };
  // A node's signed directory document carries the directory (the audit reads its content).
  const signed = (raw as { format?: unknown }).format === SIGNED_DIRECTORY_FORMAT;
  const directory = (signed ? (raw as { directory: unknown }).directory : raw) as Directory;
  if (!directory || typeof directory !== 'object') return { ok: false, errors: ['a signed directory document without its directory'] };
  const errors = validateDirectory(directory, AGENCIES);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, directory };
}
