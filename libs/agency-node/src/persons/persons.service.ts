import { Inject, Injectable } from '@nestjs/common';
import type { AuthUser } from '@shekara/auth';
import { Clock } from '@shekara/common';
import type { Directory } from '@shekara/directory';
import type { Candidate, Explanation, PersonRecord } from '@shekara/matching';
import { AuditAction, auditLogJson } from '../audit';
import { DIRECTORY, cleared } from '../core';
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
  /** When it happened (event or occurrence), else when the report was created: YYYY-MM-DD. */
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
}

const decisionView = (d: MatchDecisionRow): MatchDecision => ({
  personId: d.person_id,
  candidateId: d.candidate_id,
  decision: d.decision,
  ...(d.note && { note: d.note }),
  decidedBy: d.decided_by,
  decidedAt: d.decided_at,
});

export interface MessagePersonMatches {
  person: PersonRecord & { role: PersonRole };
  matches: PersonMatch[];
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
      out.push({ person: { ...n.record, role: n.role }, matches });
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
    const now = this.clock.now();
    const audit = auditLogJson(now, [
      {
        actor: user.username,
        action: req.decision === 'CONFIRMED' ? AuditAction.MatchConfirmed : AuditAction.MatchRejected,
        messageId,
        units: [user.unitId],
        details: { personId: req.personId, candidateId: req.candidateId, candidateMessageId: otherMessage, ...(req.note && { note: req.note }) },
      },
    ]);
    const row = await this.store.decide(
      { unit_id: user.unitId, person_id: req.personId, candidate_id: req.candidateId, message_id: messageId, candidate_message_id: otherMessage, decision: req.decision, note: req.note ?? null, decided_by: user.username, decided_at: now },
      audit,
    );
    return decisionView(row);
  }

  /** Checks a person against everything the node holds; the check is audited (who looked for whom, and the hits). */
  async check(user: AuthUser, body: unknown): Promise<{ candidates: PersonMatch[] }> {
    const query = checkRequest(body);
    const candidates = await this.views(user, await this.store.candidates(query, PersonsService.CANDIDATES));
    const { id: _, ...looked } = query;
    await this.store.recordCheck(
      auditLogJson(this.clock.now(), [{ actor: user.username, action: AuditAction.PersonChecked, units: [user.unitId], details: { query: looked, hits: candidates.filter((c) => c.match).map((c) => c.personId) } }]),
    );
    return { candidates };
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
          date: dateOf(m),
          ...(!redacted && { summary: m.summary }),
        },
      });
    }
    return out;
  }
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

function dateOf(m: PersonSourceRow): string {
  const body = Object.values(m.payload ?? {})[0] as Record<string, unknown> | undefined;
  const occurred = typeof body?.occurredAt === 'string' ? new Date(body.occurredAt) : null;
  const at = m.event_at ?? occurred ?? m.created_at;
  return new Date(at).toISOString().slice(0, 10);
}
