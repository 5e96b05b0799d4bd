import { createHash } from 'node:crypto';
import { isLocalMode, optionalConfig } from '../core/config.ts';
import { rootLogger } from '../core/logger.ts';

/** What a lab needs to run a test. Adapters must not log any of it. */
export interface LabSubmission {
  orderId: string;
  labId: string;
  testType: string;
  genes: readonly string[];
  patient: { firstName: string; lastName: string; dateOfBirth: string | null };
  orderingProviderId: string;
  insuranceInformation: unknown;
  notes: string | null;
}

export interface LabAdapter {
  /**
   * Places the order with the lab. Idempotent per order: submitting the same order again (a retried workflow
   * step) answers the same external order id and places nothing new. The order id is the lab's reference for
   * its result webhook.
   */
  submit(order: LabSubmission): Promise<{ externalOrderId: string }>;
  /** Asks the lab to cancel; cancelling an unknown or already cancelled order is not an error. */
  cancel(order: { orderId: string; labId: string; externalOrderId: string | null }): Promise<void>;
}

/** The sandbox lab's id for an order: derived from the order, so re-submission gives the same one. */
export function sandboxExternalOrderId(orderId: string): string {
  return `SBX-${createHash('sha256').update(orderId).digest('hex').slice(0, 16).toUpperCase()}`;
}

/**
 * The sandbox lab (local mode and test stages): accepts every order and cancellation. Its results are sent by
 * `POST /dev/labs/{labId}/orders/{orderId}/complete` (sandbox-lab.ts), signed like a real lab's.
 */
export const sandboxAdapter: LabAdapter = {
  async submit(order) {
    rootLogger.info('sandbox lab accepted order', { orderId: order.orderId, labId: order.labId });
    return { externalOrderId: sandboxExternalOrderId(order.orderId) };
  },
  async cancel(order) {
    rootLogger.info('sandbox lab cancelled order', { orderId: order.orderId, labId: order.labId });
  },
};

const adapters = new Map<string, LabAdapter>([['sandbox', sandboxAdapter]]);
const overrides = new Map<string, LabAdapter>();

/**
 * The adapter of a lab. Local mode and stages with `LAB_ADAPTER=sandbox` send every lab's orders to the sandbox;
 * otherwise a lab needs its own integration registered here.
 */
export function adapterFor(labId: string): LabAdapter {
  const override = overrides.get(labId);
  if (override) return override;
  if (isLocalMode || optionalConfig('LAB_ADAPTER') === 'sandbox') return sandboxAdapter;
  const adapter = adapters.get(labId);
  if (!adapter) throw new Error(`No integration is configured for lab ${labId}`);
  return adapter;
}

/** Tests: replace a lab's adapter (e.g. one that fails). Returns the function that restores the previous one. */
export function useLabAdapter(labId: string, adapter: LabAdapter): () => void {
  const previous = overrides.get(labId);
  overrides.set(labId, adapter);
  return () => {
    if (previous) overrides.set(labId, previous);
    else overrides.delete(labId);
  };
}
