import type { OutgoingEmail } from '../core/email/email.ts';
import { escapeHtml } from '../core/email/html.ts';

export type LabNotice = 'lab_result_available' | 'lab_order_overdue' | 'lab_order_submission_failed';

const TEXT: Record<LabNotice, { subject: string; lead: string }> = {
  lab_result_available: {
    subject: 'A lab result is available in Genascope',
    lead: 'A lab result is available for one of your orders. Sign in to Genascope to review it.',
  },
  lab_order_overdue: {
    subject: 'A lab order is overdue in Genascope',
    lead: 'A lab has not reported a result for one of your orders within the expected time. Sign in to Genascope to follow up.',
  },
  lab_order_submission_failed: {
    subject: 'A lab order could not be submitted in Genascope',
    lead: 'One of your lab orders could not be submitted to the lab. Sign in to Genascope to cancel it and order again.',
  },
};

/**
 * Notices to the ordering clinician. E-mail is not a place for health information: no patient, no test, no
 * result, only that something waits in Genascope (the order id lets support find it).
 */
export function labNoticeEmail(
  kind: LabNotice,
  input: { to: string; accountId: string; orderId: string },
): OutgoingEmail {
  const { subject, lead } = TEXT[kind];
  const reference = `Reference: ${input.orderId}`;
  return {
    kind,
    to: input.to,
    subject,
    accountId: input.accountId,
    relatedId: input.orderId,
    text: `Hello,\n\n${lead}\n\n${reference}\n`,
    html: `<p>Hello,</p><p>${escapeHtml(lead)}</p><p>${escapeHtml(reference)}</p>`,
  };
}
