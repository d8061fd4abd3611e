import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const BORDER = 'border.l4.CP-CN-A-01';
export const INTERIOR = 'interior.l4.CP-CN-A-01';
export const CUSTOMS = 'customs.l4.CP-CN-A-01';

const OK_DIR = join(__dirname, '..', 'fixtures', 'contracts', 'ok');

/** The valid SendMessageRequest fixtures, by file name. */
export function okFixtures(): Map<string, Record<string, any>> {
  const out = new Map<string, Record<string, any>>();
  for (const f of readdirSync(OK_DIR).filter((f) => f.endsWith('.json')).sort()) {
    out.set(f, JSON.parse(readFileSync(join(OK_DIR, f), 'utf8')));
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
