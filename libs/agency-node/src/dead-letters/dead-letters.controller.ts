import { Controller, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { BusRoute } from '@shekara/contracts';
import { DeadLetterHeader, JETSTREAM_TRANSPORT, JetStreamContext, PassThroughErrors, PermanentMessageError } from '@shekara/messaging';
import { DeadLettersService } from './dead-letters.service';

/** The node's dead letters on the bus, bound to the JetStream transport only. */
@Controller()
@UseFilters(new PassThroughErrors())
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLettersService) {}

  /**
   * A dead letter is kept under the stream and sequence of the message consumed here (JetStream's
   * metadata, not a header a publisher chose): two dead letters claiming the same original message
   * cannot suppress each other. The transport's headers (reason, original subject, stream, sequence,
   * deliveries, and the place in the bundle of an envelope refused alone) describe it; an entry without them, or with malformed ones, is terminated
   * (PermanentMessageError on this consumer), not retried for ever.
   */
  @EventPattern(BusRoute.DeadLetter, JETSTREAM_TRANSPORT)
  async onDeadLetter(@Payload() data: Uint8Array, @Ctx() ctx: JetStreamContext): Promise<void> {
    const reason = ctx.header(DeadLetterHeader.Reason);
    const deliveries = ctx.header(DeadLetterHeader.Deliveries);
    const originalStream = ctx.header(DeadLetterHeader.OriginalStream);
    const originalSeq = ctx.header(DeadLetterHeader.OriginalSeq);
    const originalSubject = ctx.header(DeadLetterHeader.OriginalSubject);
    // Present when one envelope of a bundle was refused: its place in the bundle.
    const originalIndex = ctx.header(DeadLetterHeader.OriginalIndex);
    const problems = [
      !reason && 'no reason',
      !(deliveries && /^\d{1,6}$/.test(deliveries)) && 'deliveries is not a count',
      !(originalStream && /^[A-Za-z0-9_-]{1,200}$/.test(originalStream)) && 'no original stream',
      !(originalSeq && /^\d{1,19}$/.test(originalSeq)) && 'original sequence is not a number',
      !(originalSubject && originalSubject.length <= 500) && 'no original subject',
      originalIndex !== undefined && !/^\d{1,3}$/.test(originalIndex) && 'original index is not a number',
    ].filter((p): p is string => typeof p === 'string');
    if (problems.length) throw new PermanentMessageError(`malformed dead letter (${problems.join(', ')})`);
    await this.deadLetters.record({
      stream: ctx.message.info.stream,
      seq: String(ctx.message.seq),
      subject: originalSubject!,
      reason: reason!,
      deliveries: Number(deliveries),
      original: { stream: originalStream!, seq: originalSeq!, ...(originalIndex !== undefined ? { index: Number(originalIndex) } : {}) },
      raw: data,
    });
  }
}
