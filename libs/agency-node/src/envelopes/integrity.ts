import { timestampDate } from '@bufbuild/protobuf/wkt';
import { decodeEnvelope, decodeSigned } from '@shekara/contracts';
import type { SignatureVerifier } from '@shekara/security';
import { messageColumns } from './envelopes';

/** A stored `messages` row as the integrity check reads it. */
export interface StoredMessageRow {
  id: string;
  kind: string;
  senderUnit: string;
  recipientUnits: string[];
  correlationId: string;
  classification: string;
  createdAt: Date;
  reportedAt: Date | null;
  period: string | null;
  eventAt: Date | null;
  confirms: string | null;
  summary: string;
  payload: unknown;
  signed: Uint8Array;
}

/** JSON with object keys sorted (jsonb does not keep the order they were written in). */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

const ms = (d: Date | null) => (d ? d.getTime() : null);

/**
 * The columns of a stored message that are not what its signed envelope says (empty: the row is
 * genuine). `signed` itself is in the list when the bytes do not decode or (with a verifier) their
 * signature does not verify or is not the sender's: then nothing else of the row can be trusted.
 */
export function integrityMismatches(row: StoredMessageRow, verifier?: SignatureVerifier): string[] {
  let env;
  try {
    const signed = decodeSigned(row.signed);
    if (verifier) {
      const p = signed.batchProof;
      const check = verifier.verify(signed.keyId, signed.envelope, signed.signature, p ? { index: p.index, size: p.leafCount, path: p.siblings } : undefined);
      if (!check.ok) return ['signed'];
      env = decodeEnvelope(signed.envelope);
      if (env.senderUnit !== check.unitId) return ['signed'];
    } else {
      env = decodeEnvelope(signed.envelope);
    }
  } catch {
    return ['signed'];
  }
  const cols = messageColumns(env);
  const expected: Record<string, [unknown, unknown]> = {
    id: [row.id, env.messageId],
    kind: [row.kind, cols.kind],
    sender_unit: [row.senderUnit, env.senderUnit],
    recipient_units: [canonical(row.recipientUnits), canonical(env.recipientUnits)],
    correlation_id: [row.correlationId, env.correlationId],
    classification: [row.classification, cols.classification],
    created_at: [ms(row.createdAt), env.createdAt ? timestampDate(env.createdAt).getTime() : null],
    reported_at: [ms(row.reportedAt), ms(cols.reportedAt)],
    period: [row.period, cols.period],
    event_at: [ms(row.eventAt), ms(cols.eventAt)],
    confirms: [row.confirms, cols.confirms],
    summary: [row.summary, cols.summary],
    payload: [canonical(row.payload), canonical(cols.payload)],
  };
  return Object.entries(expected)
    .filter(([, [got, want]]) => got !== want)
    .map(([field]) => field);
}
