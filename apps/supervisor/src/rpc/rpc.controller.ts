import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { create } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { Timestamp } from '@bufbuild/protobuf/wkt';
import {
  DueEscalationSchema,
  DueEscalationsResponseSchema,
  MarkEscalatedResponseSchema,
  Obligation,
  RpcMethod,
  VerdictRecordSchema,
  VerdictsResponseSchema,
} from '@shekara/contracts';
import type { DueEscalationsRequest, DueEscalationsResponse, MarkEscalatedRequest, MarkEscalatedResponse, VerdictsRequest, VerdictsResponse } from '@shekara/contracts';
import { NATS_RPC_TRANSPORT, RpcRequestError, PassThroughErrors } from '@shekara/messaging';
import { isHalfYear, isLocalDate, isMonth, isValidTimeZone } from '@shekara/policy';
import type { Verdict } from '@shekara/policy';
import { DueEscalationsQuery, MarkEscalatedCommand } from '../queries/escalations';
import { PeriodVerdictsQuery } from '../queries/period-verdicts.query';
import type { PeriodicObligation } from '../queries/period-verdicts.query';

const PERIODIC: ReadonlyMap<Obligation, { name: PeriodicObligation; valid: (p: string) => boolean; form: string }> = new Map([
  [Obligation.DAILY, { name: 'DAILY', valid: isLocalDate, form: 'YYYY-MM-DD' }],
  [Obligation.MONTHLY, { name: 'MONTHLY', valid: isMonth, form: 'YYYY-MM' }],
  [Obligation.SEMIANNUAL, { name: 'SEMIANNUAL', valid: isHalfYear, form: 'YYYY-H1 or YYYY-H2' }],
]);

const OBLIGATION_OF: Record<Verdict['obligation'], Obligation> = {
  DAILY: Obligation.DAILY,
  MONTHLY: Obligation.MONTHLY,
  SEMIANNUAL: Obligation.SEMIANNUAL,
  URGENT_CONFIRMATION: Obligation.URGENT_CONFIRMATION,
  ADVANCE: Obligation.ADVANCE,
  HANDOVER_ACCEPTANCE: Obligation.HANDOVER_ACCEPTANCE,
};

function required(ts: Timestamp | undefined, field: string): Date {
  if (!ts) throw new RpcRequestError(`${field} is required`);
  return timestampDate(ts);
}

/** The ledger's request/reply API for the scheduler (core NATS, `<prefix>.rpc.supervisor.*`). */
@Controller()
@UseFilters(new PassThroughErrors())
export class SupervisorRpcController {
  constructor(
    private readonly periodVerdicts: PeriodVerdictsQuery,
    private readonly dueEscalations: DueEscalationsQuery,
    private readonly markEscalated: MarkEscalatedCommand,
  ) {}

  @MessagePattern(RpcMethod.Verdicts, NATS_RPC_TRANSPORT)
  async verdicts(@Payload() req: VerdictsRequest): Promise<VerdictsResponse> {
    const rule = PERIODIC.get(req.obligation);
    if (!rule) throw new RpcRequestError('obligation must be DAILY, MONTHLY or SEMIANNUAL');
    if (!rule.valid(req.period)) throw new RpcRequestError(`period must be ${rule.form} for ${rule.name}`);
    if (req.zone && !isValidTimeZone(req.zone)) throw new RpcRequestError(`unknown time zone ${req.zone}`);
    const asOf = required(req.asOf, 'as_of');
    const verdicts = await this.periodVerdicts.run(rule.name, req.period, asOf, req.zone || undefined);
    return create(VerdictsResponseSchema, {
      verdicts: verdicts.map((v) =>
        create(VerdictRecordSchema, {
          obligation: OBLIGATION_OF[v.obligation],
          from: v.from,
          to: v.to ?? '',
          period: v.period ?? '',
          ref: v.ref ?? '',
          due: timestampFromDate(v.due),
          verdict: v.verdict,
          message: v.message ?? '',
          lateByS: BigInt(v.lateBySeconds ?? 0),
        }),
      ),
    });
  }

  @MessagePattern(RpcMethod.DueEscalations, NATS_RPC_TRANSPORT)
  async due(@Payload() req: DueEscalationsRequest): Promise<DueEscalationsResponse> {
    const asOf = required(req.asOf, 'as_of');
    const items = await this.dueEscalations.run(asOf, req.horizonS);
    return create(DueEscalationsResponseSchema, {
      items: items.map((u) =>
        create(DueEscalationSchema, {
          urgentId: u.id,
          senderUnit: u.sender,
          recipientUnits: u.recipients,
          reportedAt: timestampFromDate(u.reportedAt),
          due: timestampFromDate(u.due),
          summary: u.summary,
          obligation: u.obligation === 'HANDOVER_ACCEPTANCE' ? Obligation.HANDOVER_ACCEPTANCE : Obligation.URGENT_CONFIRMATION,
        }),
      ),
    });
  }

  @MessagePattern(RpcMethod.MarkEscalated, NATS_RPC_TRANSPORT)
  async mark(@Payload() req: MarkEscalatedRequest): Promise<MarkEscalatedResponse> {
    if (!req.urgentId || req.urgentId.length > 200) throw new RpcRequestError('urgent_id is required (at most 200 characters)');
    const at = required(req.at, 'at');
    return create(MarkEscalatedResponseSchema, { already: await this.markEscalated.run(req.urgentId, at) });
  }
}
