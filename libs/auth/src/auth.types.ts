import type { Clearance, Role } from './user.entity';

/** What a verified bearer token says about the caller. */
export interface AuthUser {
  id: string;
  username: string;
  unitId: string;
  role: Role;
  /** What the user may read (mayRead); checked from the user's row with the session, not from the token. */
  clearance: Clearance;
  /**
   * Set when the caller is a machine client (a service account of an agency system), not a person:
   * it may call only routes marked @MachineClients() and act only for `units`.
   */
  client?: { clientId: string; units: string[] };
}
