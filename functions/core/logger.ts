/**
 * Structured JSON logs. Only identifiers and technical facts go in: never names, e-mails, phone
 * numbers, dates of birth, answers or results. Callers pass fields explicitly; there is no
 * "log the request" helper on purpose.
 */
export type LogFields = Record<string, string | number | boolean | null | undefined>;
export type LogSink = (line: string) => void;

let sink: LogSink = (line) => process.stdout.write(`${line}\n`);

/** Tests capture log lines to check that no patient data leaks. */
export function setLogSink(next: LogSink): void {
  sink = next;
}

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export function createLogger(base: LogFields = {}): Logger {
  const write = (level: string, message: string, fields?: LogFields) =>
    sink(JSON.stringify({ time: new Date().toISOString(), level, message, ...base, ...fields }));
  return {
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
    child: (fields) => createLogger({ ...base, ...fields }),
  };
}

export const rootLogger = createLogger({ service: 'genascope' });
