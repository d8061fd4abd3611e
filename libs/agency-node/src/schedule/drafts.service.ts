import { Inject, Injectable } from '@nestjs/common';
import { Clock, uuidv7 } from '@shekara/common';
import { MessageKind, kindName } from '@shekara/contracts';
import type { PrepareDraftsRequest } from '@shekara/contracts';
import type { Directory } from '@shekara/directory';
import { POLICIES, addDays, addMonths, dailyWindow, halfYearBounds, monthlyWindow, semiannualWindow, startOfLocalDay, endOfLocalDay, policyAt } from '@shekara/policy';
import type { Policy } from '@shekara/policy';
import type { AgencyNodeConfig } from '../core';
import { DIRECTORY, LiveEvents, NODE_CONFIG, NodeError, NodeErrorCode } from '../core';
import { DraftsStore } from '../store';
import type { ActivityRow } from '../store';
import { bi } from '@shekara/server';

/** What a unit exchanged over a span, for the prefilled text of a draft. */
interface Activity {
  urgentSent: number;
  urgentReceived: number;
  topics: Map<string, number>;
  detainedPersons: number;
  advanceNotices: number;
}

export interface DraftView {
  id: string;
  kind: string;
  period: string;
  createdAt: Date;
  windowOpensAt: Date | null;
  windowClosesAt: Date | null;
  body: Record<string, unknown>;
}

/**
 * Drafts of the periodic reports, assembled when a window opens (on the scheduler's request) from
 * what the unit exchanged over the period it covers, for the duty officer to edit and send.
 * Idempotent per (unit, kind, period).
 */
@Injectable()
export class DraftsService {
  constructor(
    private readonly store: DraftsStore,
    private readonly clock: Clock,
    private readonly live: LiveEvents,
    @Inject(DIRECTORY) private readonly directory: Directory,
    @Inject(NODE_CONFIG) private readonly config: AgencyNodeConfig,
  ) {}

  async prepare(req: PrepareDraftsRequest): Promise<{ prepared: number; existing: number }> {
    const kind = kindName(req.kind);
    if (!['DAILY', 'MONTHLY', 'SEMIANNUAL'].includes(kind)) throw new NodeError(NodeErrorCode.InvalidBody, bi(`No drafts for ${kind}.`, `Черновики для ${kind} не готовятся.`));
    // The policy in force when the scheduler asks (as it does: when the window opens).
    const policy = policyAt(POLICIES, this.clock.now());
    let prepared = 0;
    for (const unitId of req.unitIds) {
      const unit = this.directory.findUnit(unitId);
      if (!unit || unit.agency !== this.config.agency) throw new NodeError(NodeErrorCode.UnknownUnit, bi(`${unitId} is not a unit of ${this.config.agency}.`, `${unitId} не подразделение ведомства ${this.config.agency}.`));
      const [from, to] = this.coveredSpan(policy, req.kind, req.period, unit.zone);
      const activity = this.activity(await this.store.activity(unitId, from, to));
      const body = this.body(req.kind, req.period, unitId, activity, unit.checkpointId);
      const [opens, closes] = this.window(policy, req.kind, req.period, unit.zone);
      const id = await this.store.insert({ id: uuidv7(this.clock), unitId, kind, period: req.period, body, at: this.clock.now(), opensAt: new Date(opens), closesAt: new Date(closes) });
      if (id) {
        prepared++;
        this.live.emit(unitId, { type: 'draft', id, box: 'drafts' });
      }
    }
    return { prepared, existing: req.unitIds.length - prepared };
  }

  async list(unitId: string): Promise<DraftView[]> {
    const rows = await this.store.unsent(unitId);
    return rows.map((r) => ({ id: r.id, kind: r.kind, period: r.period, createdAt: r.created_at, windowOpensAt: r.window_opens_at, windowClosesAt: r.window_closes_at, body: r.body }));
  }

  async discard(unitId: string, id: string): Promise<void> {
    if (!(await this.store.delete(unitId, id))) throw new NodeError(NodeErrorCode.MessageNotFound, bi('No such draft.', 'Такого черновика нет.'));
  }

  private window(policy: Policy, kind: MessageKind, period: string, zone: string): readonly [number, number] {
    if (kind === MessageKind.DAILY) return dailyWindow(policy, period, zone);
    if (kind === MessageKind.MONTHLY) return monthlyWindow(policy, period, zone);
    return semiannualWindow(period, zone);
  }

  /** The span a report covers: the day before a daily window, the month, the half-year. */
  private coveredSpan(policy: Policy, kind: MessageKind, period: string, zone: string): [Date, Date] {
    if (kind === MessageKind.DAILY) {
      const [opens] = dailyWindow(policy, period, zone);
      const [before] = dailyWindow(policy, addDays(period, -1), zone);
      return [new Date(before), new Date(opens)];
    }
    if (kind === MessageKind.MONTHLY) return [startOfLocalDay(`${period}-01`, zone), endOfLocalDay(addDays(`${addMonths(period, 1)}-01`, -1), zone)];
    const { first, last } = halfYearBounds(period);
    return [startOfLocalDay(first, zone), endOfLocalDay(last, zone)];
  }

  /** What a unit exchanged, from its URGENT and ADVANCE reports of the span. */
  private activity(rows: ActivityRow[]): Activity {
    const a: Activity = { urgentSent: 0, urgentReceived: 0, topics: new Map(), detainedPersons: 0, advanceNotices: 0 };
    for (const r of rows) {
      if (r.kind === 'ADVANCE') {
        a.advanceNotices++;
        continue;
      }
      if (r.direction === 'OUT') a.urgentSent++;
      else a.urgentReceived++;
      const topic = String(r.payload?.urgent?.topic ?? 'URGENT_TOPIC_UNSPECIFIED').replace('URGENT_TOPIC_', '');
      a.topics.set(topic, (a.topics.get(topic) ?? 0) + 1);
      a.detainedPersons += r.payload?.urgent?.detainedMigrants?.persons?.length ?? 0;
    }
    return a;
  }

  private body(kind: MessageKind, period: string, unitId: string, a: Activity, checkpointId?: string): Record<string, unknown> {
    const recipients = this.directory.counterparts(unitId).map((u) => u.id);
    const topics = [...a.topics].map(([t, n]) => `${TOPIC_RU[t] ?? t} — ${n}`).join('; ');
    const summary =
      `Срочных донесений: направлено ${a.urgentSent}, получено ${a.urgentReceived}` +
      (topics ? ` (${topics})` : '') +
      `. Задержано незаконных мигрантов: ${a.detainedPersons}. Заблаговременных сообщений: ${a.advanceNotices}.`;
    const base = { senderUnit: unitId, recipientUnits: recipients, classification: 'CLASSIFICATION_FOR_OFFICIAL_USE' };
    if (kind === MessageKind.DAILY) {
      const changes = checkpointId ? [{ checkpointId, situation: a.urgentSent + a.urgentReceived ? summary : 'Без изменений.', counts: { personsDetained: a.detainedPersons } }] : [];
      return { ...base, daily: { period, summary, changes } };
    }
    if (kind === MessageKind.MONTHLY) {
      return { ...base, monthly: { period, borderSituation: summary, ethnicConflictGroups: '', violatorTactics: '', crossBorderDamage: '', protectionMethodsAndDetentions: '' } };
    }
    return { ...base, semiannual: { period, materials: [{ kind: 'MATERIAL_KIND_REVIEW', title: `Обзор за ${period}`, text: summary }] } };
  }
}

const TOPIC_RU: Record<string, string> = {
  CRISIS_PRECONDITIONS: 'предпосылки кризисных ситуаций',
  NEIGHBOUR_STATE_ACTIONS: 'акции сопредельных государств',
  SMUGGLING: 'контрабанда',
  WANTED_PERSONS: 'разыскиваемые лица',
  DETAINED_MIGRANTS: 'задержанные мигранты',
  FORGED_DOCUMENTS: 'поддельные документы',
  ILLEGAL_CROSSING: 'незаконное пересечение',
  VALUABLES_TRAFFICKING: 'ценности',
};
