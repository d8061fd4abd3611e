import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { create, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { AuthUser } from '@shekara/auth';
import { Clock, uuidv7 } from '@shekara/common';
import { bi } from '@shekara/server';
import {
  BANK_ATTACHMENT_CHUNK_BYTES,
  CURRENT_SCHEMA_VERSION,
  Classification,
  EnvelopeSchema,
  FILENAME_RE,
  MAX_BANK_ATTACHMENT_BYTES,
  MessageKind,
} from '@shekara/contracts';
import type { AgencyCode, BankAttachmentChunk, BankAttachmentRef, BankAttachmentRequest, Envelope } from '@shekara/contracts';
import type { Directory } from '@shekara/directory';
import { PermanentMessageError } from '@shekara/messaging';
import type { AgencyNodeConfig } from '../core';
import { DIRECTORY, NODE_CONFIG } from '../core';
import { OutboxRelay, WriteBatches } from '../exchange';
import { BankAttachmentStore } from '../store';
import type { OutboxItem } from '../store';
import { sniffAttachmentType } from './attachment-type';
import { DataBankError, DataBankErrorCode } from './databank.errors';

/** Characters of a PDF's text kept for the search index (a tsvector holds at most 1 MB). */
export const MAX_ATTACHMENT_TEXT = 200_000;
/** Attachments asked for in one round of the fetcher. */
const ASK_BATCH = 20;

/** The number of chunks of content of this size. */
export const chunkCount = (size: number) => Math.ceil(size / BANK_ATTACHMENT_CHUNK_BYTES);

/** The text of a PDF (pdftotext of poppler-utils), or null if it has none or cannot be read. */
export function pdfText(bytes: Buffer, log?: Logger): Promise<string | null> {
  return new Promise((resolve) => {
    const child = spawn('pdftotext', ['-q', '-enc', 'UTF-8', '-', '-'], { stdio: ['pipe', 'pipe', 'ignore'], timeout: 60_000 });
    const out: Buffer[] = [];
    let length = 0;
    child.stdout.on('data', (d: Buffer) => {
      if (length < MAX_ATTACHMENT_TEXT * 4) out.push(d);
      length += d.length;
    });
    child.on('error', (err) => {
      log?.warn({ msg: 'pdftotext failed: the PDF text is not indexed', error: err.message });
      resolve(null);
    });
    child.on('close', (code) => {
      const text = Buffer.concat(out).toString('utf8').replace(/\u0000/g, '').replace(/\s+/g, ' ').trim().slice(0, MAX_ATTACHMENT_TEXT);
      resolve(code === 0 && text ? text : null);
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(bytes);
  });
}

/** A chunk verified by the intake, with the envelope that carried it. */
export interface ChunkArrival {
  env: Envelope;
  chunk: BankAttachmentChunk;
}

/**
 * Attachments of the data bank (docs/databank.md, "Attachments"): taken from the desk (at most
 * 25 MiB, the type sniffed from the bytes), stored content-addressed in chunks; named by the signed
 * versions of records (hash, size, type, name); moved between nodes on request: a node lacking a
 * file that a stored version names asks the record's owner (MESSAGE_KIND_BANK_ATTACHMENT_REQUEST,
 * through the outbox), which answers with the chunks (MESSAGE_KIND_BANK_ATTACHMENT_CHUNK, 512 KiB
 * each, signed like every envelope); the asking node completes the file only if the chunks hash to
 * its name, and asks again (for what is missing) once no chunk came for BANK_ATTACHMENT_RETRY_MS (doubled at each
 * request unanswered, up to 64 times), until it has it.
 */
@Injectable()
export class BankAttachments implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('BankAttachments');
  private timer?: NodeJS.Timeout;
  private asking?: Promise<void>;
  private askAgain = false;
  private stopped = false;

  constructor(
    private readonly store: BankAttachmentStore,
    private readonly writes: WriteBatches,
    private readonly dispatch: OutboxRelay,
    private readonly clock: Clock,
    @Inject(DIRECTORY) private readonly directory: Directory,
    @Inject(NODE_CONFIG) private readonly config: AgencyNodeConfig,
  ) {}

  private get retryMs(): number {
    return this.config.bank?.attachmentRetryMs ?? 60_000;
  }

  onApplicationBootstrap(): void {
    if (this.retryMs) {
      this.timer = setInterval(() => this.kick(), this.retryMs);
      this.timer.unref();
    }
    this.kick();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
  }

  /**
   * Takes an upload: reads at most 25 MiB (one byte more refuses it, nothing stored), sniffs the
   * type from the bytes, hashes, extracts a PDF's text and stores it. Returns the reference a
   * record's content names it by.
   */
  async upload(_user: AuthUser, body: Readable, filename: unknown): Promise<{ sha256: string; size: number; mediaType: string; filename: string }> {
    if (typeof filename !== 'string' || !filename.length || filename.length > 255 || !FILENAME_RE.test(filename)) {
      body.resume();
      throw new DataBankError(DataBankErrorCode.AttachmentName);
    }
    const bytes = await readAtMost(body, MAX_BANK_ATTACHMENT_BYTES);
    if (!bytes) throw new DataBankError(DataBankErrorCode.AttachmentTooLarge);
    if (!bytes.length) throw new DataBankError(DataBankErrorCode.AttachmentEmpty);
    const mediaType = sniffAttachmentType(bytes);
    if (!mediaType) throw new DataBankError(DataBankErrorCode.AttachmentType);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const text = mediaType === 'application/pdf' ? await pdfText(bytes, this.log) : null;
    const chunks: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += BANK_ATTACHMENT_CHUNK_BYTES) chunks.push(bytes.subarray(at, at + BANK_ATTACHMENT_CHUNK_BYTES));
    await this.store.put({ sha256, size: bytes.length, mediaType, text }, chunks, this.clock.now());
    return { sha256, size: bytes.length, mediaType, filename };
  }

  /**
   * The attachments a new version names, as this node holds them: each must have been uploaded here
   * (complete); its size and type are this node's, never the client's word.
   */
  async resolve(refs: BankAttachmentRef[]): Promise<BankAttachmentRef[]> {
    const out: BankAttachmentRef[] = [];
    for (const r of refs) {
      const a = await this.store.get(r.sha256);
      if (!a?.complete) throw new DataBankError(DataBankErrorCode.AttachmentUnknown, bi(`SHA-256 ${r.sha256}`, `SHA-256 ${r.sha256}`));
      if (!out.some((o) => o.sha256 === r.sha256)) out.push({ ...r, size: a.size, mediaType: a.media_type });
    }
    return out;
  }

  /** Which of these attachments this node holds complete. */
  available(hashes: string[]): Promise<Set<string>> {
    return hashes.length ? this.store.completeAmong(hashes) : Promise.resolve(new Set());
  }

  /**
   * An attachment of a record, for download: the record must name it (in any version) and be
   * readable by the user (the caller checked the record); the bytes are written chunk by chunk.
   */
  async download(recordId: string, sha256: string, out: { head: (type: string, size: number, filename: string) => void; body: Writable }): Promise<void> {
    const named = /^[0-9a-f]{64}$/.test(sha256) ? await this.store.attachedTo(recordId, sha256) : undefined;
    if (!named) throw new DataBankError(DataBankErrorCode.AttachmentNotFound);
    const a = await this.store.get(sha256);
    if (!a?.complete) throw new DataBankError(DataBankErrorCode.AttachmentNotHere);
    out.head(a.media_type, a.size, named.filename);
    for (let i = 0; i < chunkCount(a.size); i++) {
      const data = await this.store.chunk(sha256, i);
      if (!data) throw new Error(`bank attachment ${sha256}: chunk ${i} missing although complete`);
      if (!out.body.write(data)) await new Promise((r) => out.body.once('drain', r));
    }
    out.body.end();
  }

  /** Runs a round of asking for missing attachments now (or right after the one running). */
  kick(): void {
    if (this.stopped) return;
    if (this.asking) {
      this.askAgain = true;
      return;
    }
    this.asking = this.ask()
      .catch((err) => this.log.warn({ msg: 'asking for bank attachments failed; will retry', error: (err as Error).message }))
      .finally(() => {
        this.asking = undefined;
        if (this.askAgain) {
          this.askAgain = false;
          this.kick();
        }
      });
  }

  /** Waits for the round in progress (tests). */
  async settled(): Promise<void> {
    while (this.asking) await this.asking;
  }

  /**
   * Asks the owners for the attachments named by stored versions that this node lacks (and that
   * are due again: see `BankAttachmentStore.wanted`): one request each, for the chunks missing.
   */
  private async ask(): Promise<void> {
    const now = this.clock.now();
    const wanted = await this.store.wanted(this.config.agency, now, this.retryMs || 60_000, ASK_BATCH);
    if (!wanted.length) return;
    const me = this.head(this.config.agency as AgencyCode);
    if (!me) return;
    const items: OutboxItem[] = [];
    for (const w of wanted) {
      const to = this.head(w.source_agency as AgencyCode);
      if (!to) continue;
      const have = new Set(w.have);
      // Every chunk here but not completed (a restart between the last chunk and the check): check it here.
      if (have.size === chunkCount(w.size)) {
        this.completeLater(w.sha256);
        continue;
      }
      const missing = have.size ? [...Array(chunkCount(w.size)).keys()].filter((i) => !have.has(i)) : [];
      items.push(this.item(me, to, w.source_agency as AgencyCode, Classification.UNCLASSIFIED, { case: 'bankAttachmentRequest', value: { $typeName: 'shekara.v1.BankAttachmentRequest', sha256: w.sha256, missing } }));
    }
    const batch = this.writes.begin();
    batch.send(items);
    await batch.write((p) => this.store.asked(wanted.map((w) => w.sha256), now, p.outboxJson));
    this.dispatch.handOver(batch.written);
    this.log.log({ msg: 'asked for bank attachments', attachments: wanted.map((w) => `${w.sha256.slice(0, 12)}… from ${w.source_agency} (${w.have.length}/${chunkCount(w.size)} here)`) });
  }

  /** Checks a chunk that arrived (CPU only): its place and length agree with the whole's size. */
  verifyChunk(env: Envelope): ChunkArrival {
    if (env.payload.case !== 'bankAttachmentChunk') throw new PermanentMessageError('bank: not an attachment chunk');
    const c = env.payload.value;
    const count = chunkCount(c.size);
    if (c.count !== count || c.index >= count) throw new PermanentMessageError(`bank attachment chunk: ${c.index}/${c.count} is not a chunk of ${c.size} bytes`);
    const expected = c.index < count - 1 ? BANK_ATTACHMENT_CHUNK_BYTES : c.size - (count - 1) * BANK_ATTACHMENT_CHUNK_BYTES;
    if (c.data.length !== expected) throw new PermanentMessageError(`bank attachment chunk ${c.index}: ${c.data.length} bytes, ${expected} expected`);
    return { env, chunk: c };
  }

  /**
   * Stores chunks that arrived, for attachments this node waits for (others are ignored). An
   * attachment whose chunks are all here is completed in the background (`complete`).
   */
  async receive(items: ChunkArrival[]): Promise<void> {
    for (const { env, chunk: c } of items) {
      const r = await this.store.storeChunk({ sha256: c.sha256, size: c.size, mediaType: c.mediaType, index: c.index, data: Buffer.from(c.data) }, this.clock.now());
      if (!r.wanted) {
        this.log.debug?.({ msg: 'bank attachment chunk not waited for: ignored', sha256: c.sha256, index: c.index, from: env.senderUnit });
        continue;
      }
      if (r.have >= c.count) this.completeLater(c.sha256);
    }
  }

  private readonly toComplete = new Set<string>();
  private completing?: Promise<void>;

  /** Completes attachments whose chunks are all here, one after the other, off the inbox's path. */
  private completeLater(sha256: string): void {
    this.toComplete.add(sha256);
    this.completing ??= (async () => {
      for (const h of this.toComplete) {
        this.toComplete.delete(h);
        if (this.stopped) return;
        await this.complete(h).catch((err) => this.log.warn({ msg: 'completing a bank attachment failed; will retry', sha256: h, error: (err as Error).message }));
      }
    })().finally(() => (this.completing = undefined));
  }

  /**
   * Completes an attachment if its chunks hash to its name (else they are dropped and asked for
   * again), then a PDF's text goes into the search index of its records.
   */
  private async complete(sha256: string): Promise<void> {
    const a = await this.store.get(sha256);
    if (!a || a.complete) return;
    if (!(await this.store.verify(sha256, chunkCount(a.size), this.clock.now()))) {
      this.log.warn({ msg: 'bank attachment: its chunks are not all here or do not hash to its name; asked for again', sha256 });
      return;
    }
    this.log.log({ msg: 'bank attachment arrived, hash verified', sha256, size: a.size });
    if (a.media_type !== 'application/pdf') return;
    const text = await pdfText(await this.bytes(sha256, a.size), this.log);
    if (!text) return;
    await this.store.setText(sha256, text);
    await this.store.index({ sha256 });
  }

  /** Waits for the completions in progress (tests). */
  async completed(): Promise<void> {
    while (this.completing) await this.completing;
  }

  /** Search text of records just written (their attachments' text, if any is here). */
  async indexRecords(recordIds: string[]): Promise<void> {
    if (recordIds.length) await this.store.index({ recordIds });
  }

  /** Requests waiting for an answer, by asking unit and file (a request asked again while waiting is one). */
  private readonly pending = new Map<string, Envelope>();
  private answering?: Promise<void>;

  /**
   * Takes requests for attachments: answered in the background, one after the other, so that the
   * inbox acknowledges a request at once (answering a 25 MiB file takes longer than JetStream waits
   * for an ack, and a redelivered request was answered again). A request lost with a crash costs
   * nothing: the asking node asks again (`ask`).
   */
  answer(requests: Envelope[]): void {
    for (const env of requests) {
      if (env.payload.case !== 'bankAttachmentRequest') continue;
      this.pending.set(`${env.senderUnit} ${env.payload.value.sha256}`, env);
    }
    this.answering ??= this.answerPending().finally(() => (this.answering = undefined));
  }

  /** Waits for the answers in progress (tests). */
  async answered(): Promise<void> {
    while (this.answering) await this.answering;
  }

  private async answerPending(): Promise<void> {
    for (const [key, env] of this.pending) {
      this.pending.delete(key);
      if (this.stopped) return;
      try {
        await this.answerOne(env);
      } catch (err) {
        this.log.warn({ msg: 'answering a request for a bank attachment failed; the asker asks again', error: (err as Error).message });
      }
    }
  }

  /**
   * Answers a request for an attachment this node holds complete: the chunks asked for (all if none
   * named), one envelope each, to the asking unit, through the outbox. A request for a file this
   * node does not hold is logged and dropped (the asker asks again later).
   */
  private async answerOne(env: Envelope): Promise<void> {
    const me = this.head(this.config.agency as AgencyCode);
    if (!me || env.payload.case !== 'bankAttachmentRequest') return;
    const req: BankAttachmentRequest = env.payload.value;
    const asker = this.directory.findUnit(env.senderUnit);
    const a = await this.store.get(req.sha256);
    if (!asker || !a?.complete) {
      this.log.warn({ msg: 'bank attachment asked for but not held here', sha256: req.sha256, by: env.senderUnit });
      return;
    }
    const count = chunkCount(a.size);
    const wanted = req.missing.length ? req.missing.filter((i) => i < count) : [...Array(count).keys()];
    const classification = await this.store.classificationOf(req.sha256);
    // One statement per few chunks: a 25 MiB answer is not one 70 MB statement.
    for (let from = 0; from < wanted.length; from += 8) {
      const items: OutboxItem[] = [];
      for (const index of wanted.slice(from, from + 8)) {
        const data = await this.store.chunk(req.sha256, index);
        if (!data) continue;
        const value: BankAttachmentChunk = { $typeName: 'shekara.v1.BankAttachmentChunk', sha256: a.sha256, size: a.size, mediaType: a.media_type, index, count, data };
        items.push(this.item(me, env.senderUnit, asker.agency as AgencyCode, classification, { case: 'bankAttachmentChunk', value }));
      }
      const batch = this.writes.begin();
      batch.send(items);
      await batch.write((p) => this.store.queue(p.outboxJson));
      this.dispatch.handOver(batch.written);
    }
    this.log.log({ msg: 'bank attachment sent on request', sha256: req.sha256, chunks: wanted.length, to: env.senderUnit });
  }

  private async bytes(sha256: string, size: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    for (let i = 0; i < chunkCount(size); i++) parts.push((await this.store.chunk(sha256, i))!);
    return Buffer.concat(parts);
  }

  /** The level-1 unit of an agency: the bank's envelopes go between these. */
  private head(agency: AgencyCode): string | undefined {
    return this.directory.units({ agency, level: 1 })[0]?.id;
  }

  private item(from: string, to: string, agency: AgencyCode, classification: Classification, payload: Envelope['payload']): OutboxItem {
    const now = this.clock.now();
    const id = uuidv7(this.clock);
    const kind = payload.case === 'bankAttachmentChunk' ? MessageKind.BANK_ATTACHMENT_CHUNK : MessageKind.BANK_ATTACHMENT_REQUEST;
    const env = create(EnvelopeSchema, {
      messageId: id,
      correlationId: '',
      kind,
      senderUnit: from,
      recipientUnits: [to],
      createdAt: timestampFromDate(now),
      reportedAt: timestampFromDate(now),
      schemaVersion: CURRENT_SCHEMA_VERSION,
      classification,
      payload,
    });
    return { kind: 'BANK', messageId: id, targetAgency: agency, payload: toBinary(EnvelopeSchema, env), signingUnit: from, natsMsgId: id };
  }
}

/**
 * Reads a stream to its end, up to `max` bytes; undefined if it is longer (what follows is read
 * and discarded, so that the refusal can still be answered on the connection).
 */
export function readAtMost(body: Readable, max: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let length = 0;
    let over = false;
    body.on('data', (piece: Buffer | string) => {
      const b = Buffer.isBuffer(piece) ? piece : Buffer.from(piece);
      length += b.length;
      if (over) return;
      if (length > max) {
        over = true;
        parts.length = 0;
        resolve(undefined);
        return;
      }
      parts.push(b);
    });
    body.on('end', () => {
      if (!over) resolve(Buffer.concat(parts, length));
    });
    body.on('error', (err) => {
      if (!over) reject(err);
    });
  });
}
