// Roles within an org, least to most powerful.
export const ROLES = ['viewer', 'dev', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function roleRank(role: Role): number {
  return ROLES.indexOf(role);
}

export function hasRole(actual: Role, needed: Role): boolean {
  return roleRank(actual) >= roleRank(needed);
}
