import type { DataSource } from 'typeorm';
import type { Clock } from '@shekara/common';
import { appendAuditLog } from '../store';
import { AuditAction, auditLogJson } from './audit.service';

/** A sign-in attempt, as the auth module reports it. */
export interface SignInAttempt {
  username: string;
  ok: boolean;
  unitId?: string | null;
}

/** Records an administrator's change of a user's clearance in the audit log (local only). */
export function recordClearanceSet(ds: DataSource, clock: Clock, c: { admin: string; username: string; unitId: string; clearance: string }): Promise<void> {
  return appendAuditLog(ds.manager, auditLogJson(clock.now(), [{ actor: c.admin, action: AuditAction.ClearanceSet, units: [c.unitId], details: { user: c.username, clearance: c.clearance } }]));
}

/** Records a sign-in attempt in the audit log (local only: the ledger does not hear of sign-ins). */
export function recordSignIn(ds: DataSource, clock: Clock, a: SignInAttempt): Promise<void> {
  return appendAuditLog(ds.manager, auditLogJson(clock.now(), [{ actor: a.username, action: a.ok ? AuditAction.SignedIn : AuditAction.SignInFailed, units: a.unitId ? [a.unitId] : [] }]));
}
