import { Inject, Injectable } from '@nestjs/common';
import { create, fromBinary, fromJson, toBinary, toJson } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { AuthUser } from '@shekara/auth';
import { CLEARANCES, mayRead } from '@shekara/auth';
import { Clock, uuidv7 } from '@shekara/common';
import {
  AGENCIES,
  BankRecordContentSchema,
  BankRecordVersionSchema,
  BankVersionAction,
  CURRENT_SCHEMA_VERSION,
  EnvelopeSchema,
  HALF_YEAR_RE,
  MessageKind,
  SignedBankVersionSchema,
  validateBankContent,
} from '@shekara/contracts';
import type { AgencyCode, BankRecordContent, Envelope } from '@shekara/contracts';
import type { Directory } from '@shekara/directory';
import type { UnitSigner } from '@shekara/security';
import { AuditAction } from '../audit';
import type { AgencyNodeConfig } from '../core';
import { DIRECTORY, NODE_CONFIG, SIGNER } from '../core';
import { OutboxRelay, WriteBatches } from '../exchange';
import { DataBankStore } from '../store';
import type { BankFilter, BankRecordRow, OutboxItem } from '../store';
import { BankAttachments } from './attachments.service';
import { signBankVersion, versionRow } from './bank-version';
import { bankQuery, documentCheck } from './bank-request';
import { DataBankError, DataBankErrorCode } from './databank.errors';
import { documentKey, plainDocumentNumber } from './document-key';
import { tsQueries } from './search-query';
import { bankItemsOf } from './from-report';

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
  async check(user: AuthUser, body: unknown): Promise<{ hit: boolean; records: (Partial<BankRecordView> & { exact: boolean; redacted: boolean })[] }> {
    const d = documentCheck(body);
    const rows = await this.store.documents(documentKey(d.issuingState, d.number), this.today(user));
    const asked = plainDocumentNumber(d.number);
    const records = rows.map((r) => {
      const number = String((r.content.travelDocument as { number?: string } | undefined)?.number ?? '');
      const exact = plainDocumentNumber(number) === asked;
      if (mayRead(user.clearance, r.classification)) return { ...view(r), exact, redacted: false };
      const status = (r.content.travelDocument as { status?: string } | undefined)?.status;
      return { id: r.record_id, ownerAgency: r.owner_agency, classification: r.classification, content: { travelDocument: { status } }, exact, redacted: true };
    });
    return { hit: records.length > 0, records };
  }

  /**
   * Adds the bank items a SEMIANNUAL or ADVANCE report carries (`bankItemsOf`), once the report is
   * stored, as records of the sender's agency contributed by its unit, linked to the report. An
   * item the bank cannot take (e.g. a number with characters no MRZ has) is left out and named; an
   * item already added (a retry) is not added again.
   */
  async fromReport(user: AuthUser, env: Envelope): Promise<{ added: string[]; skipped: { recordId: string; reason: string }[] }> {
    const added: string[] = [];
    const skipped: { recordId: string; reason: string }[] = [];
    for (const item of bankItemsOf(env, this.today(user))) {
      const v = validateBankContent(toJson(BankRecordContentSchema, item.content));
      if (!v.ok) {
        skipped.push({ recordId: item.recordId, reason: v.errors.map((e) => `${e.field}: ${e.messages.join(', ')}`).join('; ') });
        continue;
      }
      try {
        await this.write(user, item.recordId, 1, BankVersionAction.CREATE, v.value, env.messageId);
        added.push(item.recordId);
      } catch (e) {
        if (!(e instanceof DataBankError && e.code === DataBankErrorCode.VersionConflict)) throw e;
      }
    }
    return { added, skipped };
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
    const zone = this.directory.findUnit(user.unitId) ? this.directory.zoneOf(user.unitId) : 'UTC';
    return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(this.clock.now());
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
    if (!content.reviewOn) content.reviewOn = '';
    const version = create(BankRecordVersionSchema, {
      recordId,
      version: n,
      ownerAgency: this.config.agency,
      contributorUnit: user.unitId,
      createdAt: timestampFromDate(now),
      action,
      content,
      sourceMessageId: sourceMessageId ?? '',
    });
    const signed = signBankVersion(this.signer, version);
    const row = versionRow(version, signed);
    const batch = this.writes.begin();
    batch.send(this.replication(user.unitId, signed, content, now));
    batch.audit([{ actor: user.username, action: AuditAction.BankChanged, messageId: recordId, units: [user.unitId], details: { version: n, action: row.action, kind: row.kind } }]);
    const result = await batch.write((p) => this.store.writeVersions([row], now, p.auditJson, p.outboxJson, true));
    if (!result.stored.length) throw new DataBankError(DataBankErrorCode.VersionConflict);
    this.dispatch.handOver(batch.written);
    if (content.attachments.length) await this.attachments.indexRecords([recordId]);
    const stored = await this.store.record(recordId);
    return view(stored!);
  }

  /** The envelope carrying a signed version to the other agencies' nodes (addressed to their level-1 units), one outbox row per agency. */
  private replication(unit: string, signed: Uint8Array, content: BankRecordContent, now: Date): OutboxItem[] {
    const others = AGENCIES.filter((a) => a !== this.config.agency);
    const heads = others.map((a) => ({ agency: a, unit: this.directory.units({ agency: a, level: 1 })[0]?.id })).filter((h): h is { agency: AgencyCode; unit: string } => !!h.unit);
    if (!heads.length) return [];
    const id = uuidv7(this.clock);
    const env = create(EnvelopeSchema, {
      messageId: id,
      correlationId: '',
      kind: MessageKind.BANK_VERSION,
      senderUnit: unit,
      recipientUnits: heads.map((h) => h.unit),
      createdAt: timestampFromDate(now),
      reportedAt: timestampFromDate(now),
      schemaVersion: CURRENT_SCHEMA_VERSION,
      classification: content.classification,
      payload: { case: 'bankVersion', value: fromBinary(SignedBankVersionSchema, signed) },
    });
    const payload = toBinary(EnvelopeSchema, env);
    return heads.map((h) => ({ kind: 'BANK' as const, messageId: id, targetAgency: h.agency, payload, signingUnit: unit, natsMsgId: id }));
  }
}
