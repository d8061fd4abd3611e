import { Controller, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { BusRoute } from '@shekara/contracts';
import { JETSTREAM_TRANSPORT, JetStreamContext, PassThroughErrors } from '@shekara/messaging';
import { InboxIntake } from './intake.service';

/** The node's inbox on the bus, bound to the JetStream transport only. */
@Controller()
@UseFilters(new PassThroughErrors())
export class BusController {
  constructor(private readonly intake: InboxIntake) {}

  @EventPattern(BusRoute.Inbox, JETSTREAM_TRANSPORT)
  async onInbox(@Payload() data: Uint8Array, @Ctx() ctx: JetStreamContext): Promise<void> {
    await this.intake.handle(data, ctx.subject);
  }
}
