import { Controller, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { BusRoute } from '@shekara/contracts';
import { DeadLetterHeader, JETSTREAM_TRANSPORT, JetStreamContext, PassThroughErrors } from '@shekara/messaging';
import { DeadLettersService } from './dead-letters.service';

/** The node's dead letters on the bus, bound to the JetStream transport only. */
@Controller()
@UseFilters(new PassThroughErrors())
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLettersService) {}

  @EventPattern(BusRoute.DeadLetter, JETSTREAM_TRANSPORT)
  async onDeadLetter(@Payload() data: Uint8Array, @Ctx() ctx: JetStreamContext): Promise<void> {
    await this.deadLetters.record({
      stream: ctx.header(DeadLetterHeader.OriginalStream) ?? ctx.message.info.stream,
      seq: ctx.header(DeadLetterHeader.OriginalSeq) ?? String(ctx.message.seq),
      subject: ctx.header(DeadLetterHeader.OriginalSubject) ?? ctx.subject,
      reason: ctx.header(DeadLetterHeader.Reason) ?? 'unknown',
      deliveries: Number(ctx.header(DeadLetterHeader.Deliveries) ?? 0),
      raw: data,
    });
  }
}
