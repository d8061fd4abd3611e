import { parseCheckpoint, type Checkpoint } from './checkpoint';
import { cosignatureTimestamp } from './cosignature';
import { TlogError, TlogErrorCode } from './errors';
import { openNote, parseNote, type NoteVerifier } from './note';

/** What a verifier trusts for one log: its origin and key(s), the witnesses' keys and the quorum. */
export interface LogPolicy {
  origin: string;
  log: readonly NoteVerifier[];
  witnesses: readonly NoteVerifier[];
  /** Distinct witnesses whose cosignatures must verify. */
  quorum: number;
}

export interface TrustedCheckpoint {
  checkpoint: Checkpoint;
  /** The text that was signed (the checkpoint body). */
  text: string;
  cosigners: Array<{ name: string; timestamp: number }>;
}

/**
 * Verifies a checkpoint under a policy: the log's signature, then every cosignature by a known
 * witness (a failing one rejects the checkpoint), and a quorum of distinct witnesses.
 */
export function verifyCheckpoint(signed: string, policy: LogPolicy): TrustedCheckpoint {
  const note = parseNote(signed);
  const checkpoint = parseCheckpoint(note.text);
  if (checkpoint.origin !== policy.origin) throw new TlogError(TlogErrorCode.UNKNOWN_LOG, `origin ${JSON.stringify(checkpoint.origin)}`);
  const opened = openNote(note, [...policy.log, ...policy.witnesses]);
  const isLog = (s: { name: string; keyId: number }) => policy.log.some((v) => v.name === s.name && v.keyId === s.keyId);
  if (!opened.verified.some(isLog)) throw new TlogError(TlogErrorCode.NO_KNOWN_SIGNATURE, 'no signature by the log');
  const cosigners = new Map<string, number>();
  for (const s of opened.verified) if (!isLog(s)) cosigners.set(s.name, cosignatureTimestamp(s.signature) ?? 0);
  if (cosigners.size < policy.quorum) throw new TlogError(TlogErrorCode.QUORUM_NOT_MET, `${cosigners.size} of ${policy.quorum}`);
  return { checkpoint, text: note.text, cosigners: [...cosigners].map(([name, timestamp]) => ({ name, timestamp })) };
}
