// Roles are ordered: a route that needs `operator` accepts operators and admins.
import type { Role } from '../../domain/accounts.js';

export { isRole, ROLES, type Role } from '../../domain/accounts.js';

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

export function roleAllows(held: Role, needed: Role): boolean {
  return RANK[held] >= RANK[needed];
}

/** Who made a request: a logged-in user or an API token. */
export interface Principal {
  readonly username: string;
  readonly role: Role;
  readonly via: 'session' | 'token';
  /** Session id or token id, to end a session on logout. */
  readonly credentialId: string;
  /** A session opened with a generated password: every route but the password change refuses it. */
  readonly mustChangePassword?: boolean;
}

/** How a principal is named in the audit log. */
export function actorName(principal: Principal): string {
  return principal.via === 'token' ? `token:${principal.username}` : principal.username;
}
