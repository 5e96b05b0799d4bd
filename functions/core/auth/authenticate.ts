import { forbidden, unauthorized } from '../errors.ts';
import type { Db } from '../db.ts';
import type { RouteDef } from '../http/route.ts';
import type { Actor, PatientActor, StaffActor } from './actor.ts';
import { findStaffBySub } from './staff-directory.ts';
import { verifyStaffToken } from './staff-token.ts';
import { isPatientSessionToken, verifyPatientSessionToken } from './patient-token.ts';

function bearerToken(headers: Record<string, string>): string | undefined {
  const header = headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match?.[1];
}

async function authenticateStaff(db: Db, token: string): Promise<StaffActor> {
  let claims;
  try {
    claims = await verifyStaffToken(token);
  } catch {
    throw unauthorized('The token is invalid or expired');
  }
  const entry = await findStaffBySub(db, claims.sub);
  if (!entry || !entry.active) throw unauthorized('The user or its account is not active');
  // The token's tenant must be the user's tenant: a user moved between accounts keeps no access through old tokens.
  if (entry.role !== 'super_admin' && claims.accountId !== entry.accountId)
    throw unauthorized('The token does not match the user');
  return { kind: 'staff', userId: entry.userId, role: entry.role, accountId: entry.accountId };
}

async function authenticatePatient(token: string): Promise<PatientActor> {
  try {
    return await verifyPatientSessionToken(token);
  } catch {
    throw unauthorized('The session token is invalid or expired');
  }
}

/** Resolves the caller of a route, or throws 401/403 problems. */
export async function authenticate(db: Db, route: RouteDef, headers: Record<string, string>): Promise<Actor> {
  if (route.auth === 'public' || route.auth === 'webhook') return { kind: 'anonymous' };
  const token = bearerToken(headers);
  if (!token) throw unauthorized();
  if (route.auth === 'staff_or_patient' && isPatientSessionToken(token)) return authenticatePatient(token);
  const actor = await authenticateStaff(db, token);
  if (!route.roles?.includes(actor.role)) throw forbidden();
  return actor;
}
