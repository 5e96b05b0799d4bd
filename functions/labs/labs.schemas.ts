import * as v from 'valibot';
import { isoDate, name, pagination, text, uuid } from '../core/http/schemas.ts';

/** A gene symbol as HGNC writes it (`BRCA1`, `HLA-A`, `C11orf65`). */
export const geneSymbol = v.pipe(v.string(), v.regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,19}$/, 'must be a gene symbol'));
const slug = (what: string) =>
  v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]{0,99}$/, `${what} must be lower-case letters, digits and hyphens`));
export const labId = slug('labId');
export const testType = slug('testType');

// ---------------------------------------------------------------------------------------------------------------
// Catalogue
// ---------------------------------------------------------------------------------------------------------------

export const labTest = v.object({
  id: v.string(),
  labId: v.string(),
  labName: v.string(),
  testType: v.string(),
  name: v.string(),
  genes: v.array(v.string()),
  isActive: v.boolean(),
});

const genes = v.pipe(
  v.array(geneSymbol),
  v.maxLength(500, 'must have at most 500 genes'),
  v.check((list) => new Set(list).size === list.length, 'must not repeat a gene'),
);

export const listLabTestsQuery = v.strictObject({
  ...pagination,
  labId: v.optional(labId),
  /** super_admin only: include inactive tests (others always see the active catalogue). */
  includeInactive: v.optional(v.picklist(['true', 'false'])),
});

export const createLabTestBody = v.strictObject({
  labId,
  testType,
  name: v.pipe(text(255), v.minLength(1, 'must not be empty')),
  genes,
  isActive: v.optional(v.boolean(), true),
});

export const updateLabTestBody = v.pipe(
  v.strictObject({
    name: v.optional(v.pipe(text(255), v.minLength(1, 'must not be empty'))),
    genes: v.optional(genes),
    isActive: v.optional(v.boolean()),
  }),
  v.check(
    (b) => b.name !== undefined || b.genes !== undefined || b.isActive !== undefined,
    'give at least one of name, genes, isActive',
  ),
);

export const labTestParams = v.strictObject({ labTestId: uuid('labTestId') });

// ---------------------------------------------------------------------------------------------------------------
// Orders
// ---------------------------------------------------------------------------------------------------------------

const memberNumber = v.pipe(
  v.string(),
  v.trim(),
  v.regex(/^[A-Za-z0-9][A-Za-z0-9 -]{0,49}$/, 'must be 1–50 letters, digits, spaces or hyphens'),
);

/**
 * Billing details sent to the lab: the payer, the member and group numbers from the insurance card, and the
 * policy holder (the patient, or the named person whose plan covers them).
 */
export const insuranceInformation = v.strictObject({
  payer: v.pipe(text(200), v.minLength(1, 'must not be empty')),
  payerId: v.optional(v.pipe(text(50), v.minLength(1, 'must not be empty'))),
  memberId: memberNumber,
  groupNumber: v.optional(memberNumber),
  policyHolder: v.pipe(
    v.strictObject({
      relationship: v.picklist(
        ['self', 'spouse', 'parent', 'child', 'other'],
        'must be self, spouse, parent, child or other',
      ),
      firstName: v.optional(name),
      lastName: v.optional(name),
      dateOfBirth: v.optional(isoDate),
    }),
    v.forward(
      v.check(
        (h) => h.relationship === 'self' || (h.firstName !== undefined && h.lastName !== undefined),
        'firstName and lastName are required unless the patient is the policy holder',
      ),
      ['firstName'],
    ),
  ),
});
export type InsuranceInformation = v.InferOutput<typeof insuranceInformation>;

export const createLabOrderBody = v.strictObject({
  patientId: uuid('patientId'),
  labId,
  testType,
  eligibilityResultId: v.optional(uuid('eligibilityResultId')),
  insuranceInformation: v.optional(insuranceInformation),
  notes: v.optional(text(5000)),
});
export type CreateLabOrderInput = v.InferOutput<typeof createLabOrderBody>;

export const labOrderStatus = v.picklist(['ordered', 'processing', 'completed', 'cancelled']);
export const labResultStatus = v.picklist(['pending', 'available', 'reviewed']);
export const reportStatus = v.picklist(['preliminary', 'final', 'amended', 'corrected']);

export const listLabOrdersQuery = v.strictObject({
  ...pagination,
  patientId: v.optional(uuid('patientId')),
  status: v.optional(labOrderStatus),
  accountId: v.optional(uuid('accountId')),
});
export type ListLabOrdersQuery = v.InferOutput<typeof listLabOrdersQuery>;

export const labOrderParams = v.strictObject({ orderId: uuid('orderId') });
export const labResultParams = v.strictObject({ resultId: uuid('resultId') });

export const reviewLabResultBody = v.strictObject({
  clinicalSignificance: v.pipe(text(100), v.minLength(1, 'must not be empty')),
  notes: v.optional(text(5000)),
});

export const dashboardLabOrdersQuery = v.strictObject({
  ...pagination,
  status: v.optional(labOrderStatus),
  accountId: v.optional(uuid('accountId')),
});

// ---------------------------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------------------------

const variant = v.object({
  gene: v.string(),
  hgvsC: v.string(),
  hgvsP: v.nullable(v.string()),
  zygosity: v.string(),
  classification: v.string(),
});

/**
 * A result version. Clinicians and super_admin see everything; office staff and account admins see only the
 * status fields (`resultData`, `clinicalSignificance`, `notes`, `reviewerId` are absent for them).
 */
export const labResult = v.object({
  id: v.string(),
  orderId: v.string(),
  version: v.number(),
  status: labResultStatus,
  reportStatus: v.nullable(reportStatus),
  receivedAt: v.nullable(v.string()),
  reviewedAt: v.nullable(v.string()),
  supersedesId: v.nullable(v.string()),
  reviewerId: v.optional(v.nullable(v.string())),
  clinicalSignificance: v.optional(v.nullable(v.string())),
  notes: v.optional(v.nullable(v.string())),
  resultData: v.optional(
    v.nullable(
      v.object({
        reportStatus: reportStatus,
        reportedAt: v.string(),
        interpretation: v.string(),
        summary: v.nullable(v.string()),
        variants: v.array(variant),
        externalOrderId: v.nullable(v.string()),
        hasReportPdf: v.boolean(),
      }),
    ),
  ),
});

export const labOrder = v.object({
  id: v.string(),
  accountId: v.string(),
  patientId: v.string(),
  providerId: v.string(),
  eligibilityResultId: v.nullable(v.string()),
  labId: v.string(),
  testType: v.string(),
  status: labOrderStatus,
  orderedAt: v.string(),
  submittedAt: v.nullable(v.string()),
  externalOrderId: v.nullable(v.string()),
  insuranceInformation: v.nullable(v.unknown()),
  /** Clinical notes: absent for office staff and account admins. */
  notes: v.optional(v.nullable(v.string())),
  overdue: v.boolean(),
  overdueAt: v.nullable(v.string()),
  cancelledAt: v.nullable(v.string()),
  updatedAt: v.string(),
  /** Status of the latest result version, or null before the lab reported. */
  resultStatus: v.nullable(labResultStatus),
});

export const labOrderWithResults = v.object({ ...labOrder.entries, results: v.array(labResult) });

export const dashboardLabOrder = v.object({
  id: v.string(),
  patientId: v.string(),
  firstName: v.string(),
  lastName: v.string(),
  labId: v.string(),
  testType: v.string(),
  status: labOrderStatus,
  orderedAt: v.string(),
  overdue: v.boolean(),
  resultStatus: v.nullable(labResultStatus),
});
