import { Controller, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { BusRoute } from '@shekara/contracts';
import { DeadLetterHeader, JETSTREAM_TRANSPORT, JetStreamContext, PassThroughErrors } from '@shekara/messaging';
import { InboxService } from './inbox.service';

/** Bus entry points of an agency node, bound to the JetStream transport only. */
@Controller()
@UseFilters(new PassThroughErrors())
export class BusController {
  constructor(
    private readonly inbox: InboxService,
    private readonly ds: DataSource,
  ) {}

  @EventPattern(BusRoute.Inbox, JETSTREAM_TRANSPORT)
  async onInbox(@Payload() data: Uint8Array): Promise<void> {
    await this.inbox.handle(data);
  }

  @EventPattern(BusRoute.DeadLetter, JETSTREAM_TRANSPORT)
  async onDeadLetter(@Payload() data: Uint8Array, @Ctx() ctx: JetStreamContext): Promise<void> {
    await this.ds.transaction((m) =>
      this.inbox.recordDeadLetter(m, {
        stream: ctx.header(DeadLetterHeader.OriginalStream) ?? ctx.message.info.stream,
        seq: ctx.header(DeadLetterHeader.OriginalSeq) ?? String(ctx.message.seq),
        subject: ctx.header(DeadLetterHeader.OriginalSubject) ?? ctx.subject,
        reason: ctx.header(DeadLetterHeader.Reason) ?? 'unknown',
        deliveries: Number(ctx.header(DeadLetterHeader.Deliveries) ?? 0),
        raw: data,
      }),
    );
  }
}
