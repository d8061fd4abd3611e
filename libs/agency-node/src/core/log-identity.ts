import type { KeyObject } from 'node:crypto';
import { AGENCIES } from '@shekara/contracts';
import type { AgencyCode } from '@shekara/contracts';
import type { Directory, Unit } from '@shekara/directory';
import { SIG_TYPE_COSIGNATURE_V1, SIG_TYPE_ED25519, cosignatureVerifier, ed25519RawPublicKey, ed25519Verifier, formatVerifierKey } from '@shekara/tlog';
import type { NoteVerifier } from '@shekara/tlog';

/**
 * Who signs a node's transparency log, taken from the public directory so that every node (and an
 * auditor) derives the same keys: the agency's top unit (lowest level, then smallest id) is the
 * log's signer (key name = the origin, Ed25519) and the agency's witness (cosignature/v1). The two
 * uses of one key are kept apart by their signed texts (a checkpoint body vs "cosignature/v1\n…").
 */
export function logOrigin(agency: AgencyCode): string {
  return `kz.shekara.${agency}/log`;
}

export function witnessName(agency: AgencyCode): string {
  return `kz.shekara.${agency}/witness`;
}

export function logUnit(directory: Directory, agency: AgencyCode): Unit {
  const units = directory.units({ agency }).sort((a, b) => a.level - b.level || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (!units.length) throw new Error(`the directory has no unit of ${agency}`);
  return units[0];
}

/** The public keys of the agency's log unit (every key it has: rotation keeps old checkpoints valid). */
function logPublicKeys(directory: Directory, agency: AgencyCode): KeyObject[] {
  return logUnit(directory, agency)
    .keys.map((k) => directory.publicKey(k.keyId))
    .filter((k): k is KeyObject => k !== undefined);
}

/** Verifiers of the agency's checkpoints (as the log). */
export function logVerifiers(directory: Directory, agency: AgencyCode): NoteVerifier[] {
  return logPublicKeys(directory, agency).map((k) => ed25519Verifier(logOrigin(agency), k));
}

/** Verifiers of the agency's cosignatures (as a witness). */
export function witnessVerifiers(directory: Directory, agency: AgencyCode): NoteVerifier[] {
  return logPublicKeys(directory, agency).map((k) => cosignatureVerifier(witnessName(agency), k));
}

/** The other agencies: the witnesses of this node's log. */
export function witnessesOf(agency: AgencyCode): AgencyCode[] {
  return AGENCIES.filter((a) => a !== agency);
}

/** The verifier keys (vkeys) of a log and of its witnesses, as the export's manifest names them. */
export function logVerifierKeys(directory: Directory, agency: AgencyCode): { log: string; witnesses: string[] } {
  const [own] = logPublicKeys(directory, agency).slice(-1);
  return {
    log: formatVerifierKey(logOrigin(agency), SIG_TYPE_ED25519, ed25519RawPublicKey(own)),
    witnesses: witnessesOf(agency).flatMap((w) => logPublicKeys(directory, w).map((k) => formatVerifierKey(witnessName(w), SIG_TYPE_COSIGNATURE_V1, ed25519RawPublicKey(k)))),
  };
}
