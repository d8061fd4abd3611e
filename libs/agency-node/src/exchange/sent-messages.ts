import { Injectable } from '@nestjs/common';
import type { SentMessage } from '../store';

export type { SentMessage } from '../store';

/**
 * The messages this node sent most recently, as recording their receipts needs them: most receipts
 * come back within moments of the send, so looking each batch's messages up in the database (a
 * round trip per batch) is mostly saved. Bounded: the oldest entries go first; a receipt for a
 * message no longer held is looked up as before.
 */
@Injectable()
export class SentMessages {
  /** Entries held at most (a few hundred bytes each): several seconds of sending at saturation. */
  static readonly CAPACITY = 5_000;
  private readonly byId = new Map<string, SentMessage>();
  /** When each held message's envelope to an agency was first acknowledged by JetStream. */
  private readonly sentAt = new Map<string, Map<string, Date>>();

  remember(messages: SentMessage[]): void {
    for (const m of messages) {
      this.byId.delete(m.id);
      this.byId.set(m.id, m);
    }
    // Map iteration is insertion order: the first keys are the oldest.
    for (const id of this.byId.keys()) {
      if (this.byId.size <= SentMessages.CAPACITY) break;
      this.byId.delete(id);
      this.sentAt.delete(id);
    }
  }

  /**
   * The envelope of a held message to an agency was published (JetStream acknowledged it) at `at`;
   * the first time is kept. Recording a receipt sets the status's sending time from it when the
   * dispatch's own outcome could not (the receipt held the status when that outcome was recorded).
   */
  published(id: string, agency: string, at: Date): void {
    if (!this.byId.has(id)) return;
    let byAgency = this.sentAt.get(id);
    if (!byAgency) this.sentAt.set(id, (byAgency = new Map()));
    if (!byAgency.has(agency)) byAgency.set(agency, at);
  }

  /** When the held message's envelope to the agency was first published, if known here. */
  publishedAt(id: string, agency: string): Date | undefined {
    return this.sentAt.get(id)?.get(agency);
  }

  get(id: string): SentMessage | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.byId.size;
  }
}
