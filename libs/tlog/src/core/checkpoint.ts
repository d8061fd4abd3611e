import { TlogError, TlogErrorCode } from './errors';
import { HASH_SIZE, hashFromBase64, toBase64, type Hash } from './hash';
import { openNote, parseNote, signNote, type NoteSigner, type NoteVerifier, type OpenedNote } from './note';

/** C2SP tlog-checkpoint: the note text "origin\nsize\nbase64(root)\n[extension lines\n]". */
export interface Checkpoint {
  origin: string;
  size: number;
  root: Hash;
  /** Optional extension lines (non-empty, without their newline). */
  extensions: string[];
}

function malformed(detail: string): TlogError {
  return new TlogError(TlogErrorCode.MALFORMED_CHECKPOINT, detail);
}

export function formatCheckpoint(cp: Checkpoint): string {
  if (!cp.origin || /\n/.test(cp.origin)) throw malformed('bad origin');
  if (!Number.isSafeInteger(cp.size) || cp.size < 0) throw malformed('bad size');
  if (cp.root.length !== HASH_SIZE) throw malformed('bad root hash');
  if (cp.extensions.some((l) => !l || /\n/.test(l))) throw malformed('empty extension line');
  return [cp.origin, String(cp.size), toBase64(cp.root), ...cp.extensions].map((l) => l + '\n').join('');
}

/** Parses a checkpoint's note text (not the signatures). */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw malformed('does not end with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw malformed('fewer than three lines');
  const [origin, sizeText, rootText, ...extensions] = lines;
  if (!origin) throw malformed('empty origin');
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) throw malformed(`bad tree size ${JSON.stringify(sizeText)}`);
  const root = hashFromBase64(rootText);
  if (!root) throw malformed('bad root hash');
  if (extensions.some((l) => l === '')) throw malformed('empty extension line');
  return { origin, size: Number(sizeText), root, extensions };
}

export function signCheckpoint(cp: Checkpoint, signer: NoteSigner): string {
  return signNote(formatCheckpoint(cp), [signer]);
}

export interface OpenedCheckpoint extends OpenedNote {
  checkpoint: Checkpoint;
}

/** Parses a signed checkpoint and verifies it with the log's key(s); the origin must be the expected one. */
export function openCheckpoint(signed: string, origin: string, logVerifiers: readonly NoteVerifier[]): OpenedCheckpoint {
  const note = parseNote(signed);
  const checkpoint = parseCheckpoint(note.text);
  if (checkpoint.origin !== origin) throw new TlogError(TlogErrorCode.UNKNOWN_LOG, `origin ${JSON.stringify(checkpoint.origin)}`);
  return { ...openNote(note, logVerifiers), checkpoint };
}
