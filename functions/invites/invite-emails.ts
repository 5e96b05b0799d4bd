import type { OutgoingEmail } from '../core/email/email.ts';
import { escapeHtml, singleLine } from '../core/email/html.ts';

interface InviteEmailInput {
  to: string;
  clinicName: string;
  firstName: string | null;
  link: string;
  expiresAt: Date;
  accountId: string;
  inviteId: string;
}

const dateText = (d: Date) => d.toUTCString().replace(/ \d{2}:\d{2}:\d{2} GMT$/, '');

/**
 * Invitation and reminder e-mails: the clinic's name and the link, nothing about health. Names are
 * user-supplied, so the HTML is escaped and the subject kept to one line.
 */
function render(kind: 'invite' | 'invite_reminder', input: InviteEmailInput): OutgoingEmail {
  const greeting = input.firstName ? `Hello ${input.firstName},` : 'Hello,';
  const lead =
    kind === 'invite'
      ? `${input.clinicName} has invited you to complete a short questionnaire about your personal and family health history.`
      : `This is a reminder from ${input.clinicName}: your questionnaire is still waiting for you.`;
  const closing = `The link works until ${dateText(input.expiresAt)}. It takes about ten minutes.`;
  const subject = singleLine(
    kind === 'invite'
      ? `${input.clinicName} invites you to a short questionnaire`
      : `Reminder from ${input.clinicName}`,
  );
  return {
    kind,
    to: input.to,
    subject,
    accountId: input.accountId,
    relatedId: input.inviteId,
    text: `${greeting}\n\n${lead}\n\n${input.link}\n\n${closing}\n`,
    html: `<p>${escapeHtml(greeting)}</p><p>${escapeHtml(lead)}</p><p><a href="${escapeHtml(input.link)}">Start the questionnaire</a></p><p>${escapeHtml(closing)}</p>`,
  };
}

export const inviteEmail = (input: InviteEmailInput) => render('invite', input);
export const reminderEmail = (input: InviteEmailInput) => render('invite_reminder', input);
