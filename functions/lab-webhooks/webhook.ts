/**
 * Entry of the Function URL Lambda as the CDK API stack names it (`functions/<area>/webhook.ts`); the local
 * gateway loads `handler.ts` like every area. One handler serves both event formats.
 */
export { handler } from './handler.ts';
