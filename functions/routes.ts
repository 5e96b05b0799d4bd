import type { RouteDef } from './core/http/route.ts';
import { accountRoutes } from './accounts/accounts.routes.ts';
import { auditRoutes } from './audit/audit.routes.ts';
import { chatRoutes } from './chat/chat.routes.ts';
import { chatCompletionRoutes } from './chat-completion/chat-completion.routes.ts';
import { devRoutes } from './dev/dev.routes.ts';
import { eligibilityRoutes } from './eligibility/eligibility.routes.ts';
import { riskModelRoutes } from './risk-models/risk-models.routes.ts';
import { inviteRoutes } from './invites/invites.routes.ts';
import { labRoutes } from './labs/labs.routes.ts';
import { labWebhookRoutes } from './lab-webhooks/lab-webhooks.routes.ts';
import { patientRoutes } from './patients/patients.routes.ts';
import { platformRoutes } from './platform/platform.routes.ts';
import { schedulingRoutes } from './scheduling/scheduling.routes.ts';
import { userRoutes } from './users/users.routes.ts';

/**
 * The route table: read by the CDK API stack (one Lambda per area, authorizer per `auth`), the local
 * gateway, the OpenAPI generator and the authorization tests. Add an area's routes here.
 */
export const routes: readonly RouteDef[] = [
  ...platformRoutes,
  ...accountRoutes,
  ...userRoutes,
  ...patientRoutes,
  ...inviteRoutes,
  ...chatRoutes,
  ...chatCompletionRoutes,
  ...eligibilityRoutes,
  ...riskModelRoutes,
  ...schedulingRoutes,
  ...auditRoutes,
  ...labRoutes,
  ...labWebhookRoutes,
  ...devRoutes,
];

export function deployedRoutes(): readonly RouteDef[] {
  return routes.filter((route) => !route.localOnly);
}
