import { getDb } from '../core/db.ts';
import { rootLogger } from '../core/logger.ts';
import { abandonStaleSessions } from './session-lifecycle.ts';

/** Scheduled daily: sessions without activity for 30 days become abandoned. */
export async function handler(): Promise<{ abandoned: number }> {
  const abandoned = await abandonStaleSessions(await getDb());
  rootLogger.info('stale chat sessions abandoned', { abandoned });
  return { abandoned };
}
