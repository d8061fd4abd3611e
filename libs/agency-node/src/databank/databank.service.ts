import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { create, fromBinary, fromJson, toBinary, toJson } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { AuthUser } from '@shekara/auth';
import { CLEARANCES, mayRead } from '@shekara/auth';
import { Clock, uuidv7 } from '@shekara/common';
import {
  AGENCIES,
  BankRecordContentSchema,
  BankRecordVersionSchema,
  BankResyncRequestSchema,
  BankVersionAction,
  CURRENT_SCHEMA_VERSION,
  Classification,
  EnvelopeSchema,
  HALF_YEAR_RE,
  payloadKind,
  SignedBankVersionSchema,
  validateBankContent,
} from '@shekara/contracts';
import type { AgencyCode, BankRecordContent, Envelope } from '@shekara/contracts';
import type { Directory } from '@shekara/directory';
import type { UnitSigner } from '@shekara/security';
import { AuditAction } from '../audit';
import type { AuditEntry } from '../audit';
import type { AgencyNodeConfig } from '../core';
import { DIRECTORY, NODE_CONFIG, SIGNER } from '../core';
import { OutboxRelay, WriteBatches } from '../exchange';
import type { WriteBatch } from '../exchange';
import { DataBankStore } from '../store';
import type { BankFilter, BankRecordRow, BankVersionInput, OutboxItem } from '../store';
import { BankAttachments } from './attachments.service';
import { signBankVersion, versionRow } from './bank-version';
import { bankQuery, documentCheck } from './bank-request';
import { DataBankError, DataBankErrorCode } from './databank.errors';
import { documentKey, plainDocumentNumber } from './document-key';
import { tsQueries } from './search-query';
import { bankItemsOf, recordIdFor } from './from-report';

/** A version ready to be written: its row, its audit entry, and the envelopes carrying it to the other agencies' nodes. */
export interface PreparedVersion {
  row: BankVersionInput;
  audit: AuditEntry;
  outbox: OutboxItem[];
}

/** An envelope of the bank (a version, a resync request) from `sender` to `recipients`, made `now`; its kind follows its payload. */
function bankEnvelope(id: string, sender: string, recipients: string[], now: Date, classification: Classification, payload: Extract<Envelope['payload'], { case: 'bankVersion' | 'bankResyncRequest' }>): Envelope {
  return create(EnvelopeSchema, {
    messageId: id,
    correlationId: '',
    kind: payloadKind(payload.case),
    senderUnit: sender,
    recipientUnits: recipients,
    createdAt: timestampFromDate(now),
    reportedAt: timestampFromDate(now),
    schemaVersion: CURRENT_SCHEMA_VERSION,
    classification,
    payload,
  });
}

/** A record as the desk shows it. */
export interface BankRecordView {
  id: string;
  ownerAgency: string;
  version: number;
  kind: string;
  status: string;
  classification: string;
  contributorUnit: string;
  createdAt: Date;
  updatedAt: Date;
  reviewOn: string;
  title: string;
  topics: string[];
  language: string | null;
  content: Record<string, unknown>;
}

export interface BankVersionView {
  version: number;
  action: string;
  contributorUnit: string;
  createdAt: Date;
  storedAt: Date;
  sourceMessageId: string | null;
  content: Record<string, unknown>;
  /** The SignedBankVersion exactly as stored (base64): anyone can verify it with the directory. */
  signed: string;
}

/** A travel document of the bank found by the document check: the record (status and owner only when redacted), whether the number is exactly the one asked. */
export type DocumentHit = Partial<BankRecordView> & { id: string; ownerAgency: string; exact: boolean; redacted: boolean };
/** A file of a record; `available`: its bytes are at this node (else still on their way). */
export interface BankAttachmentView {
  sha256: string;
  size: number;
  mediaType: string;
  filename: string;
  available: boolean;
}

/** A piece of a search snippet: `hit` marks the words that matched. */
export interface SnippetPart {
  text: string;
  hit: boolean;
}

const view = (r: BankRecordRow): BankRecordView => ({
  id: r.record_id,
  ownerAgency: r.owner_agency,
  version: r.version,
  kind: r.kind,
  status: r.status,
  classification: r.classification,
  contributorUnit: r.contributor_unit,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  reviewOn: r.review_on,
  title: r.title,
  topics: r.topics,
  language: r.language,
  content: r.content,
});

/** The snippet of ts_headline (hits between \u0001 and \u0002) as parts, so no markup of a record reaches the console as markup. */
export function snippetParts(s: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  for (const [i, piece] of s.split(/[\u0001\u0002]/).entries()) if (piece) parts.push({ text: piece, hit: i % 2 === 1 });
  return parts;
}

/**
 * The Unified Data Bank at this node: its own agency's records made and changed here (each change a
 * new version signed by the user's unit, queued for the other agencies' nodes in the same
 * statement), and the replica of every agency's records read here: get, list, full-text search and
 * the document check, within the user's clearance.
 */
@Injectable()
export class DataBankService {
  constructor(
    private readonly store: DataBankStore,
    private readonly writes: WriteBatches,
    private readonly dispatch: OutboxRelay,
    private readonly clock: Clock,
    @Inject(DIRECTORY) private readonly directory: Directory,
    @Inject(NODE_CONFIG) private readonly config: AgencyNodeConfig,
    @Inject(SIGNER) private readonly signer: UnitSigner,
    private readonly attachments: BankAttachments,
  ) {}

  /** A new record owned by the user's agency, contributed by the user's unit. */
  async create(user: AuthUser, body: unknown, sourceMessageId?: string): Promise<BankRecordView> {
    const content = await this.withAttachments(this.content(body));
    return this.write(user, uuidv7(this.clock), 1, BankVersionAction.CREATE, content, sourceMessageId);
  }

  /** A new version of a record of the user's agency. */
  async revise(user: AuthUser, id: string, body: unknown): Promise<BankRecordView> {
    const current = await this.owned(user, id);
    const content = await this.withAttachments(this.content(body));
    return this.write(user, id, current.version + 1, BankVersionAction.REVISE, content);
  }

  /** Withdrawal: a last version with the last content; the record leaves search. */
  async withdraw(user: AuthUser, id: string): Promise<BankRecordView> {
    const current = await this.owned(user, id);
    const content = fromJson(BankRecordContentSchema, current.content as never);
    return this.write(user, id, current.version + 1, BankVersionAction.WITHDRAW, content);
  }

  async get(user: AuthUser, id: string): Promise<BankRecordView & { versions: BankVersionView[]; attachments: BankAttachmentView[] }> {
    const r = await this.readable(user, id);
    const versions = await this.store.versions(id);
    const refs = (r.content.attachments ?? []) as Omit<BankAttachmentView, 'available'>[];
    const here = await this.attachments.available(refs.map((a) => a.sha256));
    return {
      ...view(r),
      attachments: refs.map((a) => ({ sha256: a.sha256, size: a.size, mediaType: a.mediaType, filename: a.filename, available: here.has(a.sha256) })),
      versions: versions.map((v) => ({
        version: v.version,
        action: v.action,
        contributorUnit: v.contributor_unit,
        createdAt: v.created_at,
        storedAt: v.stored_at,
        sourceMessageId: v.source_message_id,
        content: v.content,
        signed: v.signed.toString('base64'),
      })),
    };
  }

  async list(user: AuthUser, query: Record<string, unknown>): Promise<{ items: BankRecordView[]; total: number }> {
    const q = bankQuery(query, false);
    const { rows, total } = await this.store.list(this.filter(user, q));
    return { items: rows.map(view), total };
  }

  async search(user: AuthUser, query: Record<string, unknown>): Promise<{ items: (BankRecordView & { rank: number; snippet: SnippetPart[] })[]; total: number }> {
    const q = bankQuery(query, true);
    const { rows, total } = await this.store.search(tsQueries(q.q!), this.filter(user, q));
    return { items: rows.map((r) => ({ ...view(r), rank: r.rank, snippet: snippetParts(r.snippet) })), total };
  }

  /**
   * The document check: number and issuing state → hit or no hit. The number is folded (spaces,
   * dashes, O/0, I/1, B/8, S/5) and looked up by its key. A hit the user is not cleared to read is
   * answered redacted (that there is one, its status and owner), since the officer at the
   * checkpoint must know to stop the document.
   */
  async check(user: AuthUser, body: unknown): Promise<{ hit: boolean; records: DocumentHit[] }> {
    const d = documentCheck(body);
    const records = await this.documentHits(user, d.issuingState, d.number);
    return { hit: records.length > 0, records };
  }

  /**
   * The active travel documents of the bank under this number and state (folded for misreadings),
   * each saying whether the number is exactly the one asked, redacted (status and owner only) when
   * the user is not cleared to read it. Also the person check's source of lost and stolen documents.
   */
  async documentHits(user: AuthUser, issuingState: string, number: string): Promise<DocumentHit[]> {
    const rows = await this.store.documents(documentKey(issuingState, number), this.today(user));
    const asked = plainDocumentNumber(number);
    return rows.map((r) => {
      const doc = r.content.travelDocument as { number?: string; status?: string } | undefined;
      const exact = plainDocumentNumber(String(doc?.number ?? '')) === asked;
      if (mayRead(user.clearance, r.classification)) return { ...view(r), exact, redacted: false };
      return { id: r.record_id, ownerAgency: r.owner_agency, classification: r.classification, content: { travelDocument: { status: doc?.status } }, exact, redacted: true };
    });
  }

  /**
   * The bank versions a SEMIANNUAL or ADVANCE report carries (`bankItemsOf`), prepared to be written
   * in the report's own transaction (`writeIn`): records of the sender's agency contributed by its
   * unit, linked to the report, each signed and queued for the other agencies' nodes. An item the
   * bank cannot take (e.g. a number with characters no MRZ has) is left out and named. Record ids
   * follow from the report's id, so nothing is ever added twice.
   */
  fromReport(user: AuthUser, env: Envelope, now: Date): { versions: PreparedVersion[]; skipped: { recordId: string; reason: string }[] } {
    const versions: PreparedVersion[] = [];
    const skipped: { recordId: string; reason: string }[] = [];
    for (const item of bankItemsOf(env, this.localDate(env.senderUnit, now))) {
      const v = validateBankContent(toJson(BankRecordContentSchema, item.content));
      if (!v.ok) {
        skipped.push({ recordId: item.recordId, reason: v.errors.map((e) => `${e.field}: ${e.messages.join(', ')}`).join('; ') });
        continue;
      }
      versions.push(this.prepare(user.username, env.senderUnit, item.recordId, 1, BankVersionAction.CREATE, v.value, now, env.messageId));
    }
    return { versions, skipped };
  }

  /**
   * Writes prepared versions in the caller's transaction `m` (one statement: versions, records,
   * audit rows, outbox rows), through `batch`, whose written rows the caller hands to the dispatch
   * after its commit.
   */
  async writeIn(m: EntityManager, batch: WriteBatch, versions: PreparedVersion[], now: Date): Promise<void> {
    if (!versions.length) return;
    batch.send(versions.flatMap((v) => v.outbox));
    batch.audit(versions.map((v) => v.audit));
    await batch.write((p) => this.store.writeVersions(versions.map((v) => v.row), now, p.auditJson, p.outboxJson, true, m));
  }

  /**
   * What each agency contributed in a half-year ("YYYY-H1"/"YYYY-H2", UTC bounds) against the 5.5
   * obligation: records created, by kind, and the reports that carried them. Every node holds every
   * agency's records, so any node answers for all three.
   */
  async contributions(period: unknown): Promise<{ period: string; agencies: { agency: string; records: number; materials: number; specimens: number; travelDocuments: number; reports: string[] }[] }> {
    if (typeof period !== 'string' || !HALF_YEAR_RE.test(period)) {
      throw new DataBankError(DataBankErrorCode.InvalidQuery, undefined, [{ field: 'period', messages: ['period must be a half-year YYYY-H1 or YYYY-H2', 'period должен быть полугодием ГГГГ-H1 или ГГГГ-H2'] }]);
    }
    const year = Number(period.slice(0, 4));
    const h2 = period.endsWith('H2');
    const from = new Date(Date.UTC(year, h2 ? 6 : 0, 1));
    const to = new Date(Date.UTC(h2 ? year + 1 : year, h2 ? 0 : 6, 1));
    const rows = await this.store.contributions(from, to);
    return {
      period,
      agencies: AGENCIES.map((agency) => {
        const r = rows.find((x) => x.owner_agency === agency);
        return { agency, records: r?.records ?? 0, materials: r?.materials ?? 0, specimens: r?.specimens ?? 0, travelDocuments: r?.travel_documents ?? 0, reports: r?.reports ?? [] };
      }),
    };
  }

  /** The record, if the user's clearance covers it (else "not found"). */
  async readable(user: AuthUser, id: string): Promise<BankRecordRow> {
    const r = await this.store.record(id);
    if (!r || !mayRead(user.clearance, r.classification)) throw new DataBankError(DataBankErrorCode.RecordNotFound);
    return r;
  }

  /** The content with its attachments as this node holds them (uploaded here: size and type sniffed here). */
  private async withAttachments(content: BankRecordContent): Promise<BankRecordContent> {
    if (content.attachments.length) content.attachments = await this.attachments.resolve(content.attachments);
    return content;
  }

  private content(body: unknown): BankRecordContent {
    const v = validateBankContent(body);
    if (!v.ok) throw new DataBankError(DataBankErrorCode.InvalidRecord, undefined, v.errors);
    return v.value;
  }

  /** The record, if the user's agency owns it and it may still change. */
  private async owned(user: AuthUser, id: string): Promise<BankRecordRow> {
    const r = await this.store.record(id);
    if (!r || !mayRead(user.clearance, r.classification)) throw new DataBankError(DataBankErrorCode.RecordNotFound);
    if (r.owner_agency !== this.config.agency) throw new DataBankError(DataBankErrorCode.NotOwner);
    if (r.status === 'WITHDRAWN') throw new DataBankError(DataBankErrorCode.Withdrawn);
    return r;
  }

  /** The user's local date (their unit's IANA zone): the review date is a local day. */
  private today(user: AuthUser): string {
    return this.localDate(user.unitId, this.clock.now());
  }

  /** A unit's local date (its IANA zone) at `at`. */
  private localDate(unit: string, at: Date): string {
    const zone = this.directory.findUnit(unit) ? this.directory.zoneOf(unit) : 'UTC';
    return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
  }

  private filter(user: AuthUser, q: ReturnType<typeof bankQuery>): BankFilter {
    const allowed = CLEARANCES.filter((c) => mayRead(user.clearance, c));
    return { classifications: [...allowed], today: this.today(user), kind: q.kind, agency: q.agency, topic: q.topic, status: q.status, from: q.from, to: q.to, limit: q.limit, offset: q.offset };
  }

  /**
   * Writes one version: signed by the user's unit, stored with its audit entry, and queued in the
   * same statement as an envelope for each other agency's node (outbox kind BANK), handed to the
   * dispatch after the commit. A concurrent change that took the same version number wins; this one
   * writes nothing (409).
   */
  private async write(user: AuthUser, recordId: string, n: number, action: BankVersionAction, content: BankRecordContent, sourceMessageId?: string): Promise<BankRecordView> {
    const now = this.clock.now();
    const v = this.prepare(user.username, user.unitId, recordId, n, action, content, now, sourceMessageId);
    const batch = this.writes.begin();
    batch.send(v.outbox);
    batch.audit([v.audit]);
    const result = await batch.write((p) => this.store.writeVersions([v.row], now, p.auditJson, p.outboxJson, true));
    if (!result.stored.length) throw new DataBankError(DataBankErrorCode.VersionConflict);
    this.dispatch.handOver(batch.written);
    if (content.attachments.length) await this.attachments.indexRecords([recordId]);
    const stored = await this.store.record(recordId);
    return view(stored!);
  }

  /** A version signed by `unit`, with its audit entry and the envelopes carrying it to the other agencies' nodes. */
  private prepare(actor: string, unit: string, recordId: string, n: number, action: BankVersionAction, content: BankRecordContent, now: Date, sourceMessageId?: string): PreparedVersion {
    if (!content.reviewOn) content.reviewOn = '';
    const version = create(BankRecordVersionSchema, {
      recordId,
      version: n,
      ownerAgency: this.config.agency,
      contributorUnit: unit,
      createdAt: timestampFromDate(now),
      action,
      content,
      sourceMessageId: sourceMessageId ?? '',
    });
    const signed = signBankVersion(this.signer, version);
    const row = versionRow(version, signed);
    const outbox = this.replication(unit, signed, content, now);
    const day = this.localDate(unit, now);
    return {
      row,
      outbox,
      audit: {
        actor,
        action: AuditAction.BankChanged,
        messageId: recordId,
        units: [unit],
        // The ledger's event (SENT, kind BANK_VERSION; proto/shekara/v1/audit.proto): the record, its contributor and
        // recipients, the half-year it counts for (the unit's local date), the report that carried it, its kind and action.
        message: {
          kind: 'BANK_VERSION',
          senderUnit: unit,
          recipientUnits: this.heads().map((h) => h.unit),
          sentAt: now,
          period: `${day.slice(0, 4)}-H${Number(day.slice(5, 7)) <= 6 ? 1 : 2}`,
          confirms: sourceMessageId ?? null,
          summary: row.title,
          items: [row.kind, row.action],
          classification: row.classification,
        },
        details: { version: n, action: row.action, kind: row.kind, ...(sourceMessageId ? { sourceMessageId } : {}) },
      },
    };
  }

  /** Versions sent in answer to one resync request, at most (the requester asks again from its newest). */
  static readonly RESYNC_PAGE = 2000;

  /**
   * Resync, asking side: asks each other agency's node (its level-1 unit) for the versions of its
   * records created since the newest this node holds of it (`full`: all of them), in a signed
   * BANK_RESYNC_REQUEST sent as the user's unit. The answers arrive as ordinary BANK_VERSION
   * envelopes, verified and stored as always (idempotent).
   */
  async resync(user: AuthUser, body: unknown): Promise<{ requests: { agency: string; messageId: string; since: string | null }[] }> {
    const full = typeof body === 'object' && body !== null && (body as { full?: unknown }).full;
    if (full !== undefined && full !== true && full !== false) {
      throw new DataBankError(DataBankErrorCode.InvalidQuery, undefined, [{ field: 'full', messages: ['full must be true or false', 'full должно быть true или false'] }]);
    }
    const now = this.clock.now();
    const newest = full ? new Map<string, Date>() : await this.store.newestVersions();
    const requests: { agency: string; messageId: string; since: string | null }[] = [];
    const items: OutboxItem[] = [];
    for (const h of this.heads()) {
      const since = newest.get(h.agency);
      const id = uuidv7(this.clock);
      const payload = { case: 'bankResyncRequest' as const, value: create(BankResyncRequestSchema, { ownerAgency: h.agency, ...(since ? { since: timestampFromDate(since) } : {}) }) };
      const env = bankEnvelope(id, user.unitId, [h.unit], now, Classification.UNCLASSIFIED, payload);
      items.push({ kind: 'BANK', messageId: id, targetAgency: h.agency, payload: toBinary(EnvelopeSchema, env), signingUnit: user.unitId, natsMsgId: id });
      requests.push({ agency: h.agency, messageId: id, since: since ? since.toISOString() : null });
    }
    const batch = this.writes.begin();
    batch.send(items);
    batch.audit([{ actor: user.username, action: AuditAction.BankResyncRequested, units: [user.unitId], details: { requests } }]);
    await batch.write((p) => this.store.queue(p.outboxJson, p.auditJson));
    this.dispatch.handOver(batch.written);
    return { requests };
  }

  /**
   * Resync, answering side: another agency's node asked (a verified BANK_RESYNC_REQUEST addressed to
   * this agency) for this agency's versions created since an instant. Each is queued as it is
   * stored (its SignedBankVersion), in a BANK_VERSION envelope from its contributing unit to the
   * requesting agency's level-1 unit, oldest first, at most RESYNC_PAGE; the envelope ids derive
   * from the request and the version, so a request delivered twice is answered with the same ids
   * (the bus drops the copies within its duplicate window; the requester stores a version once).
   */
  async answerResync(env: Envelope): Promise<number> {
    if (env.payload.case !== 'bankResyncRequest') return 0;
    const req = env.payload.value;
    const requester = this.directory.findUnit(env.senderUnit)?.agency;
    const to = this.heads().find((h) => h.agency === requester);
    if (!to) return 0;
    const since = req.since ? timestampDate(req.since) : null;
    const rows = await this.store.versionsSince(this.config.agency, since, DataBankService.RESYNC_PAGE);
    const now = this.clock.now();
    const items: OutboxItem[] = [];
    for (const r of rows) {
      // A contributor with no valid key today cannot send it again (its version stays verifiable where it is).
      if (!this.directory.signingKeyAt(r.contributor_unit, now)) continue;
      const signed = fromBinary(SignedBankVersionSchema, r.signed);
      const version = fromBinary(BankRecordVersionSchema, signed.version);
      const id = recordIdFor(env.messageId, `${r.record_id}#${r.version}`);
      const answer = bankEnvelope(id, r.contributor_unit, [to.unit], now, version.content?.classification ?? Classification.CONFIDENTIAL, { case: 'bankVersion', value: signed });
      items.push({ kind: 'BANK', messageId: id, targetAgency: to.agency, payload: toBinary(EnvelopeSchema, answer), signingUnit: r.contributor_unit, natsMsgId: id });
    }
    const batch = this.writes.begin();
    batch.send(items);
    batch.audit([{ actor: env.senderUnit, action: AuditAction.BankResyncAnswered, messageId: env.messageId, units: [env.senderUnit], details: { since: since?.toISOString() ?? null, versions: items.length } }]);
    await batch.write((p) => this.store.queue(p.outboxJson, p.auditJson));
    this.dispatch.handOver(batch.written);
    return items.length;
  }

  /** The level-1 unit of each other agency: where this node's versions go. */
  private heads(): { agency: AgencyCode; unit: string }[] {
    const others = AGENCIES.filter((a) => a !== this.config.agency);
    return others.map((a) => ({ agency: a, unit: this.directory.units({ agency: a, level: 1 })[0]?.id })).filter((h): h is { agency: AgencyCode; unit: string } => !!h.unit);
  }

  /** The envelope carrying a signed version to the other agencies' nodes (addressed to their level-1 units), one outbox row per agency. */
  private replication(unit: string, signed: Uint8Array, content: BankRecordContent, now: Date): OutboxItem[] {
    const heads = this.heads();
    if (!heads.length) return [];
    const id = uuidv7(this.clock);
    const env = bankEnvelope(id, unit, heads.map((h) => h.unit), now, content.classification, { case: 'bankVersion', value: fromBinary(SignedBankVersionSchema, signed) });
    const payload = toBinary(EnvelopeSchema, env);
    return heads.map((h) => ({ kind: 'BANK' as const, messageId: id, targetAgency: h.agency, payload, signingUnit: unit, natsMsgId: id }));
  }
}
