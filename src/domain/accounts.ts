// Who may do what: the roles of users and API tokens, stored with each account and checked
// by the web API. Roles are ordered: a route that needs `operator` accepts operators and admins.
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
