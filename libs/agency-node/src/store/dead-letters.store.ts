import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { DeadLetterEntity } from '../entities';

/** A bus message this node could not accept, as it is kept. */
export interface DeadLetterRow {
  /** The dead-letter stream and sequence of the message consumed: the key. */
  stream: string;
  seq: string;
  /** The original position, as the transport's headers state it. */
  original: { stream: string; seq: string };
  subject: string;
  reason: string;
  deliveries: number;
  messageId: string | null;
  senderUnit: string | null;
  kind: string | null;
  raw: Uint8Array;
  at: Date;
}

/** Dead letters: the bus messages this node could not accept, with the reason. */
@Injectable()
export class DeadLettersStore {
  constructor(private readonly ds: DataSource) {}

  /** Keeps a dead letter once (by the consumed dead-letter stream and sequence), in m's transaction: true when stored now. */
  async insert(m: EntityManager, d: DeadLetterRow): Promise<boolean> {
    const inserted: unknown[] = await m.query(
      `INSERT INTO dead_letters (source_stream, source_seq, original_stream, original_seq, subject, reason, deliveries, message_id, sender_unit, kind, raw, dead_lettered_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (source_stream, source_seq) DO NOTHING RETURNING id`,
      [d.stream, d.seq, d.original.stream, d.original.seq, d.subject, d.reason, d.deliveries, d.messageId, d.senderUnit, d.kind, Buffer.from(d.raw), d.at],
    );
    return inserted.length > 0;
  }

  /** Newest first, a page, and the total. */
  page(page: number, pageSize: number): Promise<[DeadLetterEntity[], number]> {
    return this.ds.getRepository(DeadLetterEntity).findAndCount({ order: { id: 'DESC' }, skip: (page - 1) * pageSize, take: pageSize });
  }

  /** Runs `work` in one transaction. */
  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.ds.transaction(work);
  }
}
