import { parseCheckpoint } from './checkpoint';
import { CosignatureSigner } from './cosignature';
import { TlogError, TlogErrorCode } from './errors';
import { hashEqual, hashFromBase64, toBase64, type Hash } from './hash';
import { openNote, parseNote, signatureLine, type NoteSignature, type NoteVerifier } from './note';
import { verifyConsistency } from './tree';

/**
 * The witness of C2SP tlog-witness as a pure decision: given the last checkpoint it cosigned for
 * an origin and an add-checkpoint request, it cosigns, reports a conflict (with the size it
 * knows), refuses (400/403/404/422), or reports a fork. Persisting the new record atomically with
 * the check is the caller's part (WitnessState in memory, the PostgreSQL witness store on disk).
 */
export interface AddCheckpointRequest {
  oldSize: number;
  proof: Hash[];
  /** The signed checkpoint note, verbatim. */
  checkpoint: string;
}

/** The client may send at most 63 proof lines. */
export const MAX_PROOF_LINES = 63;
export const TLOG_SIZE_CONTENT_TYPE = 'text/x.tlog.size';

function badRequest(detail: string): TlogError {
  return new TlogError(TlogErrorCode.MALFORMED_REQUEST, detail);
}

export function parseAddCheckpointRequest(body: string): AddCheckpointRequest {
  const blank = body.indexOf('\n\n');
  if (blank < 0) throw badRequest('no empty line before the checkpoint');
  const head = body.slice(0, blank).split('\n');
  const m = /^old (0|[1-9][0-9]*)$/.exec(head[0]);
  if (!m || !Number.isSafeInteger(Number(m[1]))) throw badRequest('bad old size line');
  if (head.length - 1 > MAX_PROOF_LINES) throw badRequest(`more than ${MAX_PROOF_LINES} proof lines`);
  const proof = head.slice(1).map((l) => {
    const h = hashFromBase64(l);
    if (!h) throw badRequest('bad proof line');
    return h;
  });
  return { oldSize: Number(m[1]), proof, checkpoint: body.slice(blank + 2) };
}

export function formatAddCheckpointRequest(req: AddCheckpointRequest): string {
  return `old ${req.oldSize}\n${req.proof.map((h) => toBase64(h) + '\n').join('')}\n${req.checkpoint}`;
}

/** The response body of a cosigned request: the cosignature line(s). */
export function parseCosignatureResponse(body: string): NoteSignature[] {
  return parseNote(`x\n\n${body}`).signatures;
}

export interface WitnessedLog {
  origin: string;
  verifiers: readonly NoteVerifier[];
}

/** The last checkpoint a witness cosigned for an origin. */
export interface CosignedRecord {
  origin: string;
  size: number;
  root: Hash;
  /** The signed checkpoint as received. */
  checkpoint: string;
}

export interface ForkEvidence {
  origin: string;
  /** same-size: two signed checkpoints of one size with different roots (a proven fork);
   *  unproven: a signed checkpoint whose consistency proof from the cosigned one fails. */
  reason: 'same-size' | 'unproven';
  known: string;
  presented: string;
  oldSize: number;
  proof: string[];
}

export type WitnessDecision =
  | { kind: 'cosigned'; status: 200; body: string; cosignature: NoteSignature; record: CosignedRecord }
  | { kind: 'conflict'; status: 409; size: number; body: string; contentType: typeof TLOG_SIZE_CONTENT_TYPE }
  | { kind: 'fork'; status: 409; size: number; body: string; contentType: typeof TLOG_SIZE_CONTENT_TYPE; evidence: ForkEvidence }
  | { kind: 'refused'; status: 400 | 403 | 404 | 422; code: TlogErrorCode; detail?: string; evidence?: ForkEvidence };

function refused(status: 400 | 403 | 404 | 422, code: TlogErrorCode, detail?: string, evidence?: ForkEvidence): WitnessDecision {
  return { kind: 'refused', status, code, detail, evidence };
}

/** The decision for one request; `current` is the record for the checkpoint's origin, if any. */
export function decideAddCheckpoint(
  logs: readonly WitnessedLog[],
  cosigner: CosignatureSigner,
  current: CosignedRecord | undefined,
  request: string | AddCheckpointRequest,
  nowSeconds: number,
): WitnessDecision {
  let req: AddCheckpointRequest;
  let note;
  let cp;
  try {
    req = typeof request === 'string' ? parseAddCheckpointRequest(request) : request;
    note = parseNote(req.checkpoint);
    cp = parseCheckpoint(note.text);
  } catch (e) {
    if (e instanceof TlogError) return refused(400, e.code, e.detail);
    throw e;
  }
  const log = logs.find((l) => l.origin === cp.origin);
  if (!log) return refused(404, TlogErrorCode.UNKNOWN_LOG, cp.origin);
  try {
    openNote(note, log.verifiers);
  } catch (e) {
    if (e instanceof TlogError) return refused(403, e.code, e.detail);
    throw e;
  }
  if (current && current.origin !== cp.origin) throw new Error('witness record of another origin');
  if (req.oldSize > cp.size) return refused(400, TlogErrorCode.OLD_SIZE_TOO_LARGE, `${req.oldSize} > ${cp.size}`);
  const knownSize = current?.size ?? 0;
  const sizeBody = `${knownSize}\n`;
  if (req.oldSize !== knownSize) return { kind: 'conflict', status: 409, size: knownSize, body: sizeBody, contentType: TLOG_SIZE_CONTENT_TYPE };
  const evidence = (reason: ForkEvidence['reason']): ForkEvidence => ({
    origin: cp.origin,
    reason,
    known: current!.checkpoint,
    presented: req.checkpoint,
    oldSize: req.oldSize,
    proof: req.proof.map(toBase64),
  });
  if (current && cp.size === current.size) {
    if (!hashEqual(cp.root, current.root)) return { kind: 'fork', status: 409, size: knownSize, body: sizeBody, contentType: TLOG_SIZE_CONTENT_TYPE, evidence: evidence('same-size') };
    if (req.proof.length) return refused(422, TlogErrorCode.BAD_CONSISTENCY_PROOF, 'a proof between equal sizes must be empty');
  } else if (!verifyConsistency(req.oldSize, cp.size, current?.root ?? new Uint8Array(32), cp.root, req.proof)) {
    return refused(422, TlogErrorCode.BAD_CONSISTENCY_PROOF, undefined, current ? evidence('unproven') : undefined);
  }
  const cosignature = cosigner.cosign(note.text, nowSeconds);
  return {
    kind: 'cosigned',
    status: 200,
    body: signatureLine(cosignature),
    cosignature,
    record: { origin: cp.origin, size: cp.size, root: cp.root, checkpoint: req.checkpoint },
  };
}

/** A witness held in memory: the decision plus the record update, one request at a time. */
export class WitnessState {
  private readonly records = new Map<string, CosignedRecord>();

  constructor(
    private readonly logs: readonly WitnessedLog[],
    private readonly cosigner: CosignatureSigner,
    records: Iterable<CosignedRecord> = [],
  ) {
    for (const r of records) this.records.set(r.origin, r);
  }

  latest(origin: string): CosignedRecord | undefined {
    return this.records.get(origin);
  }

  addCheckpoint(request: string | AddCheckpointRequest, nowSeconds: number): WitnessDecision {
    let origin: string | undefined;
    try {
      const req = typeof request === 'string' ? parseAddCheckpointRequest(request) : request;
      origin = parseCheckpoint(parseNote(req.checkpoint).text).origin;
    } catch {
      origin = undefined; // decideAddCheckpoint reports the malformed request
    }
    const d = decideAddCheckpoint(this.logs, this.cosigner, origin === undefined ? undefined : this.records.get(origin), request, nowSeconds);
    if (d.kind === 'cosigned') this.records.set(d.record.origin, d.record);
    return d;
  }
}
