import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

/**
 * Per-stage settings of the CDK app. The stage comes from the `stage` context (`cdk.json` default "dev",
 * override with `-c stage=prod`); everything that differs between stages is decided here, once.
 */
export interface StageConfig {
  /** Lower-case stage name, used in resource names and stack names. */
  readonly stage: string;
  /** `prod` keeps data and logs on stack deletion and runs a database reader in a second AZ. */
  readonly production: boolean;
  /** Allowed browser origins (API Gateway CORS preflight and the handlers' CORS headers). */
  readonly corsAllowedOrigins: readonly string[];
  /** Retention of Lambda, API access, WAF, VPC flow and database logs. */
  readonly logRetention: RetentionDays;
  /** What happens to log groups when a stack is deleted. Data (cluster, user pool, keys) is always retained. */
  readonly logRemovalPolicy: RemovalPolicy;
  readonly database: {
    readonly minCapacity: number;
    readonly maxCapacity: number;
    /** Serverless v2 readers (in other AZs) besides the writer. */
    readonly readers: number;
    readonly backupRetention: Duration;
  };
  /** Base URL of the patient app; invite links are `<patientAppUrl>/<token>` (never guessed from a request). */
  readonly patientAppUrl: string;
  /** Verified SES sender of invitation, reminder and appointment e-mails. */
  readonly emailFrom: string;
  readonly api: {
    /** Steady-state requests per second per method (API Gateway stage throttling). */
    readonly throttlingRateLimit: number;
    readonly throttlingBurstLimit: number;
    /** WAF rate-based rule: requests per source IP per 5 minutes. */
    readonly wafRateLimitPer5Minutes: number;
  };
}

const STAGE_PATTERN = /^[a-z][a-z0-9-]{1,15}$/;

/** Reads a context value that may be a JSON array or a comma-separated string (as `-c key=a,b` gives). */
export function stringListContext(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [];
  if (Array.isArray(value))
    return value
      .map(String)
      .map((v) => v.trim())
      .filter(Boolean);
  return String(value)
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

export function stageConfig(
  stage: string,
  context: { corsAllowedOrigins?: unknown; patientAppUrl?: unknown; emailFrom?: unknown } = {},
): StageConfig {
  if (!STAGE_PATTERN.test(stage)) {
    throw new Error(`Invalid stage "${stage}": use 2-16 lower-case letters, digits or dashes, starting with a letter`);
  }
  const production = stage === 'prod';
  const corsAllowedOrigins = stringListContext(context.corsAllowedOrigins);
  for (const origin of corsAllowedOrigins) {
    if (origin === '*')
      throw new Error('corsAllowedOrigins must list explicit origins; "*" is not allowed for a PHI API');
    if (!/^https?:\/\/[^/]+$/.test(origin))
      throw new Error(`corsAllowedOrigins: "${origin}" is not an origin (scheme://host[:port])`);
  }
  const patientAppUrl = String(context.patientAppUrl ?? `https://patients.${stage}.genascope.example/invite`);
  if (!/^https:\/\/[^\s]+$/.test(patientAppUrl))
    throw new Error(`patientAppUrl "${patientAppUrl}" must be an https URL`);
  const emailFrom = String(context.emailFrom ?? `no-reply@${stage}.genascope.example`);
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(emailFrom))
    throw new Error(`emailFrom "${emailFrom}" must be an e-mail address`);
  return {
    stage,
    production,
    corsAllowedOrigins,
    patientAppUrl,
    emailFrom,
    logRetention: production ? RetentionDays.ONE_YEAR : RetentionDays.ONE_MONTH,
    logRemovalPolicy: production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    database: {
      minCapacity: 0.5,
      maxCapacity: production ? 16 : 4,
      readers: production ? 1 : 0,
      backupRetention: Duration.days(production ? 35 : 7),
    },
    api: {
      throttlingRateLimit: 50,
      throttlingBurstLimit: 100,
      wafRateLimitPer5Minutes: 2000,
    },
  };
}
