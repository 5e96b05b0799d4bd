import type { Db } from '../db.ts';
import { isLocalMode, optionalConfig } from '../config.ts';
import { asJson, asUuid } from '../sql.ts';
import { callAws, SES_V2 } from '../aws/aws-api.ts';

export interface EmailAttachment {
  filename: string;
  contentType: string;
  /** Base64. */
  content: string;
}

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  kind: string;
  accountId: string | null;
  relatedId?: string;
  attachments?: EmailAttachment[];
}

/**
 * Sends through SES in AWS and records every message in `email_outbox` (locally the outbox is the
 * delivery, read by `GET /dev/outbox`).
 */
export async function sendEmail(db: Db, email: OutgoingEmail): Promise<void> {
  await sendEmails(db, [email]);
}

/** `sendEmail` for several messages: one SES call each, then one outbox statement for all of them. */
export async function sendEmails(db: Db, emails: readonly OutgoingEmail[]): Promise<void> {
  if (emails.length === 0) return;
  const sent: { email: OutgoingEmail; messageId: string | null }[] = [];
  for (const email of emails) sent.push({ email, messageId: isLocalMode ? null : await sendWithSes(email) });
  await db
    .insertInto('email_outbox')
    .values(
      sent.map(({ email, messageId }) => ({
        account_id: email.accountId ? asUuid(email.accountId) : null,
        kind: email.kind,
        related_id: email.relatedId ?? null,
        to_address: email.to,
        subject: email.subject,
        text_body: email.text,
        html_body: email.html,
        attachments: asJson(email.attachments ?? []),
        provider_message_id: messageId,
      })),
    )
    .execute();
}

/** SES v2 SendEmail (https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_SendEmail.html); blobs are base64 in JSON. */
export async function sendWithSes(email: OutgoingEmail): Promise<string | null> {
  const from = optionalConfig('EMAIL_FROM');
  if (!from) throw new Error('EMAIL_FROM is not configured');
  const content = {
    Simple: {
      Subject: { Data: email.subject, Charset: 'UTF-8' },
      Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
      ...(email.attachments?.length
        ? {
            Attachments: email.attachments.map((a) => ({
              FileName: a.filename,
              ContentType: a.contentType,
              RawContent: a.content,
            })),
          }
        : {}),
    },
  };
  const result = await callAws<{ MessageId?: string }>(SES_V2, {
    path: '/v2/email/outbound-emails',
    body: { FromEmailAddress: from, Destination: { ToAddresses: [email.to] }, Content: content },
  });
  return result.MessageId ?? null;
}
