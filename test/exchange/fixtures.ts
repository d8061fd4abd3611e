import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const BORDER = 'border.l4.CP-CN-A-01';
export const INTERIOR = 'interior.l4.CP-CN-A-01';
export const CUSTOMS = 'customs.l4.CP-CN-A-01';

const OK_DIR = join(__dirname, '..', 'fixtures', 'contracts', 'ok');

/**
 * A fixture's times moved to `now`, as a report written now would carry them: the node refuses
 * implausible times (an urgent report older than a day, a period long past, an event not ahead), and
 * the fixture files keep the fixed dates the contract tests read.
 */
export function fresh(body: Record<string, any>, now = new Date()): Record<string, any> {
  const b = structuredClone(body);
  const minus = (ms: number) => new Date(now.getTime() - ms).toISOString();
  const today = now.toISOString().slice(0, 10);
  if (b.reportedAt) b.reportedAt = minus(10 * 60_000);
  // Well before the report (tests back-date reportedAt by hours to make a confirmation overdue).
  if (b.urgent?.occurredAt) b.urgent.occurredAt = minus(23 * 3600_000);
  if (b.advance?.eventAt) b.advance.eventAt = new Date(now.getTime() + 24 * 3600_000).toISOString();
  if (b.daily?.period) b.daily.period = today;
  if (b.monthly?.period) b.monthly.period = today.slice(0, 7);
  if (b.semiannual?.period) b.semiannual.period = `${today.slice(0, 4)}-H${Number(today.slice(5, 7)) <= 6 ? 1 : 2}`;
  return b;
}

/**
 * An occurrence time shortly before `now` at which the calendar date in Kazakhstan (UTC+5) is a day
 * ahead of UTC's: the latest instant at least 15 minutes before `now` between 19:00 and 24:00 UTC (at
 * most about 19 hours back, so an urgent report still accepts it). A test of "the local date, not
 * UTC's" uses it, so it cannot pass by the hour of the day it runs at.
 */
export function lateUtcEvening(now = new Date()): string {
  const t = new Date(now.getTime() - 15 * 60_000);
  if (t.getUTCHours() >= 19) return t.toISOString();
  return new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate()) - 60_000).toISOString();
}

/** The valid SendMessageRequest fixtures, by file name, with their times moved to now (`fresh`). */
export function okFixtures(): Map<string, Record<string, any>> {
  const out = new Map<string, Record<string, any>>();
  for (const f of readdirSync(OK_DIR).filter((f) => f.endsWith('.json')).sort()) {
    out.set(f, fresh(JSON.parse(readFileSync(join(OK_DIR, f), 'utf8'))));
  }
  return out;
}

/** The detained-migrants urgent report fixture, sent by the border section to its two counterparts. */
export function urgentDetainedMigrants(): Record<string, any> {
  for (const [name, body] of okFixtures()) {
    if (body.urgent?.detainedMigrants) return { ...body, senderUnit: BORDER, recipientUnits: [INTERIOR, CUSTOMS] };
    void name;
  }
  throw new Error('no detained-migrants urgent fixture in test/fixtures/contracts/ok');
}

/** A minimal valid daily report. */
export function daily(summary = 'No changes at the checkpoint over the day.'): Record<string, any> {
  return { senderUnit: BORDER, recipientUnits: [INTERIOR, CUSTOMS], classification: 'CLASSIFICATION_FOR_OFFICIAL_USE', daily: { summary } };
}
