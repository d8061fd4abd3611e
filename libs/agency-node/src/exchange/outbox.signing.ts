import { create, toBinary } from '@bufbuild/protobuf';
import { SignedAuditBatchSchema, encodeSigned } from '@shekara/contracts';
import type { AgencyCode } from '@shekara/contracts';
import type { Directory } from '@shekara/directory';
import { auditBatchSigningInput, signBatch } from '@shekara/security';
import type { UnitSigner } from '@shekara/security';

/** What signing reads and sets of an outbox row. */
export interface SignableRow {
  /** The unit that must sign the payload (a serialized Envelope), or null: published as it is. */
  signing_unit: string | null;
  payload: Buffer;
  nats_msg_id: string;
  /** The SignedEnvelope bytes, once signed. */
  signed: Buffer | null;
}

/**
 * Signs the rows not yet signed, one Ed25519 signature per signing unit over the Merkle root of its
 * envelopes among `rows`; each envelope gets its inclusion proof, so it stays verifiable (and
 * attributable to its unit) on its own. One leaf per publication id: a message to two agencies is
 * one envelope (two rows), signed once. Sets `signed` of each row signed now and returns them.
 */
export function signRows<R extends SignableRow>(signer: UnitSigner, rows: readonly R[]): R[] {
  const byUnit = new Map<string, Map<string, R[]>>();
  for (const r of rows) {
    if (!r.signing_unit || r.signed) continue;
    const leaves = byUnit.get(r.signing_unit) ?? new Map<string, R[]>();
    const group = leaves.get(r.nats_msg_id);
    if (group) group.push(r);
    else leaves.set(r.nats_msg_id, [r]);
    byUnit.set(r.signing_unit, leaves);
  }
  const signed: R[] = [];
  for (const [unit, leaves] of byUnit) {
    const groups = [...leaves.values()];
    const batch = signBatch(signer, unit, groups.map((g) => g[0].payload));
    groups.forEach((group, i) => {
      const proof = batch.proofs[i];
      const bytes = Buffer.from(
        encodeSigned({ envelope: group[0].payload, keyId: batch.keyId, signature: batch.signature, batchProof: { siblings: proof.path, index: proof.index, leafCount: proof.size } }),
      );
      for (const r of group) {
        r.signed = bytes;
        signed.push(r);
      }
    });
  }
  return signed;
}

/**
 * The unit whose key signs the node's audit batches: the first unit of the agency in directory
 * order (its headquarters) that this node holds a key for. Throws if it holds none.
 */
export function auditSigningUnit(directory: Directory, agency: AgencyCode, signer: UnitSigner): string {
  const unit = directory.units({ agency }).find((u) => signer.canSignAs(u.id));
  if (!unit) throw new Error(`this node holds no signing key for any ${agency} unit: it cannot sign its audit events`);
  return unit.id;
}

/** A SignedAuditBatch (its bytes) of an encoded AuditEventBatch, signed as `unit`. */
export function signAuditBatch(signer: UnitSigner, unit: string, batch: Uint8Array): Uint8Array {
  const { keyId, signature } = signer.sign(unit, auditBatchSigningInput(batch));
  return toBinary(SignedAuditBatchSchema, create(SignedAuditBatchSchema, { batch, signerUnit: unit, keyId, signature }));
}
