import { defineRoute } from '../core/http/route.ts';
import { labResultWebhookBody, labWebhookAck, labWebhookParams } from './lab-webhooks.schemas.ts';

/**
 * The lab result webhook. In AWS a separate Lambda behind a Function URL (functions/lab-webhooks/webhook.ts);
 * locally the gateway routes `POST /webhooks/labs/{labId}` to functions/lab-webhooks/handler.ts like any area.
 * The handler verifies the signature on the raw body before anything parses it.
 */
export const labWebhookRoutes = [
  defineRoute({
    operationId: 'receiveLabResultWebhook',
    method: 'POST',
    path: '/webhooks/labs/{labId}',
    area: 'lab-webhooks',
    tags: ['Lab webhooks'],
    summary:
      'A lab reports a result (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature v1 HMAC-SHA256 of id.timestamp.body; 5-minute tolerance; a repeated webhook-id is acknowledged without a second write)',
    auth: 'webhook',
    params: labWebhookParams,
    body: labResultWebhookBody,
    response: labWebhookAck,
  }),
];
