import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A bus message this node could not accept, with the reason (visible to admins). */
@Entity('dead_letters')
export class DeadLetterEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  /** The dead-letter stream and sequence of the message consumed: the key (unique together). */
  @Column('text', { name: 'source_stream' }) sourceStream: string;
  @Column('bigint', { name: 'source_seq' }) sourceSeq: string;
  /** Where the original message was, as the transport's headers state it (null before 1765200000000). */
  @Column('text', { name: 'original_stream', nullable: true }) originalStream: string | null;
  @Column('bigint', { name: 'original_seq', nullable: true }) originalSeq: string | null;
  @Column('text') subject: string;
  @Column('text') reason: string;
  @Column('integer') deliveries: number;
  @Column('text', { name: 'message_id', nullable: true }) messageId: string | null;
  @Column('text', { name: 'sender_unit', nullable: true }) senderUnit: string | null;
  @Column('text', { nullable: true }) kind: string | null;
  @Column('bytea', { select: false }) raw: Buffer;
  @Column('timestamptz', { name: 'dead_lettered_at' }) deadLetteredAt: Date;
}
