import { Column, Entity, PrimaryColumn } from 'typeorm';

export const ROLES = ['duty-officer', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * How far a user is cleared, in the order of the contract's Classification: a user reads what is
 * classified at or below their clearance (see mayRead). UNCLASSIFIED users read only unclassified data.
 */
export const CLEARANCES = ['UNCLASSIFIED', 'FOR_OFFICIAL_USE', 'CONFIDENTIAL'] as const;
export type Clearance = (typeof CLEARANCES)[number];

/**
 * Whether a user with this clearance may read something of this classification (the contract's
 * enum name, with or without its CLASSIFICATION_ prefix; unspecified counts as unclassified).
 * An unknown classification is readable by nobody.
 */
export function mayRead(clearance: Clearance, classification: string): boolean {
  const name = classification.replace(/^CLASSIFICATION_/, '');
  const level = name === 'UNSPECIFIED' ? 0 : (CLEARANCES as readonly string[]).indexOf(name);
  return level >= 0 && level <= CLEARANCES.indexOf(clearance);
}

@Entity('users')
export class UserEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text', { unique: true }) username: string;
  @Column('text', { name: 'display_name' }) displayName: string;
  @Column('text', { name: 'password_hash' }) passwordHash: string;
  @Column('text', { name: 'unit_id' }) unitId: string;
  @Column('text') role: Role;
  @Column('text') clearance: Clearance;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'disabled_at', nullable: true }) disabledAt: Date | null;
}
