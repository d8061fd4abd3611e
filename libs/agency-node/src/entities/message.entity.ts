import { Column, Entity, PrimaryColumn } from 'typeorm';

export type Direction = 'OUT' | 'IN';

/** A message this node sent (OUT) or received (IN); stored once per message id. */
@Entity('messages')
export class MessageEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text') direction: Direction;
  /** Short kind name: URGENT, URGENT_CONFIRMATION, DAILY, MONTHLY, ADVANCE, SEMIANNUAL. */
  @Column('text') kind: string;
  @Column('text', { name: 'sender_unit' }) senderUnit: string;
  @Column('text', { name: 'recipient_units', array: true }) recipientUnits: string[];
  @Column('text', { name: 'correlation_id' }) correlationId: string;
  @Column('text') classification: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'reported_at', nullable: true }) reportedAt: Date | null;
  @Column('timestamptz', { name: 'received_at', nullable: true }) receivedAt: Date | null;
  @Column('text', { nullable: true }) period: string | null;
  @Column('timestamptz', { name: 'event_at', nullable: true }) eventAt: Date | null;
  @Column('uuid', { nullable: true }) confirms: string | null;
  @Column('text') summary: string;
  /** The payload in its proto JSON form (the oneof case as the only key). */
  @Column('jsonb') payload: Record<string, unknown>;
  /** The SignedEnvelope bytes exactly as sent or received: the proof of who sent what. */
  @Column('bytea', { select: false }) signed: Buffer;
  @Column('text', { name: 'created_by', nullable: true }) createdBy: string | null;
}
