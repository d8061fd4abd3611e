import type { Clock } from '@shekara/common';
import { uuidv7 } from '@shekara/common';
import { encodeEnvelope } from '@shekara/contracts';
import type { AgencyCode, DeliveryOutcome, Envelope } from '@shekara/contracts';
import type { Directory } from '@shekara/directory';
import { deliveryReceipt } from '../envelopes';
import type { OutboxItem } from '../store';

/** Signed delivery receipts (DELIVERED or REJECTED) from each local recipient unit back to the sender, as outbox items. */
export function deliveryReceipts(clock: Clock, directory: Directory, env: Envelope, localRecipients: string[], outcome: DeliveryOutcome, reason = ''): OutboxItem[] {
  const now = clock.now();
  const targetAgency = directory.agencyOf(env.senderUnit) as AgencyCode;
  return localRecipients.map((unit) => {
    const receipt = deliveryReceipt({ id: uuidv7(clock), now, recipientUnit: unit, originalSender: env.senderUnit, messageId: env.messageId }, outcome, reason);
    return { kind: 'RECEIPT', messageId: env.messageId, targetAgency, payload: encodeEnvelope(receipt), signingUnit: unit, natsMsgId: receipt.messageId };
  });
}
