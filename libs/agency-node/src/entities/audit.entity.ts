import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Append-only (enforced by a trigger): who did what to which message, when. */
@Entity('audit_log')
export class AuditEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column('timestamptz') at: Date;
  @Column('text') actor: string;
  @Column('text') action: string;
  @Column('text', { name: 'message_id', nullable: true }) messageId: string | null;
  @Column('text', { name: 'unit_id', nullable: true }) unitId: string | null;
  @Column('jsonb') details: Record<string, unknown>;
}
