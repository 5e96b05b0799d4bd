import { isLocalMode } from '../core/config.ts';
import { createAreaHandler } from '../core/http/area-handler.ts';
import { ok, defineOperations } from '../core/http/types.ts';
import { notFound } from '../core/errors.ts';
import { findUserByEmail } from '../users/users.repository.ts';
import { localServices } from '../local/local-services.ts';
import { devRoutes } from './dev.routes.ts';
import { completeSandboxOrder } from '../labs/sandbox-lab.ts';

if (!isLocalMode) throw new Error('The dev area exists only in local mode');

const TOKEN_SECONDS = 3600;

const operations = defineOperations(devRoutes, {
  devToken: async (r) => {
    const idp = localServices.identityProvider;
    if (!idp) throw new Error('Local identity provider not started');
    const user = await findUserByEmail(r.db, r.body.email);
    if (!user) throw notFound('User');
    const idToken = await idp.signIdToken({
      sub: user.cognito_sub,
      email: user.email,
      role: user.role,
      accountId: user.account_id,
      expiresIn: TOKEN_SECONDS,
    });
    return ok({ idToken, expiresIn: TOKEN_SECONDS });
  },
  devOutbox: async (r) => {
    let query = r.db.selectFrom('email_outbox').selectAll().orderBy('created_at', 'desc').limit(r.query.limit);
    if (r.query.to) query = query.where('to_address', '=', r.query.to);
    const rows = await query.execute();
    return ok({
      items: rows.map((m) => ({
        id: m.id,
        kind: m.kind,
        to: m.to_address,
        subject: m.subject,
        text: m.text_body,
        html: m.html_body,
        attachments: m.attachments,
        createdAt: m.created_at,
      })),
    });
  },
  // The sandbox lab posts its signed webhook to this server (or SANDBOX_LAB_WEBHOOK_URL), like a real lab would.
  devCompleteLabOrder: async (r) =>
    ok(
      await completeSandboxOrder(r.db, {
        labId: r.params.labId,
        orderId: r.params.orderId,
        webhookBaseUrl: process.env.SANDBOX_LAB_WEBHOOK_URL ?? `http://${r.headers.host ?? 'localhost:3000'}`,
        options: r.body,
      }),
    ),
});

export const handler = createAreaHandler(operations);
