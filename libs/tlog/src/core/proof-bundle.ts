import { TlogError, TlogErrorCode } from './errors';
import { fromBase64, hashFromBase64, toBase64, type Hash } from './hash';
import { verifyCheckpoint, type LogPolicy, type TrustedCheckpoint } from './policy';
import { verifyInclusion } from './tree';

/**
 * C2SP tlog-proof: "c2sp.org/tlog-proof@v1", an optional "extra <base64>" line, "index <n>", the
 * inclusion proof (one base64 hash a line), an empty line, then the checkpoint verbatim.
 */
export const TLOG_PROOF_HEADER = 'c2sp.org/tlog-proof@v1';

export interface TlogProof {
  extra?: Uint8Array;
  index: number;
  proof: Hash[];
  /** The signed checkpoint, with its cosignatures. */
  checkpoint: string;
}

export function formatTlogProof(p: TlogProof): string {
  const extra = p.extra ? `extra ${toBase64(p.extra)}\n` : '';
  return `${TLOG_PROOF_HEADER}\n${extra}index ${p.index}\n${p.proof.map((h) => toBase64(h) + '\n').join('')}\n${p.checkpoint}`;
}

export function parseTlogProof(text: string): TlogProof {
  const bad = (d: string) => new TlogError(TlogErrorCode.MALFORMED_PROOF, d);
  const blank = text.indexOf('\n\n');
  if (blank < 0) throw bad('no empty line before the checkpoint');
  const lines = text.slice(0, blank).split('\n');
  if (lines[0] !== TLOG_PROOF_HEADER) throw bad('not a c2sp.org/tlog-proof@v1 proof');
  let i = 1;
  let extra: Uint8Array | undefined;
  if (lines[i]?.startsWith('extra ')) {
    extra = fromBase64(lines[i].slice(6));
    if (!extra) throw bad('bad extra data');
    i++;
  }
  const m = /^index (0|[1-9][0-9]*)$/.exec(lines[i] ?? '');
  if (!m || !Number.isSafeInteger(Number(m[1]))) throw bad('bad index line');
  const proof = lines.slice(i + 1).map((l) => {
    const h = hashFromBase64(l);
    if (!h) throw bad('bad proof line');
    return h;
  });
  return { extra, index: Number(m[1]), proof, checkpoint: text.slice(blank + 2) };
}

/** Verifies the checkpoint under the policy and the entry's inclusion; throws TlogError. */
export function verifyTlogProof(p: TlogProof, leaf: Hash, policy: LogPolicy): TrustedCheckpoint {
  const trusted = verifyCheckpoint(p.checkpoint, policy);
  if (!verifyInclusion(leaf, p.index, trusted.checkpoint.size, p.proof, trusted.checkpoint.root)) {
    throw new TlogError(TlogErrorCode.BAD_INCLUSION_PROOF, `index ${p.index} in size ${trusted.checkpoint.size}`);
  }
  return trusted;
}
