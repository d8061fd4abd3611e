import type { AgencyCode } from '@shekara/contracts';
import type { Clearance, Role } from '@shekara/auth';

/** The checkpoint whose units the demo users belong to (Nur Zholy, on the border with China). */
export const DEMO_CHECKPOINT = 'CP-CN-A-01';
export { DEMO_PASSWORD } from '@shekara/auth';

export interface DemoUser {
  username: string;
  displayName: string;
  unitId: string;
  role: Role;
  clearance: Clearance;
}

/**
 * Demo accounts of one agency at the demo checkpoint (level 4): a duty officer (cleared
 * FOR_OFFICIAL_USE), a senior duty officer cleared CONFIDENTIAL (`<agency>.senior`), a supervisor
 * and an admin (both CONFIDENTIAL).
 */
export function demoUsers(agency: AgencyCode): DemoUser[] {
  const unit = `${agency}.l4.${DEMO_CHECKPOINT}`;
  const who: Record<AgencyCode, string> = { interior: 'Migration post', border: 'Border control section', customs: 'Customs post' };
  return [
    { username: `${agency}.duty`, displayName: `${who[agency]} duty officer`, unitId: unit, role: 'duty-officer', clearance: 'FOR_OFFICIAL_USE' },
    { username: `${agency}.senior`, displayName: `${who[agency]} senior duty officer`, unitId: unit, role: 'duty-officer', clearance: 'CONFIDENTIAL' },
    { username: `${agency}.supervisor`, displayName: `${who[agency]} supervisor`, unitId: unit, role: 'supervisor', clearance: 'CONFIDENTIAL' },
    { username: `${agency}.admin`, displayName: `${agency} node administrator`, unitId: unit, role: 'admin', clearance: 'CONFIDENTIAL' },
  ];
}
