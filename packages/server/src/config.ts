import path from 'node:path';
import { z } from 'zod';

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const httpsOrigin = z
  .url({ message: 'must be an absolute https URL' })
  .refine((value) => value.startsWith('https://'), { message: 'must use https' })
  .transform((value) => value.replace(/\/+$/, ''));

const configSchema = z.object({
  PORT: z.coerce
    .number({ message: 'must be a number' })
    .int({ message: 'must be a whole number' })
    .min(0, { message: 'must be between 0 and 65535' })
    .max(65535, { message: 'must be between 0 and 65535' })
    .default(8080),
  HOST: z.string().min(1, { message: 'must not be empty' }).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// or postgresql:// connection string' })
    .optional(),
  REKEY_DATA_DIR: z.string().min(1, { message: 'must not be empty' }).default('./.rekey'),
  REKEY_ROOT_KEY: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REKEY_WORKER: booleanFromEnv.default(true),
  REKEY_PUBLIC_URL: z
    .url({ message: 'must be an absolute URL such as https://rekey.example.com' })
    .transform((value) => value.replace(/\/+$/, ''))
    .optional(),
  REKEY_AZURE_AUTHORITY_HOST: httpsOrigin.default('https://login.microsoftonline.com'),
  REKEY_AZURE_GRAPH_URL: httpsOrigin.default('https://graph.microsoft.com'),
  REKEY_AZURE_REQUEST_TIMEOUT_MS: z.coerce.number({ message: 'must be a number' }).int().min(100).max(600_000).default(30_000),
  REKEY_AZURE_OAUTH_CLIENT_ID: z.string().trim().min(1).optional(),
  REKEY_AZURE_OAUTH_CLIENT_SECRET: z.string().min(1).optional(),
  REKEY_WEB_DIR: z.string().min(1).optional(),
  REKEY_SCHEDULER_INTERVAL_MS: z.coerce.number({ message: 'must be a number' }).int().min(50).max(3_600_000).default(5_000),
  REKEY_ROTATION_LEASE_MS: z.coerce.number({ message: 'must be a number' }).int().min(500).max(3_600_000).default(60_000),
  REKEY_ROTATION_VERIFY_TIMEOUT_MS: z.coerce.number({ message: 'must be a number' }).int().min(0).max(24 * 3_600_000).default(600_000),
  REKEY_ROTATION_VERIFY_INITIAL_DELAY_MS: z.coerce.number({ message: 'must be a number' }).int().min(10).max(600_000).default(1_000),
  REKEY_ROTATION_MAX_CONCURRENCY: z.coerce.number({ message: 'must be a number' }).int().min(1).max(1000).default(8),
  REKEY_ROTATION_MAX_CONCURRENCY_PER_CONNECTION: z.coerce.number({ message: 'must be a number' }).int().min(1).max(1000).default(4),
  REKEY_ROTATION_MAX_IN_FLIGHT: z.coerce.number({ message: 'must be a number' }).int().min(1).max(10_000).default(64),
  REKEY_ROTATION_TRANSIENT_RETRIES: z.coerce.number({ message: 'must be a number' }).int().min(0).max(20).default(5),
  REKEY_ROTATION_RETRY_BASE_MS: z.coerce.number({ message: 'must be a number' }).int().min(10).max(600_000).default(1_000),
  REKEY_ROTATION_MAX_CONSECUTIVE_FAILURES: z.coerce.number({ message: 'must be a number' }).int().min(1).max(1000).default(5),
  REKEY_ROTATE_WAIT_MS: z.coerce.number({ message: 'must be a number' }).int().min(0).max(600_000).default(30_000),
  REKEY_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(6 * 1024 * 1024),
  REKEY_READ_CACHE_TTL_MS: z.coerce.number({ message: 'must be a number' }).int().min(0).max(3_600_000).default(60_000),
  REKEY_SMTP_URL: z
    .url({ message: 'must be an smtp:// or smtps:// URL such as smtps://user:password@mail.example.com:465' })
    .refine((value) => /^smtps?:\/\//.test(value), { message: 'must start with smtp:// or smtps://' })
    .optional(),
  REKEY_SMTP_FROM: z.string().min(3, { message: 'must be an address such as Rekey <rekey@example.com>' }).default('Rekey <rekey@localhost>'),
  REKEY_LOGIN_RATE_LIMIT_PER_MINUTE: z.coerce.number({ message: 'must be a number' }).int().min(1).max(100_000).default(60),
  REKEY_MACHINE_LOGIN_RATE_LIMIT_PER_MINUTE: z.coerce.number({ message: 'must be a number' }).int().min(1).max(100_000).default(600),
  REKEY_ACCOUNT_LOGIN_FAILURES_PER_15_MINUTES: z.coerce.number({ message: 'must be a number' }).int().min(1).max(1000).default(10),
  REKEY_WEBHOOK_ALLOW_PRIVATE_TARGETS: booleanFromEnv.default(false),
  REKEY_WEBHOOK_TIMEOUT_MS: z.coerce.number({ message: 'must be a number' }).int().min(100).max(120_000).default(10_000),
  REKEY_WEBHOOK_MAX_ATTEMPTS: z.coerce.number({ message: 'must be a number' }).int().min(1).max(50).default(8),
  REKEY_WEBHOOK_RETRY_BASE_MS: z.coerce.number({ message: 'must be a number' }).int().min(10).max(3_600_000).default(30_000),
  REKEY_NOTIFICATIONS_POLL_MS: z.coerce.number({ message: 'must be a number' }).int().min(50).max(3_600_000).default(5_000),
  REKEY_EXPIRY_MARGIN_DAYS: z.coerce.number({ message: 'must be a number' }).int().min(1).max(365).default(7),
  REKEY_EXPIRY_CHECK_INTERVAL_MS: z.coerce.number({ message: 'must be a number' }).int().min(50).max(7 * 86_400_000).default(86_400_000),
  REKEY_ROTATION_UPCOMING_LEAD_MINUTES: z.coerce.number({ message: 'must be a number' }).int().min(0).max(30 * 24 * 60).default(24 * 60),
  REKEY_METRICS_PORT: z.coerce
    .number({ message: 'must be a number' })
    .int({ message: 'must be a whole number' })
    .min(0, { message: 'must be between 0 and 65535' })
    .max(65535, { message: 'must be between 0 and 65535' })
    .optional(),
  REKEY_METRICS_HOST: z.string().min(1).optional(),
  REKEY_METRICS_PUBLIC: booleanFromEnv.default(false),
});

export type Config = {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  /** How long a cached token, permission set or folder listing may be reused at most; 0 turns caching off. */
  readCacheTtlMs: number;
  rootKey: string | undefined;
  logLevel: z.infer<typeof configSchema>['LOG_LEVEL'];
  isWorkerEnabled: boolean;
  publicUrl: string | undefined;
  azureAuthorityHost: string;
  azureGraphUrl: string;
  /** Calls to Entra ID and Graph slower than this count as retryable network failures. */
  azureRequestTimeoutMs: number;
  /** Rekey's own Azure app for OAuth app connections; both set or both unset. */
  azureOAuthClientId: string | undefined;
  azureOAuthClientSecret: string | undefined;
  bodyLimitBytes: number;
  /** The dashboard build to serve at `/` (default: packages/web/dist). */
  webDir: string | undefined;
  rotation: {
    schedulerIntervalMs: number;
    leaseMs: number;
    verifyTimeoutMs: number;
    verifyInitialDelayMs: number;
    /** Azure calls (Graph and token requests) of scheduled work in flight at once, overall and per connection. */
    maxConcurrency: number;
    maxConcurrencyPerConnection: number;
    /** Scheduled attempts in flight at once, calling, doing database work or waiting (each may hold a credential not verified yet). */
    maxInFlight: number;
    transientRetries: number;
    retryBaseMs: number;
    /** Failed attempts in a row before automatic retries stop (circuit breaker). */
    maxConsecutiveFailures: number;
    /** How long `rotate-secrets` waits for the attempt before answering with status `rotating`. */
    rotateWaitMs: number;
  };
  /** Invitation emails are sent through this SMTP server when set; otherwise only the link is returned. */
  smtpUrl: string | undefined;
  smtpFrom: string;
  /** Per client IP: password logins, invitation acceptance and bootstrap attempts per minute. */
  loginRateLimitPerMinute: number;
  /** Per client IP: Universal Auth logins and token renew/revoke calls per minute. */
  machineLoginRateLimitPerMinute: number;
  /** Per account: failed password logins per 15 minutes before the account is locked for the rest of the window. */
  accountLoginFailuresPer15Minutes: number;
  notifications: {
    /** Lets webhooks reach loopback and private addresses (off: SSRF protection); link-local and metadata ones never. */
    webhookAllowPrivateTargets: boolean;
    webhookTimeoutMs: number;
    /** Delivery attempts per event before it is marked failed. */
    webhookMaxAttempts: number;
    /** First retry delay; doubles with each attempt (capped at 6 hours). */
    webhookRetryBaseMs: number;
    /** How often the background loop delivers due webhooks and looks for upcoming rotations. */
    pollIntervalMs: number;
    /** The expiry guard flags an active credential with less than this many days left (at most the rotation interval). */
    expiryMarginDays: number;
    expiryCheckIntervalMs: number;
    /** `rotation.upcoming` fires this long before a scheduled rotation; 0 turns it off. */
    upcomingLeadMinutes: number;
  };
  metrics: {
    /** A separate, unauthenticated listener for `/metrics`; unset: only the main port serves it. */
    port: number | undefined;
    host: string;
    /** Serve `/metrics` on the main port without authentication (otherwise an org admin token is needed there). */
    isPublic: boolean;
  };
};

export class ConfigError extends Error {}

/** Reads the environment once at start-up; every problem is reported as one line naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const emptyAsUnset = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = configSchema.safeParse(emptyAsUnset);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      return `${name}: ${issue.message}`;
    });
    throw new ConfigError(lines.join('\n'));
  }
  const values = parsed.data;
  if (values.DATABASE_URL && !values.REKEY_ROOT_KEY) {
    throw new ConfigError(
      'REKEY_ROOT_KEY: is required when DATABASE_URL is set (32 random bytes, base64; generate one with: openssl rand -base64 32)',
    );
  }
  if (Boolean(values.REKEY_AZURE_OAUTH_CLIENT_ID) !== Boolean(values.REKEY_AZURE_OAUTH_CLIENT_SECRET)) {
    throw new ConfigError('REKEY_AZURE_OAUTH_CLIENT_ID and REKEY_AZURE_OAUTH_CLIENT_SECRET: set both (Rekey\'s Azure app for OAuth connections) or neither');
  }
  return {
    port: values.PORT,
    host: values.HOST,
    databaseUrl: values.DATABASE_URL,
    dataDir: path.resolve(values.REKEY_DATA_DIR),
    rootKey: values.REKEY_ROOT_KEY,
    logLevel: values.LOG_LEVEL,
    isWorkerEnabled: values.REKEY_WORKER,
    publicUrl: values.REKEY_PUBLIC_URL,
    azureAuthorityHost: values.REKEY_AZURE_AUTHORITY_HOST,
    azureGraphUrl: values.REKEY_AZURE_GRAPH_URL,
    azureRequestTimeoutMs: values.REKEY_AZURE_REQUEST_TIMEOUT_MS,
    azureOAuthClientId: values.REKEY_AZURE_OAUTH_CLIENT_ID,
    azureOAuthClientSecret: values.REKEY_AZURE_OAUTH_CLIENT_SECRET,
    bodyLimitBytes: values.REKEY_BODY_LIMIT_BYTES,
    readCacheTtlMs: values.REKEY_READ_CACHE_TTL_MS,
    webDir: values.REKEY_WEB_DIR ? path.resolve(values.REKEY_WEB_DIR) : undefined,
    rotation: {
      schedulerIntervalMs: values.REKEY_SCHEDULER_INTERVAL_MS,
      leaseMs: values.REKEY_ROTATION_LEASE_MS,
      verifyTimeoutMs: values.REKEY_ROTATION_VERIFY_TIMEOUT_MS,
      verifyInitialDelayMs: values.REKEY_ROTATION_VERIFY_INITIAL_DELAY_MS,
      maxConcurrency: values.REKEY_ROTATION_MAX_CONCURRENCY,
      maxConcurrencyPerConnection: values.REKEY_ROTATION_MAX_CONCURRENCY_PER_CONNECTION,
      maxInFlight: values.REKEY_ROTATION_MAX_IN_FLIGHT,
      transientRetries: values.REKEY_ROTATION_TRANSIENT_RETRIES,
      retryBaseMs: values.REKEY_ROTATION_RETRY_BASE_MS,
      rotateWaitMs: values.REKEY_ROTATE_WAIT_MS,
      maxConsecutiveFailures: values.REKEY_ROTATION_MAX_CONSECUTIVE_FAILURES,
    },
    smtpUrl: values.REKEY_SMTP_URL,
    smtpFrom: values.REKEY_SMTP_FROM,
    loginRateLimitPerMinute: values.REKEY_LOGIN_RATE_LIMIT_PER_MINUTE,
    machineLoginRateLimitPerMinute: values.REKEY_MACHINE_LOGIN_RATE_LIMIT_PER_MINUTE,
    accountLoginFailuresPer15Minutes: values.REKEY_ACCOUNT_LOGIN_FAILURES_PER_15_MINUTES,
    notifications: {
      webhookAllowPrivateTargets: values.REKEY_WEBHOOK_ALLOW_PRIVATE_TARGETS,
      webhookTimeoutMs: values.REKEY_WEBHOOK_TIMEOUT_MS,
      webhookMaxAttempts: values.REKEY_WEBHOOK_MAX_ATTEMPTS,
      webhookRetryBaseMs: values.REKEY_WEBHOOK_RETRY_BASE_MS,
      pollIntervalMs: values.REKEY_NOTIFICATIONS_POLL_MS,
      expiryMarginDays: values.REKEY_EXPIRY_MARGIN_DAYS,
      expiryCheckIntervalMs: values.REKEY_EXPIRY_CHECK_INTERVAL_MS,
      upcomingLeadMinutes: values.REKEY_ROTATION_UPCOMING_LEAD_MINUTES,
    },
    metrics: {
      port: values.REKEY_METRICS_PORT,
      host: values.REKEY_METRICS_HOST ?? values.HOST,
      isPublic: values.REKEY_METRICS_PUBLIC,
    },
  };
}
