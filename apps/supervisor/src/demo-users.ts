import { AGENCIES, type AgencyCode } from '@shekara/contracts';
import type { Clearance, Role } from '@shekara/auth';

export interface DemoUser {
  username: string;
  displayName: string;
  unitId: string;
  role: Role;
  clearance: Clearance;
}

/**
 * Demo accounts of the supervisor (DEMO_USERS=true; password: the demo password of every node):
 * one supervisor per agency at its level-1 unit (`supervisor.border` in `border.l1.KZ`, …), and
 * `supervisor`, an administrator (at `interior.l1.KZ`), who sees every agency's exchanges and the
 * rejected audit events. All cleared CONFIDENTIAL.
 */
export function supervisorDemoUsers(): DemoUser[] {
  const names: Record<AgencyCode, string> = { interior: 'Migration police', border: 'Border Service', customs: 'Customs' };
  return [
    ...AGENCIES.map((a): DemoUser => ({ username: `supervisor.${a}`, displayName: `${names[a]} supervisor (HQ)`, unitId: `${a}.l1.KZ`, role: 'supervisor', clearance: 'CONFIDENTIAL' })),
    { username: 'supervisor', displayName: 'Ledger administrator', unitId: 'interior.l1.KZ', role: 'admin', clearance: 'CONFIDENTIAL' },
  ];
}
