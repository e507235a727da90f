/** Roles, from most to least powerful. */
export const ROLES = ['admin', 'curator', 'reviewer', 'creator', 'licensee'] as const;
export type Role = (typeof ROLES)[number];

/** Who is asking: a signed-in user, or nobody (anonymous public visitor). */
export type Actor = { kind: 'user'; id: string; username: string; role: Role } | { kind: 'anonymous' };

export const ANONYMOUS: Actor = { kind: 'anonymous' };

/** Roles that can see every work, private or public. */
export const STAFF_ROLES: readonly Role[] = ['admin', 'curator', 'reviewer'];
/** Roles that can create works (their own) and import. */
export const CONTRIBUTOR_ROLES: readonly Role[] = ['admin', 'curator', 'creator'];

export function hasRole(actor: Actor, roles: readonly Role[]): boolean {
  return actor.kind === 'user' && roles.includes(actor.role);
}

export function isStaff(actor: Actor): boolean {
  return hasRole(actor, STAFF_ROLES);
}

export interface WorkAccessFacts {
  visibility: string;
  owner_id: string | null;
}

/** The one rule for reading a work: public, or staff, or the owner. Lists apply the same rule in SQL. */
export function canReadWork(actor: Actor, work: WorkAccessFacts): boolean {
  if (work.visibility === 'public') return true;
  if (actor.kind !== 'user') return false;
  return isStaff(actor) || work.owner_id === actor.id;
}

/** Editing: admins and curators edit anything; creators edit their own works. */
export function canEditWork(actor: Actor, work: WorkAccessFacts): boolean {
  if (actor.kind !== 'user') return false;
  if (actor.role === 'admin' || actor.role === 'curator') return true;
  return actor.role === 'creator' && work.owner_id === actor.id;
}
