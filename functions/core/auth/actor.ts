import type { UserRole } from '../database.ts';

/** A staff member, resolved from a verified ID token and an active user row. */
export interface StaffActor {
  kind: 'staff';
  userId: string;
  role: UserRole;
  /** Null only for super_admin. */
  accountId: string | null;
}

/** A patient holding a session token: it opens exactly one chat session (and that patient's booking). */
export interface PatientActor {
  kind: 'patient';
  sessionId: string;
  patientId: string;
  accountId: string;
}

/** Workflows, webhooks and the migration trigger act as the system. */
export interface SystemActor {
  kind: 'system';
  name: string;
  accountId: string | null;
}

export interface AnonymousActor {
  kind: 'anonymous';
}

export type Actor = StaffActor | PatientActor | SystemActor | AnonymousActor;

export function isSuperAdmin(actor: Actor): boolean {
  return actor.kind === 'staff' && actor.role === 'super_admin';
}

/** The account a query must be scoped to, or null when the actor may see every account (super_admin). */
export function tenantScope(actor: StaffActor | PatientActor): string | null {
  if (actor.kind === 'staff' && actor.role === 'super_admin') return null;
  if (!actor.accountId) throw new Error('Tenant actor without an account');
  return actor.accountId;
}

export function actorId(actor: Actor): string | null {
  switch (actor.kind) {
    case 'staff':
      return actor.userId;
    case 'patient':
      return actor.sessionId;
    case 'system':
      return actor.name;
    default:
      return null;
  }
}
