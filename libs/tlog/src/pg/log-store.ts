import type { Clock } from '@shekara/common';
import { formatCheckpoint, parseCheckpoint } from '../core/checkpoint';
import { cosignatureTimestamp } from '../core/cosignature';
import { TlogError, TlogErrorCode } from '../core/errors';
import { hashEqual, hashLeaf, type Hash } from '../core/hash';
import { openNote, parseNote, signNote, signatureLine, type NoteSigner, type NoteVerifier } from '../core/note';
import {
  CompactRange,
  MapHashSource,
  RecordingHashSource,
  consistencyProof,
  inclusionProof,
  treeRoot,
  verifyConsistency,
  type HashSource,
  type NodeId,
} from '../core/tree';
import { formatAddCheckpointRequest } from '../core/witness';
import type { Query, TlogDb } from './db';

/** What a leaf records: the exact signed bytes of an envelope or receipt the node sent or received. */
export interface LeafInput {
  data: Uint8Array;
  messageId: string;
  kind: 'envelope' | 'receipt';
  direction: 'sent' | 'received';
}

export interface StoredLeaf {
  index: number;
  leafHash: Hash;
  messageId: string;
  kind: 'envelope' | 'receipt';
  direction: 'sent' | 'received';
  /** The exact signed bytes. */
  entry: Uint8Array;
  appendedAt: Date;
}

export interface StoredCheckpoint {
  size: number;
  root: Hash;
  /** The log-signed note (without cosignatures). */
  note: string;
  signedAt: Date;
}

const LEAF_COLUMNS = 'idx, leaf_hash, message_id, kind, direction, entry, appended_at';
interface LeafRow {
  idx: string;
  leaf_hash: Buffer;
  message_id: string;
  kind: 'envelope' | 'receipt';
  direction: 'sent' | 'received';
  entry: Buffer;
  appended_at: Date;
}
const toLeaf = (r: LeafRow): StoredLeaf => ({ index: Number(r.idx), leafHash: r.leaf_hash, messageId: r.message_id, kind: r.kind, direction: r.direction, entry: r.entry, appendedAt: r.appended_at });

/** Serializes the appenders of one log inside their transactions. */
export const LOG_LOCK = 0x746c6f67; // "tlog"
/**
 * Serializes the checkpoints of one log among themselves. A checkpoint does not take LOG_LOCK: the
 * leaves and nodes of a committed size never change (insert-only tables, appends commit contiguous
 * indexes), so it signs the size committed when it starts while appends go on. Holding the
 * appenders' lock through its reads and signature made every append wait for it (90 ms on average
 * at saturation, each waiting append holding a pooled connection).
 */
const CHECKPOINT_LOCK = 0x74636b70; // "tckp"

async function lockLog(q: Query): Promise<number> {
  await q('SELECT pg_advisory_xact_lock($1)', [LOG_LOCK]);
  const [r] = await q<{ size: string }>('SELECT coalesce(max(idx) + 1, 0) AS size FROM tlog_leaf');
  return Number(r.size);
}

/** Fetches the nodes a computation needs in one round trip each for leaves and inner nodes. */
async function fetchNodes(q: Query, ids: Iterable<NodeId>): Promise<MapHashSource> {
  const leaves: number[] = [];
  const levels: number[] = [];
  const indexes: number[] = [];
  for (const { level, index } of ids) {
    if (level === 0) leaves.push(index);
    else {
      levels.push(level);
      indexes.push(index);
    }
  }
  const map = new Map<string, Hash>();
  if (leaves.length) {
    for (const r of await q<{ idx: string; leaf_hash: Buffer }>('SELECT idx, leaf_hash FROM tlog_leaf WHERE idx = ANY($1::bigint[])', [leaves]))
      map.set(`0/${r.idx}`, r.leaf_hash);
  }
  if (levels.length) {
    const rows = await q<{ level: number; idx: string; hash: Buffer }>(
      'SELECT n.level, n.idx, n.hash FROM tlog_node n JOIN unnest($1::smallint[], $2::bigint[]) AS w(level, idx) ON n.level = w.level AND n.idx = w.idx',
      [levels, indexes],
    );
    for (const r of rows) map.set(`${r.level}/${r.idx}`, r.hash);
  }
  return new MapHashSource(map);
}

/** An entry's identity in the log: its id and leaf hash. */
const key = (id: string, h: Uint8Array) => `${id}/${Buffer.from(h).toString('hex')}`;

/**
 * Appends the entries at `range`'s size with the nodes they complete (`range` is extended), in one
 * statement (tlog_append). False, with nothing written, when the log is not at that size or holds
 * one of the entries.
 */
async function appendRows(q: Query, range: CompactRange, entries: readonly LeafInput[], hashes: readonly Hash[], at: Date): Promise<boolean> {
  const size = range.size;
  const levels: number[] = [];
  const nodeIndexes: number[] = [];
  const nodeHashes: Buffer[] = [];
  for (const h of hashes)
    range.append(h, (level, index, hash) => {
      levels.push(level);
      nodeIndexes.push(index);
      nodeHashes.push(Buffer.from(hash));
    });
  const [row] = await q<{ appended: boolean }>(
    'SELECT appended FROM tlog_append($1, $2::bytea[], $3::text[], $4::text[], $5::text[], $6::bytea[], $7, $8::smallint[], $9::bigint[], $10::bytea[])',
    [
      size,
      hashes.map((h) => Buffer.from(h)),
      entries.map((e) => e.messageId),
      entries.map((e) => e.kind),
      entries.map((e) => e.direction),
      entries.map((e) => Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength)),
      at,
      levels,
      nodeIndexes,
      nodeHashes,
    ],
  );
  return row?.appended === true;
}

/** Runs a tree computation against the stored nodes: records what it reads, fetches, computes. */
async function computeStored<T>(q: Query, compute: (src: HashSource) => T): Promise<T> {
  const rec = new RecordingHashSource();
  compute(rec);
  return compute(await fetchNodes(q, rec.wanted.values()));
}

/**
 * The node's append-only Merkle log in PostgreSQL. Leaves are appended in batches, each batch in
 * one transaction together with the complete-subtree nodes it finishes, so proofs read O(log n)
 * nodes and the size (the number of leaves) never runs ahead of what was committed.
 */
export class PgLogStore {
  /** The compact range at the last size this process committed (reloaded when another writer moved on). */
  private range: CompactRange | undefined;

  constructor(
    private readonly db: TlogDb,
    private readonly clock: Clock,
  ) {}

  async size(): Promise<number> {
    const [r] = await this.db.query<{ size: string }>('SELECT coalesce(max(idx) + 1, 0) AS size FROM tlog_leaf');
    return Number(r.size);
  }

  /**
   * Appends a batch of leaves in one transaction; returns the index of the first appended, the new
   * size, and each entry's index. An entry the log already holds (the same signed bytes under the
   * same id: a receipt received again, an append racing the start's catch-up after a crash) is not
   * appended again: its index is the one it has. Checked under the log's lock, by id (indexed).
   */
  async append(entries: readonly LeafInput[]): Promise<{ first: number; size: number; indexes: number[] }> {
    if (!entries.length) throw new RangeError('an empty batch');
    const hashes = entries.map((e) => hashLeaf(e.data));
    const quick = await this.appendAtKnownSize(entries, hashes);
    if (quick) return quick;
    let committed: CompactRange | undefined;
    try {
      const result = await this.db.transaction(async (q) => {
        const size = await lockLog(q);
        const known = new Map<string, number>();
        const ids = [...new Set(entries.map((e) => e.messageId))];
        for (const r of await q<{ idx: string; message_id: string; leaf_hash: Buffer }>('SELECT idx, message_id, leaf_hash FROM tlog_leaf WHERE message_id = ANY($1::text[])', [ids]))
          known.set(key(r.message_id, r.leaf_hash), Number(r.idx));
        const fresh: number[] = [];
        const indexes = entries.map((e, k) => {
          const at = known.get(key(e.messageId, hashes[k]));
          if (at !== undefined) return at;
          known.set(key(e.messageId, hashes[k]), size + fresh.length);
          fresh.push(k);
          return size + fresh.length - 1;
        });
        if (!fresh.length) {
          committed = this.range?.size === size ? this.range : undefined;
          return { first: size, size, indexes };
        }
        const range = this.range?.size === size ? this.range.clone() : await this.loadRange(q, size);
        // Under the lock, at the size just read, with none of these entries logged: it appends.
        if (!(await appendRows(q, range, fresh.map((k) => entries[k]), fresh.map((k) => hashes[k]), this.clock.now())))
          throw new Error(`tlog_append refused an append at size ${size} under the log's lock`);
        committed = range;
        return { first: size, size: range.size, indexes };
      });
      this.range = committed;
      return result;
    } catch (e) {
      this.range = undefined;
      throw e;
    }
  }

  /**
   * The usual append, in one round trip (tlog_append): this process committed the last append, so
   * it holds the log's compact range and computes the new nodes itself. Undefined (nothing
   * appended) when it holds no range, the batch repeats an entry, or the function found the log
   * moved on or holding one of the entries: the caller then takes the long way.
   */
  private async appendAtKnownSize(entries: readonly LeafInput[], hashes: readonly Hash[]): Promise<{ first: number; size: number; indexes: number[] } | undefined> {
    if (!this.range) return undefined;
    const keys = new Set(entries.map((e, k) => key(e.messageId, hashes[k])));
    if (keys.size !== entries.length) return undefined;
    const size = this.range.size;
    const range = this.range.clone();
    let appended: boolean;
    try {
      appended = await appendRows(this.db.query, range, entries, hashes, this.clock.now());
    } catch (e) {
      this.range = undefined;
      throw e;
    }
    if (!appended) {
      this.range = undefined;
      return undefined;
    }
    this.range = range;
    return { first: size, size: range.size, indexes: entries.map((_, k) => size + k) };
  }

  private async loadRange(q: Query, size: number): Promise<CompactRange> {
    const src = await fetchNodes(q, CompactRange.nodesOf(size));
    return CompactRange.fromSource(src, size);
  }

  private async checkSize(q: Query, ...sizes: number[]): Promise<void> {
    const [r] = await q<{ size: string }>('SELECT coalesce(max(idx) + 1, 0) AS size FROM tlog_leaf');
    for (const s of sizes) if (s > Number(r.size)) throw new TlogError(TlogErrorCode.SIZE_BEYOND_LOG, `${s} > ${r.size}`);
  }

  async root(size: number): Promise<Hash> {
    await this.checkSize(this.db.query, size);
    return computeStored(this.db.query, (src) => treeRoot(src, size));
  }

  async inclusionProof(index: number, size: number): Promise<Hash[]> {
    await this.checkSize(this.db.query, size);
    return computeStored(this.db.query, (src) => inclusionProof(src, index, size));
  }

  async consistencyProof(oldSize: number, newSize: number): Promise<Hash[]> {
    await this.checkSize(this.db.query, newSize);
    return computeStored(this.db.query, (src) => consistencyProof(src, oldSize, newSize));
  }

  /** The leaves [from, to) in order. */
  async leaves(from: number, to: number): Promise<StoredLeaf[]> {
    const rows = await this.db.query<LeafRow>(`SELECT ${LEAF_COLUMNS} FROM tlog_leaf WHERE idx >= $1 AND idx < $2 ORDER BY idx`, [from, to]);
    return rows.map(toLeaf);
  }

  /** The leaves recorded for a message (an envelope and its receipts, sent or received). */
  async leavesOf(messageId: string): Promise<StoredLeaf[]> {
    const rows = await this.db.query<LeafRow>(`SELECT ${LEAF_COLUMNS} FROM tlog_leaf WHERE message_id = $1 ORDER BY idx`, [messageId]);
    return rows.map(toLeaf);
  }

  // ---- checkpoints ------------------------------------------------------------------------------

  async latestCheckpoint(): Promise<StoredCheckpoint | undefined> {
    const [r] = await this.db.query<{ size: string; root: Buffer; note: string; signed_at: Date }>('SELECT size, root, note, signed_at FROM tlog_checkpoint ORDER BY size DESC LIMIT 1');
    return r && { size: Number(r.size), root: r.root, note: r.note, signedAt: r.signed_at };
  }

  async checkpoints(): Promise<StoredCheckpoint[]> {
    const rows = await this.db.query<{ size: string; root: Buffer; note: string; signed_at: Date }>('SELECT size, root, note, signed_at FROM tlog_checkpoint ORDER BY size');
    return rows.map((r) => ({ size: Number(r.size), root: r.root, note: r.note, signedAt: r.signed_at }));
  }

  /**
   * Signs and stores a checkpoint of the current size if the log grew since the last one (an empty
   * log gets none). The new tree is checked against the last checkpoint first: the log never signs
   * a fork of itself.
   */
  async signCheckpoint(origin: string, signer: NoteSigner): Promise<StoredCheckpoint | undefined> {
    return this.db.transaction(async (q) => {
      await q('SELECT pg_advisory_xact_lock($1)', [CHECKPOINT_LOCK]);
      const [r] = await q<{ size: string }>('SELECT coalesce(max(idx) + 1, 0) AS size FROM tlog_leaf');
      const size = Number(r.size);
      const [last] = await q<{ size: string; root: Buffer }>('SELECT size, root FROM tlog_checkpoint ORDER BY size DESC LIMIT 1');
      const lastSize = last ? Number(last.size) : -1;
      if (size === 0 || size <= lastSize) return undefined;
      const { root, proof } = await computeStored(q, (src) => ({ root: treeRoot(src, size), proof: last ? consistencyProof(src, lastSize, size) : [] }));
      if (last && !verifyConsistency(lastSize, size, last.root, root, proof)) throw new TlogError(TlogErrorCode.FORK, `stored tree of size ${size} is not consistent with checkpoint ${lastSize}`);
      const signedAt = this.clock.now();
      const note = signNote(formatCheckpoint({ origin, size, root, extensions: [] }), [signer]);
      await q('INSERT INTO tlog_checkpoint (size, root, note, signed_at) VALUES ($1, $2, $3, $4)', [size, Buffer.from(root), note, signedAt]);
      return { size, root, note, signedAt };
    });
  }

  /** The add-checkpoint request for a witness that last cosigned oldSize. */
  async witnessRequest(checkpoint: StoredCheckpoint, oldSize: number): Promise<string> {
    const proof = oldSize > checkpoint.size ? [] : await this.consistencyProof(oldSize, checkpoint.size);
    return formatAddCheckpointRequest({ oldSize, proof, checkpoint: checkpoint.note });
  }

  /**
   * Stores the cosignatures in a witness's response that verify on the stored checkpoint with the
   * given witness keys; returns how many were new. Lines by unknown keys are ignored.
   */
  async addCosignatures(size: number, response: string, witnesses: readonly NoteVerifier[]): Promise<number> {
    const [cp] = await this.db.query<{ note: string }>('SELECT note FROM tlog_checkpoint WHERE size = $1', [size]);
    if (!cp) throw new TlogError(TlogErrorCode.SIZE_BEYOND_LOG, `no checkpoint of size ${size}`);
    const text = parseNote(cp.note).text;
    const sigs = parseNote(`x\n\n${response}`).signatures;
    const opened = openNote({ text, signatures: sigs }, witnesses);
    const at = this.clock.now();
    let added = 0;
    for (const s of opened.verified) {
      const t = cosignatureTimestamp(s.signature) ?? 0;
      const rows = await this.db.query(
        `INSERT INTO tlog_cosignature (checkpoint_size, witness, key_id, line, cosigned_at, received_at) VALUES ($1, $2, $3, $4, to_timestamp($5), $6)
         ON CONFLICT DO NOTHING RETURNING 1`,
        [size, s.name, s.keyId, signatureLine(s), t, at],
      );
      added += rows.length;
    }
    return added;
  }

  /** The checkpoint with every cosignature received for it, as one signed note. */
  async cosignedCheckpoint(size: number): Promise<string | undefined> {
    const [cp] = await this.db.query<{ note: string }>('SELECT note FROM tlog_checkpoint WHERE size = $1', [size]);
    if (!cp) return undefined;
    const lines = await this.db.query<{ line: string }>('SELECT line FROM tlog_cosignature WHERE checkpoint_size = $1 ORDER BY witness, key_id', [size]);
    return cp.note + lines.map((l) => l.line).join('');
  }

  /** Recomputes every stored node and checkpoint root from the leaves (a full scrub; O(n)). */
  async scrub(): Promise<{ size: number; problems: string[] }> {
    const problems: string[] = [];
    const size = await this.size();
    const range = new CompactRange();
    const pageSize = 10_000;
    const expected = new Map<string, Hash>();
    const checkpoints = new Map((await this.checkpoints()).map((c) => [c.size, c]));
    for (let from = 0; from < size; from += pageSize) {
      const leaves = await this.leaves(from, Math.min(size, from + pageSize));
      for (const l of leaves) {
        if (l.index !== range.size) problems.push(`leaf ${range.size} is missing`);
        if (!hashEqual(l.leafHash, hashLeaf(l.entry))) problems.push(`leaf ${l.index}: its hash is not the hash of its entry`);
        range.append(l.leafHash, (level, index, hash) => expected.set(`${level}/${index}`, hash));
        const cp = checkpoints.get(range.size);
        if (cp && !hashEqual(cp.root, range.root())) problems.push(`checkpoint ${cp.size} does not match the leaves`);
      }
      const ids = [...expected.keys()].map((k) => k.split('/').map(Number));
      const stored = await this.db.query<{ level: number; idx: string; hash: Buffer }>(
        'SELECT n.level, n.idx, n.hash FROM tlog_node n JOIN unnest($1::smallint[], $2::bigint[]) AS w(level, idx) ON n.level = w.level AND n.idx = w.idx',
        [ids.map((x) => x[0]), ids.map((x) => x[1])],
      );
      const got = new Map(stored.map((r) => [`${r.level}/${r.idx}`, r.hash]));
      for (const [k, h] of expected) {
        const g = got.get(k);
        if (!g || !hashEqual(g, h)) problems.push(`node ${k} does not match the leaves`);
      }
      expected.clear();
    }
    for (const c of checkpoints.values()) {
      if (c.size > size) problems.push(`checkpoint ${c.size} is beyond the log (${size})`);
      if (parseCheckpoint(parseNote(c.note).text).size !== c.size) problems.push(`checkpoint ${c.size}: note of another size`);
    }
    return { size, problems };
  }
}
