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

type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
const logLevels: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

function hasOwnKeys(object: object): boolean {
  for (const key in object) if (Object.hasOwn(object, key)) return true;
  return false;
}

type LazyLogger = { parent: Logger; bindings: pino.Bindings; real: Logger | undefined };

function realLogger(lazy: LazyLogger): Logger {
  lazy.real ??= lazy.parent.child(lazy.bindings);
  return lazy.real;
}

/**
 * What every lazy request logger shares. Per request only a small object with three fields is made: a
 * logger object with its own methods (closures) per request showed up in the read benchmark's profile.
 */
const lazyLoggerMethods: ThisType<LazyLogger> & Record<string, unknown> = {
  child(childBindings: pino.Bindings, childOptions?: pino.ChildLoggerOptions) {
    return realLogger(this).child(childBindings, childOptions);
  },
  silent() {},
  isLevelEnabled(level: string) {
    return this.parent.isLevelEnabled(level);
  },
};
for (const level of logLevels) {
  lazyLoggerMethods[level] = function (this: LazyLogger, ...args: Parameters<pino.LogFn>) {
    if (this.parent.isLevelEnabled(level)) realLogger(this)[level](...args);
  };
}
Object.defineProperty(lazyLoggerMethods, 'level', {
  get(this: LazyLogger) {
    return this.real?.level ?? this.parent.level;
  },
  set(this: LazyLogger, value: string) {
    realLogger(this).level = value;
  },
});

/**
 * Fastify's `childLoggerFactory`: a request's logger that becomes a real pino child (with the request id
 * bound) only when the request logs something at an enabled level. Building a child runs the redaction over
 * its bindings, and most requests at the default levels log nothing below it; measured on the secret-read
 * benchmark, a pino child per request cost about a sixth of the throughput.
 */
export function lazyRequestLogger(parent: Logger, bindings: pino.Bindings, options: pino.ChildLoggerOptions): Logger {
  // A route with its own level or serializers gets its real child at once (rare; none in Rekey today).
  if (hasOwnKeys(options)) return parent.child(bindings, options);
  const lazy: LazyLogger = Object.create(lazyLoggerMethods);
  lazy.parent = parent;
  lazy.bindings = bindings;
  lazy.real = undefined;
  return lazy as unknown as Logger;
}
