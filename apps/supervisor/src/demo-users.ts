import { AGENCIES, type AgencyCode } from '@shekara/contracts';
import type { Role } from '@shekara/auth';

export interface DemoUser {
  username: string;
  displayName: string;
  unitId: string;
  role: Role;
}

/**
 * Demo accounts of the supervisor (DEMO_USERS=true; password: the demo password of every node):
 * one supervisor per agency at its level-1 unit (`supervisor.border` in `border.l1.KZ`, …), and
 * `supervisor`, an administrator (at `interior.l1.KZ`), who may also see the rejected audit events.
 */
export function supervisorDemoUsers(): DemoUser[] {
  const names: Record<AgencyCode, string> = { interior: 'Migration police', border: 'Border Service', customs: 'Customs' };
  return [
    ...AGENCIES.map((a): DemoUser => ({ username: `supervisor.${a}`, displayName: `${names[a]} supervisor (HQ)`, unitId: `${a}.l1.KZ`, role: 'supervisor' })),
    { username: 'supervisor', displayName: 'Ledger administrator', unitId: 'interior.l1.KZ', role: 'admin' },
  ];
}
