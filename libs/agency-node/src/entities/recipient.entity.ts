import { Column, Entity, PrimaryColumn } from 'typeorm';

export const DELIVERY_STATUSES = ['PENDING', 'SENT', 'DELIVERED', 'READ', 'DEAD_LETTERED'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * Per-recipient state of a message. On the sender's node: every recipient, moved along
 * PENDING → SENT → DELIVERED → READ (or DEAD_LETTERED) by the relay and the receipts. On a
 * recipient's node: the local recipient units (DELIVERED, then READ when an officer opens it).
 */
@Entity('message_recipients')
export class RecipientEntity {
  @PrimaryColumn('uuid', { name: 'message_id' }) messageId: string;
  @PrimaryColumn('text', { name: 'unit_id' }) unitId: string;
  @Column('text') agency: string;
  @Column('text') status: DeliveryStatus;
  @Column('timestamptz', { name: 'sent_at', nullable: true }) sentAt: Date | null;
  @Column('timestamptz', { name: 'delivered_at', nullable: true }) deliveredAt: Date | null;
  @Column('timestamptz', { name: 'read_at', nullable: true }) readAt: Date | null;
  @Column('text', { name: 'read_by', nullable: true }) readBy: string | null;
  @Column('timestamptz', { name: 'dead_lettered_at', nullable: true }) deadLetteredAt: Date | null;
  @Column('text', { nullable: true }) reason: string | null;
}
