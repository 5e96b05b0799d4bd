import { setLogSink } from '../functions/core/logger.ts';

// Every test process runs in local mode, in UTC, with the local identity provider.
process.env.TZ = 'UTC';
process.env.LOCAL_MODE = '1';
process.env.AUTH_USER_CACHE_TTL_MS ??= '0';
process.env.PATIENT_APP_URL ??= 'https://patients.genascope.test/invite';

/** Log lines of this test file, captured instead of printed; tests can assert that no patient data leaks. */
export const capturedLogs: string[] = [];
setLogSink((line) => {
  capturedLogs.push(line);
});
