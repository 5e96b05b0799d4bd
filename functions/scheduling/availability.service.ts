import type { PatientActor, StaffActor } from '../core/auth/actor.ts';
import { tenantScope } from '../core/auth/actor.ts';
import type { AuditContext } from '../core/audit.ts';
import type { Db } from '../core/db.ts';
import { forbidden, notFound, unprocessable, type FieldError } from '../core/errors.ts';
import { decodeCursor, toPage } from '../core/pagination.ts';
import { isoInstant } from '../core/sql.ts';
import * as repo from './availability.repository.ts';
import { bookedIntervals } from './appointments.repository.ts';
import type { FreeSlotsQuery, PutAvailabilityInput } from './availability.schemas.ts';
import { rangeProblem, requestedRange, resolveRange, MAX_RANGE_DAYS } from './range.ts';
import { expandSlots, freeSlots, timeSlotProblem, type AvailabilityPattern } from './slots.ts';
import { DAY_MS } from './time-zone.ts';

export interface SchedulingContext extends AuditContext {
  actor: StaffActor | PatientActor;
}

export interface FreeSlot {
  clinicianId: string;
  startsAt: number;
  endsAt: number;
  timeZone: string;
}

export const toFreeSlotDto = (slot: FreeSlot) => ({
  clinicianId: slot.clinicianId,
  startsAt: new Date(slot.startsAt).toISOString(),
  endsAt: new Date(slot.endsAt).toISOString(),
  timeZone: slot.timeZone,
});

/** A keyset cursor of (instant, uuid), as the scheduling lists write them; anything else is a 400. */
export function instantCursor(cursor: string | undefined): [string, string] | undefined {
  return decodeCursor(cursor, 'instant') as [string, string] | undefined;
}

/** An active clinician of the caller's clinic (patients: of their own clinic); any other id answers 404. */
export async function requireClinician(
  db: Db,
  actor: StaffActor | PatientActor,
  clinicianId: string,
): Promise<repo.ClinicianRow> {
  const clinician = await repo.findClinician(db, clinicianId, tenantScope(actor));
  if (!clinician) throw notFound('Clinician');
  return clinician;
}

function toAvailabilityDto(clinicianId: string, pattern: ReturnType<typeof repo.toPattern>) {
  return {
    clinicianId,
    timeZone: pattern.timeZone,
    slotMinutes: pattern.slotMinutes,
    startDate: pattern.startDate,
    validUntil: pattern.validUntil,
    rules: pattern.rules,
    updatedAt: isoInstant(pattern.updatedAt),
  };
}

export async function getAvailability(db: Db, context: SchedulingContext, clinicianId: string) {
  const clinician = await requireClinician(db, context.actor, clinicianId);
  const pattern = (await repo.findPatterns(db, [clinician.id])).get(clinician.id) ?? repo.toPattern([]);
  return toAvailabilityDto(clinician.id, pattern);
}

/** The request as a pattern; ranges too short for one slot are 422s naming the field. */
function patternOf(input: PutAvailabilityInput): AvailabilityPattern {
  const rules = input.rules ?? [{ daysOfWeek: input.daysOfWeek ?? [], timeSlots: input.timeSlots ?? [] }];
  const errors: FieldError[] = [];
  rules.forEach((rule, r) =>
    rule.timeSlots.forEach((spec, s) => {
      const problem = timeSlotProblem(spec, input.slotMinutes);
      const field = input.rules ? `body.rules[${r}].timeSlots[${s}]` : `body.timeSlots[${s}]`;
      if (problem) errors.push({ field, message: problem });
    }),
  );
  if (errors.length > 0) throw unprocessable(`Invalid request body: ${errors.map((e) => e.field).join(', ')}`, errors);
  return {
    timeZone: input.timeZone,
    slotMinutes: input.slotMinutes,
    startDate: input.startDate ?? null,
    validUntil: input.validUntil ?? null,
    rules,
  };
}

/** Clinicians edit their own pattern; office staff and admins any clinician of their clinic. */
export async function putAvailability(
  db: Db,
  context: SchedulingContext & { actor: StaffActor },
  clinicianId: string,
  input: PutAvailabilityInput,
) {
  const { clinician, rows } = await db.transaction().execute(async (trx) => {
    const clinician = await repo.lockClinician(trx, clinicianId, tenantScope(context.actor));
    if (!clinician) throw notFound('Clinician');
    if (context.actor.role === 'clinician' && context.actor.userId !== clinician.id)
      throw forbidden('Clinicians may change only their own availability');
    const entry = {
      action: 'availability.update',
      resourceType: 'recurring_availability',
      resourceId: clinician.id,
      accountId: clinician.account_id,
    };
    return { clinician, rows: await repo.replacePattern(trx, clinician.id, patternOf(input), { context, entry }) };
  });
  return toAvailabilityDto(clinician.id, repo.toPattern(rows));
}

/** Free slots of clinicians with patterns over [fromMs, toMs), never before now, in (startsAt, clinicianId) order. */
export async function computeFreeSlots(
  db: Db,
  patterns: ReadonlyMap<string, AvailabilityPattern>,
  windowOf: (pattern: AvailabilityPattern) => { fromMs: number; toMs: number },
  nowMs = Date.now(),
): Promise<FreeSlot[]> {
  const windows = new Map<string, { fromMs: number; toMs: number }>();
  for (const [id, pattern] of patterns) {
    const window = windowOf(pattern);
    windows.set(id, { fromMs: Math.max(window.fromMs, nowMs), toMs: window.toMs });
  }
  const all = [...windows.values()];
  if (all.length === 0) return [];
  const booked = await bookedIntervals(
    db,
    [...windows.keys()],
    Math.min(...all.map((w) => w.fromMs)),
    Math.max(...all.map((w) => w.toMs)),
  );
  const slots: FreeSlot[] = [];
  for (const [id, pattern] of patterns) {
    const window = windows.get(id) as { fromMs: number; toMs: number };
    for (const slot of freeSlots(expandSlots(pattern, window.fromMs, window.toMs), booked.get(id) ?? [])) {
      slots.push({ clinicianId: id, startsAt: slot.startsAt, endsAt: slot.endsAt, timeZone: pattern.timeZone });
    }
  }
  return slots.sort(
    (a, b) => a.startsAt - b.startsAt || (a.clinicianId < b.clinicianId ? -1 : a.clinicianId > b.clinicianId ? 1 : 0),
  );
}

/** A few free slots of one clinician from `fromMs` on (the alternatives a 409 offers). */
export async function nextFreeSlots(db: Db, clinicianId: string, fromMs: number, count = 5) {
  const pattern = (await repo.findPatterns(db, [clinicianId])).get(clinicianId);
  if (!pattern) return [];
  const slots = await computeFreeSlots(db, new Map([[clinicianId, pattern]]), () => ({
    fromMs,
    toMs: fromMs + MAX_RANGE_DAYS * DAY_MS,
  }));
  return slots.slice(0, count).map(toFreeSlotDto);
}

export async function listFreeSlots(db: Db, context: SchedulingContext, query: FreeSlotsQuery) {
  const range = requestedRange(query.from, query.to, Date.now());
  const problem = rangeProblem(range);
  if (problem) throw unprocessable(`Invalid query: ${problem}`, [{ field: 'query.to', message: problem }]);
  let clinicianIds: string[];
  if (query.clinicianId) {
    clinicianIds = [(await requireClinician(db, context.actor, query.clinicianId)).id];
  } else {
    const scope = tenantScope(context.actor);
    if (!scope)
      throw unprocessable('clinicianId is required for super_admin', [
        { field: 'query.clinicianId', message: 'Required for super_admin' },
      ]);
    clinicianIds = await repo.listClinicianIds(db, scope);
  }
  const patterns = await repo.findPatterns(db, clinicianIds);
  let slots = await computeFreeSlots(db, patterns, (pattern) => resolveRange(range, pattern.timeZone));
  const after = instantCursor(query.cursor);
  if (after) {
    const at = Date.parse(after[0]);
    const id = after[1];
    slots = slots.filter((s) => s.startsAt > at || (s.startsAt === at && s.clinicianId > id));
  }
  return toPage(
    slots.slice(0, query.limit + 1),
    query.limit,
    (s) => [new Date(s.startsAt).toISOString(), s.clinicianId],
    toFreeSlotDto,
  );
}
