import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { fromJson } from '@bufbuild/protobuf';
import type { DescMessage, JsonValue } from '@bufbuild/protobuf';
import { Clock, uuidv7, withLogContext } from '@shekara/common';
import {
  Classification,
  HandoverAcceptanceSchema,
  HandoverDisputeSchema,
  HandoverProposalSchema,
  HandoverWithdrawalSchema,
  validateEnvelope,
  validateMessageJson,
} from '@shekara/contracts';
import type { Envelope, FieldError } from '@shekara/contracts';
import type { AuthUser } from '@shekara/auth';
import type { Directory } from '@shekara/directory';
import { HANDOVER_ITEM_KINDS, POLICIES, handoverAcceptBy, policyAt } from '@shekara/policy';
import { DIRECTORY, LiveEvents, NodeError, NodeErrorCode, cleared } from '../core';
import { messageColumns } from '../envelopes';
import { OutboxRelay, SingleMessages } from '../exchange';
import { HandoverStore, MessagesStore } from '../store';
import type { OutboxRow } from '../store';
import { foldAct } from './act';
import type { HandoverAct, HandoverState } from './act';
import { HandoverError, HandoverErrorCode } from './handover.errors';
import { bi, verbatim } from '@shekara/server';

/** A step's payload case (after the proposal). */
type StepCase = 'handoverAcceptance' | 'handoverDispute' | 'handoverWithdrawal';

/** What a desk sees of an act: the act, and each step's delivery to the other side. */
export interface HandoverActView extends HandoverAct {
  /** Per step sent by this node: the other side's delivery status (PENDING, DELIVERED, READ, ...). */
  deliveries: Record<string, string>;
  /** The acceptance deadline (policy data: the handover instant plus the shortest time over its items' kinds). */
  acceptBy: Date;
  /** Classified above the user's clearance: its items, legal ground, notes and the steps' notes are withheld. */
  restricted?: true;
}

/** An act as a user may see it in a list: above their clearance, without its text (classification, parties, states and times stay). */
export function shownTo(act: HandoverActView, user: Pick<AuthUser, 'clearance'>): HandoverActView {
  if (cleared(user, act.classification)) return act;
  const { notes: _notes, sourceMessageId: _source, ...rest } = act;
  return { ...rest, legalGround: '', items: [], history: act.history.map(({ note: _note, ...h }) => h), restricted: true };
}

/** Proposals may carry a handover time this far back at most. */
const MAX_HANDED_AGO_MS = 7 * 24 * 3600_000;
const CLASSIFICATIONS = ['CLASSIFICATION_UNCLASSIFIED', 'CLASSIFICATION_FOR_OFFICIAL_USE', 'CLASSIFICATION_CONFIDENTIAL'];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The kinds of the items of a proposal, each once, in the order of HANDOVER_ITEM_KINDS ([] for a step). */
function itemKinds(env: Envelope): string[] {
  if (env.payload.case !== 'handoverProposal') return [];
  const present = new Set(env.payload.value.items.map((i) => i.item.case as string));
  return HANDOVER_ITEM_KINDS.filter((k) => present.has(k));
}

const invalid = (errors: FieldError[]) => new HandoverError(HandoverErrorCode.InvalidHandover, undefined, errors);

/**
 * Handover acts of clause 9.6 at the duty desk: propose (handing unit), accept whole or in part,
 * dispute (receiving unit), withdraw (handing unit), list, get with the chain of custody. Each step
 * is a signed envelope stored with its outbox row and audit entry in one statement, in a
 * transaction that holds the act's lock and re-checks its state, so a step is taken once.
 */
@Injectable()
export class HandoverService {
  private readonly log = new Logger('Handover');

  constructor(
    private readonly store: HandoverStore,
    private readonly messages: MessagesStore,
    private readonly single: SingleMessages,
    private readonly dispatch: OutboxRelay,
    private readonly clock: Clock,
    private readonly live: LiveEvents,
    @Inject(DIRECTORY) private readonly directory: Directory,
  ) {}

  /** POST /api/handovers: `{ receivingUnit, classification?, ...HandoverProposal }` (handedAt defaults to now, officer to the user). */
  async propose(user: AuthUser, body: unknown): Promise<HandoverActView> {
    this.mustBeDutyOfficer(user);
    if (!isObject(body)) throw invalid([{ field: '', messages: ['the body must be a JSON object'], code: 'NOT_JSON_OBJECT' }]);
    const { receivingUnit, classification = 'CLASSIFICATION_FOR_OFFICIAL_USE', ...rest } = body;
    const now = this.clock.now();
    const errors: FieldError[] = [];
    if (typeof receivingUnit !== 'string' || !this.directory.findUnit(receivingUnit)) errors.push({ field: 'receivingUnit', messages: ['receivingUnit must be a unit of the directory'], code: 'UNIT_ID' });
    if (typeof classification !== 'string' || !CLASSIFICATIONS.includes(classification)) errors.push({ field: 'classification', messages: [`classification must be one of: ${CLASSIFICATIONS.join(', ')}`], code: 'ENUM', params: { values: CLASSIFICATIONS.join(', ') } });
    const json: Record<string, unknown> = { officer: user.username, handedAt: now.toISOString(), ...rest };
    errors.push(...validateMessageJson(HandoverProposalSchema, json));
    if (!errors.length) {
      const handedAt = new Date(json.handedAt as string).getTime();
      const skew = policyAt(POLICIES, now).plausibility.clockSkewMs;
      if (handedAt > now.getTime() + skew) errors.push({ field: 'handedAt', messages: ['handedAt must not be in the future'], code: 'HANDED_IN_FUTURE', params: { latest: now.toISOString() } });
      else if (handedAt < now.getTime() - MAX_HANDED_AGO_MS) errors.push({ field: 'handedAt', messages: ['handedAt must be within the last 7 days'], code: 'HANDED_TOO_LONG_AGO', params: { earliest: new Date(now.getTime() - MAX_HANDED_AGO_MS).toISOString() } });
    }
    if (errors.length) throw invalid(errors);
    const to = receivingUnit as string;
    if (this.directory.agencyOf(to) === this.directory.agencyOf(user.unitId)) throw new HandoverError(HandoverErrorCode.SameAgency);
    if (!this.directory.canSend(user.unitId, to)) throw new NodeError(NodeErrorCode.RecipientOutsideGroups, bi(`Not allowed: ${to}.`, `Недопустим: ${to}.`));
    if (typeof json.sourceMessageId === 'string') {
      const source = await this.messages.find(json.sourceMessageId);
      const mine = source && (source.direction === 'OUT' ? source.senderUnit === user.unitId : source.recipientUnits.includes(user.unitId));
      if (!mine) throw new HandoverError(HandoverErrorCode.UnknownSource);
    }
    const value = fromJson(HandoverProposalSchema, json as JsonValue);
    const id = uuidv7(this.clock);
    const env = this.envelope(user.unitId, to, id, id, Classification[(classification as string).replace('CLASSIFICATION_', '') as keyof typeof Classification], { case: 'handoverProposal', value }, now);
    let written: OutboxRow[] = [];
    await this.store.transaction(async (m) => {
      written = await this.write(m, user, env, now);
    });
    this.after(user, env, written);
    return this.get(user, id);
  }

  /** POST /api/handovers/:id/accept: the whole act (`{ officer? }`). */
  accept(user: AuthUser, actId: string, body: unknown): Promise<HandoverActView> {
    return this.decide(user, actId, body, 'accept');
  }

  /** POST /api/handovers/:id/accept-part: `{ officer?, refused: [{ itemId, reason }] }`, at least one item refused, not all. */
  acceptPart(user: AuthUser, actId: string, body: unknown): Promise<HandoverActView> {
    return this.decide(user, actId, body, 'part');
  }

  /** POST /api/handovers/:id/dispute: `{ officer?, reason }`. */
  dispute(user: AuthUser, actId: string, body: unknown): Promise<HandoverActView> {
    return this.decide(user, actId, body, 'dispute');
  }

  /** POST /api/handovers/:id/withdraw: `{ officer?, reason }`, by the handing unit before acceptance. */
  withdraw(user: AuthUser, actId: string, body: unknown): Promise<HandoverActView> {
    return this.decide(user, actId, body, 'withdraw');
  }

  /** The acts the user's unit receives (`in`) or hands over (`out`), newest first. */
  async list(user: AuthUser, box: 'in' | 'out', state?: HandoverState): Promise<HandoverActView[]> {
    const ids = await this.store.actsOf(user.unitId, box, 200);
    const rows = await this.store.steps(ids);
    const acts = ids.map((id) => foldAct(id, rows.filter((r) => r.correlation_id === id))).filter((a): a is HandoverAct => !!a);
    const views = (await this.withDeliveries(acts)).map((a) => shownTo(a, user));
    return state ? views.filter((a) => a.state === state) : views;
  }

  /** One act of the user's unit, with its history (the chain of custody). */
  async get(user: AuthUser, actId: string, m?: EntityManager): Promise<HandoverActView> {
    const act = foldAct(actId, await this.store.steps([actId], m));
    if (!act || !this.party(act, user)) throw new HandoverError(HandoverErrorCode.ActNotFound);
    return (await this.withDeliveries([act]))[0];
  }

  /** GET /api/handovers/:id: one act, opened only for users cleared for its classification (403 NOT_CLEARED otherwise). */
  async open(user: AuthUser, actId: string): Promise<HandoverActView> {
    const act = await this.get(user, actId);
    if (!cleared(user, act.classification)) throw new NodeError(NodeErrorCode.NotCleared);
    return act;
  }

  /** The signed envelopes of an act's steps (for its printable form; by clearance, as open()). */
  async signedSteps(user: AuthUser, actId: string): Promise<{ act: HandoverActView; signed: Map<string, Buffer> }> {
    const act = await this.open(user, actId);
    return { act, signed: await this.store.signed(act.history.map((h) => h.messageId)) };
  }

  private async decide(user: AuthUser, actId: string, body: unknown, what: 'accept' | 'part' | 'dispute' | 'withdraw'): Promise<HandoverActView> {
    this.mustBeDutyOfficer(user);
    if (!isObject(body)) throw invalid([{ field: '', messages: ['the body must be a JSON object'], code: 'NOT_JSON_OBJECT' }]);
    const now = this.clock.now();
    const stepCase: StepCase = what === 'dispute' ? 'handoverDispute' : what === 'withdraw' ? 'handoverWithdrawal' : 'handoverAcceptance';
    const json: Record<string, unknown> = { officer: user.username, ...body, actId };
    if (stepCase === 'handoverAcceptance') json.acceptedAt = now.toISOString();
    const schema: DescMessage = { handoverAcceptance: HandoverAcceptanceSchema, handoverDispute: HandoverDisputeSchema, handoverWithdrawal: HandoverWithdrawalSchema }[stepCase];
    const errors = validateMessageJson(schema, json);
    if (errors.length) throw invalid(errors);
    const refused = (json.refused ?? []) as { itemId: string }[];
    if (what === 'accept' && refused.length) throw invalid([{ field: 'refused', messages: ['an acceptance of the whole act refuses nothing; use accept-part'], code: 'WHOLE_REFUSES_NOTHING' }]);
    if (what === 'part' && !refused.length) throw invalid([{ field: 'refused', messages: ['refused is required: name each refused item with its reason'], code: 'REQUIRED' }]);
    let written: OutboxRow[] = [];
    let env: Envelope | undefined;
    await this.store.transaction(async (m) => {
      await this.store.lock(m, actId);
      const act = foldAct(actId, await this.store.steps([actId], m));
      if (!act || !this.party(act, user)) throw new HandoverError(HandoverErrorCode.ActNotFound);
      if (what === 'withdraw' ? act.handingUnit !== user.unitId : act.receivingUnit !== user.unitId) {
        throw new HandoverError(what === 'withdraw' ? HandoverErrorCode.NotYourAct : HandoverErrorCode.NotAddressedToYou);
      }
      if (act.state !== 'PROPOSED') throw new HandoverError(HandoverErrorCode.AlreadyDecided, verbatim(`(${act.state})`));
      if (what === 'part') {
        const ids = new Set(act.items.map((i) => i.itemId));
        const unknown = refused.map((r, i) => ({ r, i })).filter(({ r }) => !ids.has(r.itemId));
        if (unknown.length) throw invalid(unknown.map(({ r, i }) => ({ field: `refused.${i}.itemId`, messages: [`the act has no item ${r.itemId}`], code: 'UNKNOWN_ITEM', params: { itemId: r.itemId } })));
        if (refused.length === act.items.length) throw invalid([{ field: 'refused', messages: ['refusing every item is a dispute, not an acceptance'], code: 'REFUSE_ALL_IS_DISPUTE' }]);
      }
      const value = fromJson(schema, json as JsonValue);
      const other = what === 'withdraw' ? act.receivingUnit : act.handingUnit;
      env = this.envelope(user.unitId, other, uuidv7(this.clock), actId, Classification[act.classification as keyof typeof Classification] ?? Classification.FOR_OFFICIAL_USE, { case: stepCase, value } as Envelope['payload'], now);
      const refusedIds = new Set(refused.map((r) => r.itemId));
      const personsAccepted = stepCase === 'handoverAcceptance' ? act.items.filter((i) => i.kind === 'person' && !refusedIds.has(i.itemId)).length : undefined;
      written = await this.write(m, user, env, now, personsAccepted);
    });
    this.after(user, env!, written);
    // The decider sees the act as their clearance allows (above it: without its text).
    return shownTo(await this.get(user, actId), user);
  }

  private mustBeDutyOfficer(user: AuthUser): void {
    if (user.role !== 'duty-officer') throw new NodeError(NodeErrorCode.ForbiddenRole, bi('Only duty officers take handover steps.', 'Действия с актами приёма-передачи выполняют только дежурные.'));
    if (!this.directory.signingKeyAt(user.unitId, this.clock.now())) throw new NodeError(NodeErrorCode.NoSigningKey, bi(`${user.unitId} has no valid key in the directory.`, `У ${user.unitId} нет действующего ключа в справочнике.`));
  }

  private party(act: HandoverAct, user: AuthUser): boolean {
    return act.handingUnit === user.unitId || act.receivingUnit === user.unitId;
  }

  private envelope(from: string, to: string, id: string, actId: string, classification: Classification, payload: Envelope['payload'], now: Date): Envelope {
    const env = this.single.envelope(from, [to], id, actId, classification, payload, now);
    // What the other node will check, checked before anything is signed.
    const errors = validateEnvelope(env);
    if (errors.length) throw invalid(errors);
    return env;
  }

  /** Signs and stores one step in m's transaction; the ledger is told the act's item kinds (proposal) or the act (a later step), and the persons an acceptance accepts. */
  private write(m: EntityManager, user: AuthUser, env: Envelope, now: Date, personsAccepted?: number): Promise<OutboxRow[]> {
    return this.single.write(m, user.username, env, now, { confirms: env.payload.case === 'handoverProposal' ? null : env.correlationId, items: itemKinds(env), ...(personsAccepted !== undefined ? { personsAccepted } : {}) });
  }

  /** Committed: the step goes to the dispatch, the unit's desks are told. */
  private after(user: AuthUser, env: Envelope, written: OutboxRow[]): void {
    this.dispatch.handOver(written);
    withLogContext({ messageId: env.messageId, correlationId: env.correlationId }, () => this.log.log({ msg: 'handover step', kind: messageColumns(env).kind, sender: env.senderUnit, recipient: env.recipientUnits[0], user: user.username }));
    this.live.emit(user.unitId, { type: 'message', id: env.messageId, box: 'outbox' });
  }

  private async withDeliveries(acts: HandoverAct[]): Promise<HandoverActView[]> {
    const outIds = acts.flatMap((a) => a.history.filter((h) => h.direction === 'OUT').map((h) => h.messageId));
    const rows = outIds.length ? await this.messages.recipients(outIds) : [];
    const status = new Map(rows.map((r) => [r.messageId, r.status as string]));
    return acts.map((a) => ({
      ...a,
      deliveries: Object.fromEntries(a.history.filter((h) => h.direction === 'OUT').map((h) => [h.messageId, status.get(h.messageId) ?? 'PENDING'])),
      acceptBy: handoverAcceptBy(policyAt(POLICIES, a.handedAt), a.handedAt, [...new Set(a.items.map((i) => i.kind))]),
    }));
  }
}
