/**
 * A handover act folded from its signed messages (pure; the same on both sides). The proposal
 * opens the act (PROPOSED); the first decisive step by the party entitled to it closes it: an
 * acceptance (ACCEPTED, or PARTLY_ACCEPTED when it refuses items) or a dispute by the receiving
 * unit, a withdrawal by the handing unit. Steps are ordered by their signed creation time (then
 * id), so both nodes reach the same state whatever order the bus delivered them in; a step after
 * the decisive one (a withdrawal crossing an acceptance on the wire) stays in the history, marked
 * superseded, and so does a step by a unit that is no party to it.
 */
import type { HandoverStepRow } from '../store';

export type HandoverState = 'PROPOSED' | 'ACCEPTED' | 'PARTLY_ACCEPTED' | 'DISPUTED' | 'WITHDRAWN';
export const HANDOVER_STATES: readonly HandoverState[] = ['PROPOSED', 'ACCEPTED', 'PARTLY_ACCEPTED', 'DISPUTED', 'WITHDRAWN'];

export type HandoverItemKind = 'person' | 'goods' | 'vehicle' | 'document' | 'weapon';

export interface HandoverItemView {
  itemId: string;
  kind: HandoverItemKind;
  /** The item as proposed (proto JSON of the item's case). */
  value: Record<string, unknown>;
  status: 'PENDING' | 'ACCEPTED' | 'REFUSED' | 'RETURNED';
  reason?: string;
}

export interface HandoverStepView {
  messageId: string;
  step: HandoverState;
  unit: string;
  officer: string;
  /** The step's signed creation time. */
  at: Date;
  direction: 'IN' | 'OUT';
  /** Whether the step decided the act (or proposed it); false: superseded or by a unit no party to it. */
  effective: boolean;
  note?: string;
  createdBy: string | null;
}

export interface HandoverAct {
  id: string;
  handingUnit: string;
  receivingUnit: string;
  classification: string;
  state: HandoverState;
  legalGround: string;
  checkpointId: string;
  handedAt: Date;
  officer: string;
  sourceMessageId?: string;
  notes?: string;
  items: HandoverItemView[];
  proposedAt: Date;
  /** When the decisive step was signed; undefined while PROPOSED. */
  decidedAt?: Date;
  history: HandoverStepView[];
}

const ITEM_KINDS: HandoverItemKind[] = ['person', 'goods', 'vehicle', 'document', 'weapon'];

type Json = Record<string, any>;

function stepOf(kind: string, payload: Json): HandoverState | undefined {
  switch (kind) {
    case 'HANDOVER_PROPOSAL':
      return 'PROPOSED';
    case 'HANDOVER_ACCEPTANCE':
      return (payload.handoverAcceptance?.refused ?? []).length ? 'PARTLY_ACCEPTED' : 'ACCEPTED';
    case 'HANDOVER_DISPUTE':
      return 'DISPUTED';
    case 'HANDOVER_WITHDRAWAL':
      return 'WITHDRAWN';
    default:
      return undefined;
  }
}

/** The act of these rows (its proposal among them, and any of its steps); undefined without the proposal. */
export function foldAct(actId: string, rows: HandoverStepRow[]): HandoverAct | undefined {
  const proposalRow = rows.find((r) => r.id === actId && r.kind === 'HANDOVER_PROPOSAL');
  if (!proposalRow) return undefined;
  const p = (proposalRow.payload.handoverProposal ?? {}) as Json;
  const items: HandoverItemView[] = (p.items ?? []).map((it: Json) => {
    const kind = ITEM_KINDS.find((k) => it[k] !== undefined) ?? 'goods';
    return { itemId: it.itemId, kind, value: it[kind] ?? {}, status: 'PENDING' as const };
  });
  const act: HandoverAct = {
    id: actId,
    handingUnit: proposalRow.sender_unit,
    receivingUnit: proposalRow.recipient_units[0],
    classification: proposalRow.classification,
    state: 'PROPOSED',
    legalGround: p.legalGround ?? '',
    checkpointId: p.checkpointId ?? '',
    handedAt: new Date(p.handedAt ?? proposalRow.created_at),
    officer: p.officer ?? '',
    ...(p.sourceMessageId ? { sourceMessageId: p.sourceMessageId } : {}),
    ...(p.notes ? { notes: p.notes } : {}),
    items,
    proposedAt: new Date(proposalRow.created_at),
    history: [],
  };
  const ordered = rows
    .filter((r) => r.correlation_id === actId && r.kind.startsWith('HANDOVER_'))
    .sort((a, b) => new Date(a.created_at).getTime() - new Date(b.created_at).getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const r of ordered) {
    const step = stepOf(r.kind, r.payload);
    if (!step) continue;
    const value = (Object.values(r.payload)[0] ?? {}) as Json;
    const view: HandoverStepView = { messageId: r.id, step, unit: r.sender_unit, officer: value.officer ?? '', at: new Date(r.created_at), direction: r.direction, effective: false, createdBy: r.created_by };
    if (value.reason) view.note = value.reason;
    if (r.id === actId) {
      view.effective = true;
      if (p.notes) view.note = p.notes;
    } else if (act.state === 'PROPOSED' && r.id !== actId && entitled(act, step, r.sender_unit) && refusalsValid(act, value)) {
      view.effective = true;
      decide(act, step, value, view.at);
    }
    act.history.push(view);
  }
  return act;
}

/** Whether this unit may take this step: the receiving unit decides, the handing unit withdraws. */
function entitled(act: HandoverAct, step: HandoverState, unit: string): boolean {
  if (step === 'WITHDRAWN') return unit === act.handingUnit;
  if (step === 'PROPOSED') return false;
  return unit === act.receivingUnit;
}

/** A partial acceptance names only items of the act. */
function refusalsValid(act: HandoverAct, value: Json): boolean {
  const ids = new Set(act.items.map((i) => i.itemId));
  return ((value.refused ?? []) as Json[]).every((r) => ids.has(r.itemId));
}

function decide(act: HandoverAct, step: HandoverState, value: Json, at: Date): void {
  act.state = step;
  act.decidedAt = at;
  const refused = new Map<string, string>(((value.refused ?? []) as Json[]).map((r) => [r.itemId, r.reason]));
  for (const item of act.items) {
    if (step === 'ACCEPTED' || step === 'PARTLY_ACCEPTED') {
      const reason = refused.get(item.itemId);
      if (reason !== undefined) (item.status = 'REFUSED'), (item.reason = reason);
      else item.status = 'ACCEPTED';
    } else {
      // Disputed or withdrawn: nothing passed to the receiving unit; the handing unit keeps it all.
      item.status = 'RETURNED';
    }
  }
}
