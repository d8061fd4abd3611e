import type { Role } from './user.entity';

/** What a verified bearer token says about the caller. */
export interface AuthUser {
  id: string;
  username: string;
  unitId: string;
  role: Role;
}
