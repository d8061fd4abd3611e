import { encodeSigned } from '@shekara/contracts';
import { signBatch } from '@shekara/security';
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
