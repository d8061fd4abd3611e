import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { create } from '@bufbuild/protobuf';
import { NotifyResponseSchema, PrepareDraftsResponseSchema, RpcMethod } from '@shekara/contracts';
import type { NotifyRequest, PrepareDraftsRequest } from '@shekara/contracts';
import { NATS_RPC_TRANSPORT, RpcRequestError, PassThroughErrors } from '@shekara/messaging';
import { NodeError } from '../core';
import { DraftsService } from './drafts.service';
import { NotificationsService } from './notifications.service';

/** Request/reply entry points for the scheduler (core NATS), bound to the RPC transport only. */
@Controller()
@UseFilters(new PassThroughErrors())
export class ScheduleRpcController {
  constructor(
    private readonly drafts: DraftsService,
    private readonly notifications: NotificationsService,
  ) {}

  @MessagePattern(RpcMethod.PrepareDrafts, NATS_RPC_TRANSPORT)
  async prepareDrafts(req: PrepareDraftsRequest) {
    return create(PrepareDraftsResponseSchema, await refuseBadInput(() => this.drafts.prepare(req)));
  }

  @MessagePattern(RpcMethod.Notify, NATS_RPC_TRANSPORT)
  async notify(req: NotifyRequest) {
    return create(NotifyResponseSchema, await refuseBadInput(() => this.notifications.store(req)));
  }
}

/** The node's refusals (unknown unit, bad input) are the caller's fault: 400, not 500. */
async function refuseBadInput<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof NodeError) throw new RpcRequestError(e.message);
    throw e;
  }
}
