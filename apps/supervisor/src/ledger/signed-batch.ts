/**
 * What the ledger believes: a SignedAuditBatch whose signature verifies with a key of the directory,
 * signed by a unit of the agency whose subject it came on, every event of it observed by that
 * agency's node. Pure: no I/O. Anything else (an unsigned event or batch, a bad signature, a key of
 * another agency, an event claiming another node) is refused as a whole, with a reason.
 */
import { fromBinary } from '@bufbuild/protobuf';
import { AuditEventBatchSchema, SignedAuditBatchSchema } from '@shekara/contracts';
import type { AgencyCode, AuditEvent } from '@shekara/contracts';
import type { Directory } from '@shekara/directory';
import { auditBatchSigningInput, verifySignature } from '@shekara/security';

/** Why a bus message of the audit stream was refused as a whole (the metric's `reason` label). */
export enum AuditRefusal {
  /** An AuditEvent or AuditEventBatch without a signature, on the subjects nodes no longer use. */
  Unsigned = 'unsigned',
  /** Not a SignedAuditBatch, or its batch not an AuditEventBatch, or no events. */
  Malformed = 'malformed',
  /** Unknown key, key of another unit, or a signature that does not verify. */
  BadSignature = 'bad_signature',
  /** Signed by a unit of another agency than the subject's. */
  WrongAgency = 'wrong_agency',
  /** An event of the batch names another node than the signer's agency. */
  ForeignEvent = 'foreign_event',
  /** A subject of the audit stream that is none of the agencies' audit subjects. */
  UnknownSubject = 'unknown_subject',
}

export type VerifiedBatch = { ok: true; events: AuditEvent[]; signerUnit: string } | { ok: false; refusal: AuditRefusal; reason: string };

/** Verifies the bytes of a SignedAuditBatch that arrived on `agency`'s signed audit subject. */
export function verifySignedAuditBatch(bytes: Uint8Array, agency: AgencyCode, directory: Directory): VerifiedBatch {
  const refuse = (refusal: AuditRefusal, reason: string): VerifiedBatch => ({ ok: false, refusal, reason });
  let signed;
  try {
    signed = fromBinary(SignedAuditBatchSchema, bytes);
  } catch (e) {
    return refuse(AuditRefusal.Malformed, `not a shekara.v1.SignedAuditBatch: ${(e as Error).message}`);
  }
  if (!signed.batch.length || !signed.signerUnit || !signed.keyId || !signed.signature.length) {
    return refuse(AuditRefusal.Malformed, 'a SignedAuditBatch needs batch, signer_unit, key_id and signature');
  }
  const unit = directory.findUnit(signed.signerUnit);
  if (!unit) return refuse(AuditRefusal.BadSignature, `signer unit ${JSON.stringify(signed.signerUnit)} is not in the directory`);
  const check = verifySignature(
    (keyId) => {
      const publicKey = directory.findKey(keyId) && directory.publicKey(keyId);
      return publicKey ? { unitId: directory.keyOwner(keyId), publicKey } : undefined;
    },
    signed.keyId,
    auditBatchSigningInput(signed.batch),
    signed.signature,
  );
  if (!check.ok) return refuse(AuditRefusal.BadSignature, check.reason);
  if (check.unitId !== unit.id) return refuse(AuditRefusal.BadSignature, `key ${signed.keyId} belongs to ${check.unitId}, not to the signer unit ${unit.id}`);
  if (unit.agency !== agency) return refuse(AuditRefusal.WrongAgency, `signed by ${unit.id} of ${unit.agency}, on the audit subject of ${agency}`);
  let events: AuditEvent[];
  try {
    events = fromBinary(AuditEventBatchSchema, signed.batch).events;
  } catch (e) {
    return refuse(AuditRefusal.Malformed, `the signed batch is not a shekara.v1.AuditEventBatch: ${(e as Error).message}`);
  }
  if (!events.length) return refuse(AuditRefusal.Malformed, 'an AuditEventBatch without events');
  const foreign = events.filter((ev) => ev.node !== agency);
  if (foreign.length) {
    const first = foreign[0];
    return refuse(AuditRefusal.ForeignEvent, `${foreign.length} of ${events.length} events claim another node than ${agency} (${first.eventId || '(no event_id)'}: node ${JSON.stringify(first.node)})`);
  }
  return { ok: true, events, signerUnit: unit.id };
}
