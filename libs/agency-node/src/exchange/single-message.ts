import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { CURRENT_SCHEMA_VERSION, EnvelopeSchema, encodeEnvelope, payloadKind } from '@shekara/contracts';
import type { AgencyCode, Classification, Envelope } from '@shekara/contracts';
import type { Directory } from '@shekara/directory';
import { AuditAction } from '../audit';
import type { MessageFacts } from '../audit';
import { DIRECTORY } from '../core';
import { messageColumns, messageRow } from '../envelopes';
import { MessagesStore } from '../store';
import type { OutboxRow } from '../store';
import { WriteBatches } from './write-batch';

/**
 * One message a use case sends on its own, in its own transaction (a handover step, monthly
 * statistics): the envelope built, then signed and stored with its recipients, outbox rows and
 * audit entry in one statement (`MessagesStore.insertOne`). The caller hands the rows returned to
 * the dispatch once its transaction committed.
 */
@Injectable()
export class SingleMessages {
  constructor(
    private readonly writes: WriteBatches,
    private readonly store: MessagesStore,
    @Inject(DIRECTORY) private readonly directory: Directory,
  ) {}

  envelope(from: string, to: string[], id: string, correlationId: string, classification: Classification, payload: Envelope['payload'], now: Date): Envelope {
    return create(EnvelopeSchema, {
      messageId: id,
      correlationId,
      kind: payloadKind(payload.case!),
      senderUnit: from,
      recipientUnits: to,
      createdAt: timestampFromDate(now),
      reportedAt: timestampFromDate(now),
      schemaVersion: CURRENT_SCHEMA_VERSION,
      classification,
      payload,
    });
  }

  /** Signs and stores `env` in m's transaction; `facts` amend what the ledger is told of it. Returns the outbox rows. */
  async write(m: EntityManager, actor: string, env: Envelope, now: Date, facts: Partial<MessageFacts> = {}): Promise<OutboxRow[]> {
    const cols = messageColumns(env);
    const batch = this.writes.begin();
    const agencies = [...new Set(env.recipientUnits.map((u) => this.directory.agencyOf(u)))];
    batch.send(agencies.map((a) => ({ kind: 'ENVELOPE' as const, messageId: env.messageId, targetAgency: a as AgencyCode, payload: encodeEnvelope(env), signingUnit: env.senderUnit, natsMsgId: env.messageId })));
    batch.audit([
      {
        actor,
        action: AuditAction.Sent,
        messageId: env.messageId,
        units: [env.senderUnit],
        message: { kind: cols.kind, senderUnit: env.senderUnit, recipientUnits: env.recipientUnits, sentAt: now, reportedAt: cols.reportedAt, period: cols.period, eventAt: cols.eventAt, confirms: cols.confirms, summary: cols.summary, ...facts },
        details: { correlationId: env.correlationId },
      },
    ]);
    await batch.write(async (p) => ({
      outbox: await this.store.insertOne(m, {
        messagesJson: JSON.stringify([{ ...messageRow(env, cols, now), created_by: actor, signed: p.signed.get(env.messageId)!.toString('base64') }]),
        recipientIds: env.recipientUnits.map(() => env.messageId),
        recipientUnits: env.recipientUnits,
        recipientAgencies: env.recipientUnits.map((u) => this.directory.agencyOf(u)),
        outboxJson: p.outboxJson,
        auditJson: p.auditJson,
      }),
    }));
    return batch.written;
  }
}
