import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * Fields that may carry secrets are redacted wherever they appear in a log object, a few levels deep.
 * Request bodies are never logged in the first place; this is the second line of defence.
 */
const sensitiveKeys = [
  'password',
  'newPassword',
  'currentPassword',
  'secret',
  'secretValue',
  'clientSecret',
  'token',
  'accessToken',
  'refreshToken',
  'value',
  'privateKey',
  'secretText',
  'credentials',
];

function redactPaths(): string[] {
  const paths = ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', 'req.headers["x-rekey-token"]'];
  for (const key of sensitiveKeys) {
    paths.push(key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`);
  }
  return paths;
}

export function createLogger(options: { level: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      redact: { paths: redactPaths(), censor: '[redacted]' },
      base: { service: 'rekey' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}

export type { Logger };
