import { Inject, Injectable } from '@nestjs/common';
import type { AuthUser } from '@shekara/auth';
import { Clock, uuidv7 } from '@shekara/common';
import { Classification, Sex } from '@shekara/contracts';
import { localDate } from '@shekara/policy';
import type { Directory } from '@shekara/directory';
import { compare, preparePerson } from '@shekara/matching';
import type { Candidate, Explanation, PersonRecord } from '@shekara/matching';
import { AuditAction, auditLogJson } from '../audit';
import { DIRECTORY, cleared } from '../core';
import { DataBankService } from '../databank';
import type { DocumentHit } from '../databank';
import { MessagesService } from '../desk';
import { hitDecisionEnvelope } from '../envelopes';
import { PersonsStore } from '../store';
import type { MatchDecisionRow, PersonSourceRow } from '../store';
import { decideRequest } from './decide.request';
import { checkRequest } from './check.request';
import { personsOf } from './persons-of';
import type { PersonRole } from './persons-of';
import { PersonsError, PersonsErrorCode } from './persons.errors';

/** The report a candidate was named in, as far as the user may see it. */
export interface MatchSource {
  messageId: string;
  kind: string;
  /** The urgent report's topic, or the advance notice's subject. */
  topic: string | null;
  direction: 'OUT' | 'IN';
  senderUnit: string;
  agency: string;
  classification: string;
  /** When it happened (event or occurrence), else when the report was created: YYYY-MM-DD in the sending unit's zone. */
  date: string;
  /** The report's summary: absent when redacted. */
  summary?: string;
}

export interface PersonMatch {
  personId: string;
  score: number;
  match: boolean;
  role: PersonRole;
  /** The candidate as filed: absent when redacted. */
  person?: PersonRecord;
  explanation: Explanation;
  /** The other record is in a CONFIDENTIAL report the user's unit is no party to, or above the user's clearance: no text of it is shown. */
  redacted: boolean;
  source: MatchSource;
  /** The decision of the user's unit on this match, if one was taken. */
  decision?: MatchDecision;
}

export interface MatchDecision {
  personId: string;
  candidateId: string;
  decision: 'CONFIRMED' | 'REJECTED';
  note?: string;
  decidedBy: string;
  decidedAt: Date;
  /** The hit decisions this decision sent: one to each other agency's unit that reported a record of the pair. */
  sentMessageIds?: string[];
}

/** A hit decision another agency's unit sent about a person in a message of the user's unit. */
export interface ReceivedHitDecision {
  /** The HIT_DECISION message (in the unit's inbox). */
  id: string;
  senderUnit: string;
  agency: string;
  outcome: 'CONFIRMED' | 'REJECTED';
  /** Which person of the message (0-based, as filed: `<message id>:<n>`). */
  personId: string;
  /** Their person, as they hold it. */
  person: Record<string, unknown>;
  matchedMessageId: string;
  score: number;
  note?: string;
  decidedBy: string;
  decidedAt: string;
  receivedAt: Date;
}

const decisionView = (d: MatchDecisionRow): MatchDecision => ({
  personId: d.person_id,
  candidateId: d.candidate_id,
  decision: d.decision,
  ...(d.note && { note: d.note }),
  decidedBy: d.decided_by,
  decidedAt: d.decided_at,
});

/** A document of the person the data bank holds as lost, stolen or invalidated: the bank record is the source. */
export interface BankDocumentMatch {
  /** The person's document, as given. */
  document: { number: string; issuingState: string };
  /** The bank's record (redacted to status and owner when the user is not cleared for it), and whether the number is exactly the person's. */
  record: DocumentHit;
}

export interface MessagePersonMatches {
  person: PersonRecord & { role: PersonRole };
  matches: PersonMatch[];
  /** The person's documents the data bank holds as lost, stolen or invalidated. */
  documents: BankDocumentMatch[];
}

/** Possible matches of the persons of a message, and the "check a person" search, from everything the node holds. */
@Injectable()
export class PersonsService {
  /** Candidates looked at per person. */
  static readonly CANDIDATES = 10;

  constructor(
    private readonly store: PersonsStore,
    @Inject(DIRECTORY) private readonly directory: Directory,
    private readonly clock: Clock,
    private readonly messages: MessagesService,
    private readonly bank: DataBankService,
  ) {}

  async matchesOf(user: AuthUser, messageId: string): Promise<MessagePersonMatches[]> {
    const message = (await this.store.sources([messageId])).get(messageId);
    if (!message || !visibleTo(message, user)) throw new PersonsError(PersonsErrorCode.MessageNotFound);
    // The persons of a message above the user's clearance are its text: refused as opening it is.
    if (!cleared(user, message.classification)) throw new PersonsError(PersonsErrorCode.NotCleared);
    const out: MessagePersonMatches[] = [];
    const named = personsOf(message.id, message.payload);
    const decided = await this.store.decisions(user.unitId, named.map((n) => n.record.id));
    for (const n of named) {
      // Persons of the same message are no match of each other; the rest, at the alert threshold.
      const found = (await this.store.candidates(n.record, PersonsService.CANDIDATES, messageId)).filter((c) => c.match);
      const matches = (await this.views(user, found)).map((m) => {
        const d = decided.find((x) => x.person_id === n.record.id && x.candidate_id === m.personId);
        return d ? { ...m, decision: decisionView(d) } : m;
      });
      out.push({ person: { ...n.record, role: n.role }, matches, documents: await this.bankDocuments(user, n.record) });
    }
    return out;
  }

  /**
   * Records an officer's decision on a possible match: the person must be named in a message of
   * the officer's unit, the other person filed from another message. Audited; the latest decision
   * of the unit on the pair stands.
   */
  async decide(user: AuthUser, body: unknown): Promise<MatchDecision> {
    const req = decideRequest(body);
    const messageId = sourceOf(req.personId);
    const message = (await this.store.sources([messageId])).get(messageId);
    if (!message || !visibleTo(message, user) || !personsOf(messageId, message.payload).some((p) => p.record.id === req.personId)) throw new PersonsError(PersonsErrorCode.PersonNotFound);
    const other = await this.store.person(req.candidateId);
    const otherMessage = sourceOf(req.candidateId);
    if (!other || other.source !== otherMessage || otherMessage === messageId) throw new PersonsError(PersonsErrorCode.PersonNotFound);
    // Each record of the pair that came from another agency's report: the unit that reported it
    // hears of the decision (signed, over the bus, through the desk's durable send path), told which
    // of its persons and what the other record is. Sent before the decision is recorded here, so a
    // decision on record has always been sent; a retry after a failure sends it again.
    const otherSource = (await this.store.sources([otherMessage])).get(otherMessage);
    const named = personsOf(messageId, message.payload).find((p) => p.record.id === req.personId)!.record;
    const score = compare(preparePerson(named), preparePerson(other.record)).score;
    const sides = [
      { source: message, personId: req.personId, otherMessage, otherRecord: other.record },
      { source: otherSource, personId: req.candidateId, otherMessage: messageId, otherRecord: named },
    ];
    const sentMessageIds: string[] = [];
    for (const side of sides) {
      if (!side.source || side.source.direction !== 'IN' || this.directory.agencyOf(side.source.sender_unit) === this.directory.agencyOf(user.unitId)) continue;
      sentMessageIds.push(
        await this.messages.sendBuilt(
          user,
          hitDecisionEnvelope({
            id: uuidv7(this.clock),
            now: this.clock.now(),
            senderUnit: user.unitId,
            recipientUnit: side.source.sender_unit,
            classification: higherClassification(message.classification, otherSource?.classification ?? message.classification),
            messageId: side.source.id,
            personIndex: Number(side.personId.slice(side.personId.lastIndexOf(':') + 1)),
            matchedMessageId: side.otherMessage,
            person: matchedPerson(side.otherRecord),
            outcome: req.decision,
            score,
            note: req.note,
            decidedBy: user.username,
          }),
        ),
      );
    }
    const now = this.clock.now();
    const audit = auditLogJson(now, [
      {
        actor: user.username,
        action: req.decision === 'CONFIRMED' ? AuditAction.MatchConfirmed : AuditAction.MatchRejected,
        messageId,
        units: [user.unitId],
        details: { personId: req.personId, candidateId: req.candidateId, candidateMessageId: otherMessage, ...(req.note && { note: req.note }), ...(sentMessageIds.length && { sentMessageIds }) },
      },
    ]);
    const row = await this.store.decide(
      { unit_id: user.unitId, person_id: req.personId, candidate_id: req.candidateId, message_id: messageId, candidate_message_id: otherMessage, decision: req.decision, note: req.note ?? null, decided_by: user.username, decided_at: now },
      audit,
    );
    return { ...decisionView(row), sentMessageIds };
  }

  /** The hit decisions other agencies' units sent about persons in this message of the user's unit, newest first. */
  async receivedDecisions(user: AuthUser, messageId: string): Promise<ReceivedHitDecision[]> {
    const message = (await this.store.sources([messageId])).get(messageId);
    if (!message || !visibleTo(message, user)) throw new PersonsError(PersonsErrorCode.MessageNotFound);
    const rows = await this.store.hitDecisionsAbout(messageId, user.unitId);
    return rows.map((r) => {
      const d = (r.payload as { hitDecision?: Record<string, unknown> }).hitDecision ?? {};
      return {
        id: r.id,
        senderUnit: r.sender_unit,
        agency: this.directory.findUnit(r.sender_unit)?.agency ?? r.sender_unit.split('.')[0],
        outcome: d.outcome === 'HIT_OUTCOME_CONFIRMED' ? 'CONFIRMED' : 'REJECTED',
        personId: `${messageId}:${typeof d.personIndex === 'number' ? d.personIndex : 0}`,
        person: (d.person as Record<string, unknown>) ?? {},
        matchedMessageId: String(d.matchedMessageId ?? ''),
        score: typeof d.scorePermille === 'number' ? d.scorePermille / 1000 : 0,
        ...(typeof d.note === 'string' && d.note && { note: d.note }),
        decidedBy: String(d.decidedBy ?? ''),
        decidedAt: String(d.decidedAt ?? ''),
        receivedAt: r.created_at,
      };
    });
  }

  /** Checks a person against everything the node holds; the check is audited (who looked for whom, and the hits). */
  async check(user: AuthUser, body: unknown): Promise<{ candidates: PersonMatch[]; documents: BankDocumentMatch[] }> {
    const query = checkRequest(body);
    const candidates = await this.views(user, await this.store.candidates(query, PersonsService.CANDIDATES));
    const documents = await this.bankDocuments(user, query);
    const { id: _, ...looked } = query;
    await this.store.recordCheck(
      auditLogJson(this.clock.now(), [
        {
          actor: user.username,
          action: AuditAction.PersonChecked,
          units: [user.unitId],
          details: { query: looked, hits: candidates.filter((c) => c.match).map((c) => c.personId), ...(documents.length && { bankRecords: documents.map((d) => d.record.id) }) },
        },
      ]),
    );
    return { candidates, documents };
  }

  /**
   * The person's documents (those with an issuing state: the bank's key needs it) that the data
   * bank holds as lost, stolen or invalidated, found by the bank's document key (misreadings
   * folded), active and before their review date.
   */
  private async bankDocuments(user: AuthUser, p: PersonRecord): Promise<BankDocumentMatch[]> {
    const out: BankDocumentMatch[] = [];
    for (const d of p.documents ?? []) {
      if (!d.issuingState) continue;
      for (const record of await this.bank.documentHits(user, d.issuingState, d.number)) out.push({ document: { number: d.number, issuingState: d.issuingState }, record });
    }
    return out;
  }

  /** The IANA zone of a unit (where its report's event happened), UTC for a unit no longer in the directory. */
  private zoneOf(unitId: string): string {
    try {
      return this.directory.zoneOf(unitId);
    } catch {
      return 'UTC';
    }
  }

  private async views(user: AuthUser, found: Candidate[]): Promise<PersonMatch[]> {
    const sources = await this.store.sources([...new Set(found.map((c) => sourceOf(c.id)))]);
    const out: PersonMatch[] = [];
    for (const c of found) {
      const m = sources.get(sourceOf(c.id));
      if (!m) continue;
      const named = personsOf(m.id, m.payload).find((p) => p.record.id === c.id);
      const redacted = (CONFIDENTIAL.has(m.classification) && !visibleTo(m, user)) || !cleared(user, m.classification);
      out.push({
        personId: c.id,
        score: c.score,
        match: c.match,
        role: named?.role ?? 'person',
        ...(!redacted && named && { person: named.record }),
        explanation: redacted ? redact(c.explanation) : c.explanation,
        redacted,
        source: {
          messageId: m.id,
          kind: m.kind,
          topic: topicOf(m.payload),
          direction: m.direction,
          senderUnit: m.sender_unit,
          agency: this.directory.findUnit(m.sender_unit)?.agency ?? m.sender_unit.split('.')[0],
          classification: m.classification,
          date: dateOf(m, this.zoneOf(m.sender_unit)),
          ...(!redacted && { summary: m.summary }),
        },
      });
    }
    return out;
  }
}

/** The stricter of two stored classifications (short names), as the contract's enum. */
function higherClassification(a: string, b: string): Classification {
  const level = (c: string) => Classification[c.replace(/^CLASSIFICATION_/, '') as keyof typeof Classification] ?? Classification.FOR_OFFICIAL_USE;
  return Math.max(level(a), level(b), Classification.UNCLASSIFIED) as Classification;
}

/** A filed person as the contract's MatchedPerson (what is unknown stays empty). */
function matchedPerson(p: PersonRecord) {
  const doc = p.documents?.[0];
  return {
    surname: p.surname,
    givenNames: p.givenNames,
    patronymic: p.patronymic ?? '',
    dateOfBirth: p.dateOfBirth ?? '',
    citizenship: p.citizenship ?? '',
    sex: p.sex === 'M' ? Sex.MALE : p.sex === 'F' ? Sex.FEMALE : Sex.UNSPECIFIED,
    documentNumber: doc?.number.slice(0, 32) ?? '',
    documentIssuingState: doc?.issuingState ?? '',
  };
}

/** The stored classification (short name) of a CONFIDENTIAL report, and its proto name. */
const CONFIDENTIAL = new Set(['CONFIDENTIAL', 'CLASSIFICATION_CONFIDENTIAL']);

const sourceOf = (personId: string) => personId.slice(0, personId.lastIndexOf(':'));

function visibleTo(m: PersonSourceRow, user: AuthUser): boolean {
  return m.direction === 'OUT' ? m.sender_unit === user.unitId : m.recipient_units.includes(user.unitId);
}

/** The explanation without the other record's names, date and document: only how each matched. */
function redact(e: Explanation): Explanation {
  const hide = <T extends { candidate?: string }>(f: T): T => ({ ...f, candidate: '—' });
  return {
    ...e,
    surname: hide(e.surname),
    givenNames: hide(e.givenNames),
    ...(e.patronymic && { patronymic: hide(e.patronymic) }),
    dateOfBirth: { ...e.dateOfBirth, candidate: undefined },
    document: { ...e.document, candidate: undefined },
  };
}

function topicOf(payload: Record<string, unknown>): string | null {
  const body = Object.values(payload ?? {})[0] as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object') return null;
  if (typeof body.topic === 'string') return body.topic;
  const subject = ['documents', 'expulsion', 'adminDetainees'].find((k) => k in body);
  return subject ?? null;
}

/** The local date (in the sending unit's zone) of what a report tells: its event, its occurrence, else its creation. */
function dateOf(m: PersonSourceRow, zone: string): string {
  const body = Object.values(m.payload ?? {})[0] as Record<string, unknown> | undefined;
  const occurred = typeof body?.occurredAt === 'string' ? new Date(body.occurredAt) : null;
  const at = new Date(m.event_at ?? occurred ?? m.created_at);
  return Number.isNaN(at.getTime()) ? new Date(m.created_at).toISOString().slice(0, 10) : localDate(at, zone);
}
