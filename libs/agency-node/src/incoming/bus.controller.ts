import { Controller, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { BUNDLE_HEADER, BusRoute } from '@shekara/contracts';
import { JETSTREAM_TRANSPORT, JetStreamContext, PartlyRefused, PassThroughErrors } from '@shekara/messaging';
import { InboxIntake } from './intake.service';

/** The node's inbox on the bus, bound to the JetStream transport only. */
@Controller()
@UseFilters(new PassThroughErrors())
export class BusController {
  constructor(private readonly intake: InboxIntake) {}

  @EventPattern(BusRoute.Inbox, JETSTREAM_TRANSPORT)
  async onInbox(@Payload() data: Uint8Array, @Ctx() ctx: JetStreamContext): Promise<PartlyRefused | undefined> {
    return this.intake.handle(data, ctx.subject, ctx.header(BUNDLE_HEADER));
  }
}
