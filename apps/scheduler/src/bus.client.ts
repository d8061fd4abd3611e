import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  DueEscalationsRequestSchema,
  DueEscalationsResponseSchema,
  MarkEscalatedRequestSchema,
  MarkEscalatedResponseSchema,
  NotificationSchema,
  NotifyRequestSchema,
  NotifyResponseSchema,
  Obligation,
  PrepareDraftsRequestSchema,
  PrepareDraftsResponseSchema,
  RpcMethod,
  VerdictsRequestSchema,
  VerdictsResponseSchema,
} from '@shekara/contracts';
import type { AgencyCode, BusNames, DueEscalation, MessageKind, NotificationType, VerdictRecord } from '@shekara/contracts';
import { rpcCall } from '@shekara/messaging';

/** A notification to raise, in plain terms (the bus client builds the proto message). */
export interface NotificationSpec {
  key: string;
  unitId: string;
  type: NotificationType;
  obligation?: Obligation;
  period?: string;
  messageId?: string;
  counterparts?: string[];
  /** The values the consoles render it with (instants in RFC 3339, the zone, a summary). */
  params?: Record<string, string>;
  text: string;
  at: Date;
}

export interface PrepareDraftsSpec {
  kind: MessageKind;
  period: string;
  unitIds: string[];
  windowOpensAt: Date;
  windowClosesAt: Date;
}

/** What the jobs ask of the other apps: the agency nodes and the supervisor ledger (request/reply on core NATS). */
export abstract class SchedulerBus {
  abstract prepareDrafts(agency: AgencyCode, spec: PrepareDraftsSpec): Promise<{ prepared: number; existing: number }>;
  /** Stores notifications at the agency's node; returns how many were new (keys make repeats harmless). */
  abstract notify(agency: AgencyCode, notifications: NotificationSpec[]): Promise<number>;
  abstract verdicts(obligation: Obligation, period: string, zone: string, asOf: Date): Promise<VerdictRecord[]>;
  abstract dueEscalations(asOf: Date, horizonS: number): Promise<DueEscalation[]>;
  /** Returns true when it had been marked before. */
  abstract markEscalated(urgentId: string, at: Date): Promise<boolean>;
}

/** Limits of the contract (rpc.proto): 1..1000 units / notifications per request. */
export const MAX_BATCH = 1000;

export class NatsSchedulerBus extends SchedulerBus {
  constructor(
    private readonly nc: NatsConnection,
    private readonly names: BusNames,
    private readonly timeoutMs: number,
    /** The scheduler's bus identity: the `from.<caller>` token of its RPC subjects. */
    private readonly caller: string,
  ) {
    super();
  }

  async prepareDrafts(agency: AgencyCode, spec: PrepareDraftsSpec): Promise<{ prepared: number; existing: number }> {
    let prepared = 0;
    let existing = 0;
    for (const unitIds of chunks(spec.unitIds, MAX_BATCH)) {
      const req = create(PrepareDraftsRequestSchema, {
        kind: spec.kind,
        period: spec.period,
        unitIds,
        windowOpensAt: timestampFromDate(spec.windowOpensAt),
        windowClosesAt: timestampFromDate(spec.windowClosesAt),
      });
      const res = await rpcCall(this.nc, this.names.rpcFrom(agency, this.caller, RpcMethod.PrepareDrafts), PrepareDraftsRequestSchema, req, PrepareDraftsResponseSchema, this.timeoutMs);
      prepared += res.prepared;
      existing += res.existing;
    }
    return { prepared, existing };
  }

  async notify(agency: AgencyCode, notifications: NotificationSpec[]): Promise<number> {
    let stored = 0;
    for (const batch of chunks(notifications, MAX_BATCH)) {
      const req = create(NotifyRequestSchema, {
        notifications: batch.map((n) =>
          create(NotificationSchema, {
            key: n.key,
            unitId: n.unitId,
            type: n.type,
            obligation: n.obligation ?? Obligation.UNSPECIFIED,
            period: n.period ?? '',
            messageId: n.messageId ?? '',
            counterparts: n.counterparts ?? [],
            params: n.params ?? {},
            text: n.text,
            at: timestampFromDate(n.at),
          }),
        ),
      });
      stored += (await rpcCall(this.nc, this.names.rpcFrom(agency, this.caller, RpcMethod.Notify), NotifyRequestSchema, req, NotifyResponseSchema, this.timeoutMs)).stored;
    }
    return stored;
  }

  async verdicts(obligation: Obligation, period: string, zone: string, asOf: Date): Promise<VerdictRecord[]> {
    const req = create(VerdictsRequestSchema, { obligation, period, zone, asOf: timestampFromDate(asOf) });
    return (await rpcCall(this.nc, this.names.rpcFrom('supervisor', this.caller, RpcMethod.Verdicts), VerdictsRequestSchema, req, VerdictsResponseSchema, this.timeoutMs)).verdicts;
  }

  async dueEscalations(asOf: Date, horizonS: number): Promise<DueEscalation[]> {
    const req = create(DueEscalationsRequestSchema, { asOf: timestampFromDate(asOf), horizonS });
    return (await rpcCall(this.nc, this.names.rpcFrom('supervisor', this.caller, RpcMethod.DueEscalations), DueEscalationsRequestSchema, req, DueEscalationsResponseSchema, this.timeoutMs)).items;
  }

  async markEscalated(urgentId: string, at: Date): Promise<boolean> {
    const req = create(MarkEscalatedRequestSchema, { urgentId, at: timestampFromDate(at) });
    return (await rpcCall(this.nc, this.names.rpcFrom('supervisor', this.caller, RpcMethod.MarkEscalated), MarkEscalatedRequestSchema, req, MarkEscalatedResponseSchema, this.timeoutMs)).already;
  }
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
