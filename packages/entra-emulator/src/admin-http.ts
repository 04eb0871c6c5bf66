import type { IncomingMessage, ServerResponse } from 'node:http';
import { isRecord, jsonResponse, parseJsonBody, readBody, textResponse, writeResponse, type EmulatorResponse } from './http.js';
import { InputError } from './input-error.js';
import type { AdminHandler } from './pipeline.js';
import type {
  AddKeyCredentialInput,
  AddPasswordCredentialInput,
  DelayRange,
  EmulatorAdmin,
  FaultRule,
  LimitsOptions,
  RealismOptions,
  RealismPreset,
  RuntimeSettings,
  Seed,
  SeedApplication,
  SeedTenant,
  ThrottleOptions,
} from './types.js';

type Body = Record<string, unknown>;

function stringList(value: unknown, name: string): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw new InputError(`${name} must be an array of strings`);
  return value;
}

function requiredString(body: Body, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value === '') throw new InputError(`${name} is required`);
  return value;
}

/**
 * The HTTP twin of `EmulatorAdmin`, under `/_emulator/`. Bodies are JSON shaped exactly like the
 * in-process arguments, so the README documents one format for both.
 */
export function createAdminHttp(admin: EmulatorAdmin, info: () => Record<string, unknown>): AdminHandler {
  // Each route: [method, pattern, handler(match, body, query)]. Bodies go unchanged to the same
  // methods the in-process API exposes, which validate them and throw InputError (→ 400).
  type Route = [string, RegExp, (match: string[], body: Body, query: URLSearchParams) => Promise<unknown> | unknown];
  const app = '^/_emulator/tenants/([^/]+)/applications/([^/]+)';
  const routes: Route[] = [
    ['GET', /^\/_emulator\/?$/, () => info()],
    ['GET', /^\/_emulator\/health$/, () => ({ ok: true, ...info() })],
    ['GET', /^\/_emulator\/ca\.pem$/, () => textResponse(200, admin.caCertPem, 'application/x-pem-file')],
    ['POST', /^\/_emulator\/reset$/, () => admin.reset()],
    ['POST', /^\/_emulator\/seed$/, (_m, body) => admin.seed(body as unknown as Seed)],
    ['GET', /^\/_emulator\/state$/, () => admin.snapshot()],
    ['POST', /^\/_emulator\/tenants$/, (_m, body) => admin.createTenant(body as SeedTenant)],
    ['POST', /^\/_emulator\/tenants\/([^/]+)\/applications$/, ([t = ''], body) => admin.createApplication(t, body as unknown as SeedApplication)],
    ['GET', new RegExp(`${app}$`), ([t = '', a = '']) => admin.getApplication(t, a)],
    ['POST', new RegExp(`${app}/owners$`), ([t = '', a = ''], body) => admin.addOwner(t, a, requiredString(body, 'owner'))],
    ['POST', new RegExp(`${app}/roles$`), ([t = '', a = ''], body) => admin.grantRoles(t, a, stringList(body.roles, 'roles'))],
    ['DELETE', new RegExp(`${app}/roles$`), ([t = '', a = ''], body) => admin.revokeRoles(t, a, stringList(body.roles, 'roles'))],
    ['GET', new RegExp(`${app}/passwordCredentials$`), ([t = '', a = '']) => admin.listPasswordCredentials(t, a)],
    [
      'POST',
      new RegExp(`${app}/passwordCredentials$`),
      ([t = '', a = ''], body) => admin.addPasswordCredential(t, a, body as AddPasswordCredentialInput),
    ],
    [
      'DELETE',
      new RegExp(`${app}/passwordCredentials/([^/]+)$`),
      ([t = '', a = '', k = '']) => ({ removed: admin.removePasswordCredential(t, a, k) }),
    ],
    [
      'POST',
      new RegExp(`${app}/keyCredentials$`),
      ([t = '', a = ''], body) => admin.addKeyCredential(t, a, body as unknown as AddKeyCredentialInput),
    ],
    ['POST', /^\/_emulator\/realism$/, (_m, body) => admin.setRealism((typeof body.preset === 'string' ? body.preset : body) as RealismPreset | RealismOptions)],
    ['POST', /^\/_emulator\/latency$/, (_m, body) => admin.setLatency((body.latencyMs ?? body) as number | DelayRange)],
    ['POST', /^\/_emulator\/limits$/, (_m, body) => admin.setLimits(body as LimitsOptions)],
    ['POST', /^\/_emulator\/throttle$/, (_m, body) => admin.setThrottle(body as ThrottleOptions)],
    ['POST', /^\/_emulator\/settings$/, (_m, body) => admin.configure(body as RuntimeSettings)],
    ['POST', /^\/_emulator\/faults$/, (_m, body) => ({ id: admin.addFault(body as unknown as FaultRule) })],
    ['DELETE', /^\/_emulator\/faults$/, () => admin.clearFaults()],
    ['GET', /^\/_emulator\/faults\/held$/, () => admin.heldRequests()],
    ['DELETE', /^\/_emulator\/faults\/([^/]+)$/, ([id = '']) => ({ removed: admin.removeFault(id) })],
    [
      'GET',
      /^\/_emulator\/faults\/([^/]+)\/held$/,
      ([id = ''], _body, query) => admin.waitForHeld(id, { timeoutMs: Number(query.get('timeoutMs') ?? 10_000) }),
    ],
    ['POST', /^\/_emulator\/faults\/([^/]+)\/release$/, ([id = '']) => admin.release(id)],
    ['GET', /^\/_emulator\/clock$/, () => ({ now: admin.now().toISOString() })],
    ['POST', /^\/_emulator\/clock\/advance$/, (_m, body) => ({ now: admin.advanceClock(Number(body.ms)).toISOString() })],
    [
      'POST',
      /^\/_emulator\/clock\/freeze$/,
      (_m, body) => ({ now: admin.freezeClock(body.date as string | number | undefined).toISOString() }),
    ],
    ['POST', /^\/_emulator\/clock\/unfreeze$/, () => ({ now: admin.unfreezeClock().toISOString() })],
    ['GET', /^\/_emulator\/requests$/, () => admin.requestLog()],
    ['DELETE', /^\/_emulator\/requests$/, () => admin.clearRequestLog()],
    ['GET', /^\/_emulator\/counters$/, () => admin.counters()],
  ];

  // A handler may return a ready response (ca.pem is not JSON); anything else is serialised.
  const toResponse = (value: unknown): EmulatorResponse => {
    if (isRecord(value) && typeof value.status === 'number' && typeof value.body === 'string' && isRecord(value.headers)) {
      return value as unknown as EmulatorResponse;
    }
    return value === undefined ? jsonResponse(200, { ok: true }) : jsonResponse(200, value);
  };

  return async (req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams) => {
    const method = (req.method ?? 'GET').toUpperCase();
    let response: EmulatorResponse;
    try {
      const raw = await readBody(req);
      const parsed = raw === null ? null : parseJsonBody(raw);
      if (parsed === null) throw new InputError('body must be JSON');
      const body = isRecord(parsed) ? parsed : {};
      const candidates = routes.filter(([, pattern]) => pattern.test(path));
      const route = candidates.find(([routeMethod]) => routeMethod === method);
      if (!route) {
        response = jsonResponse(candidates.length > 0 ? 405 : 404, { error: `no admin route for ${method} ${path}` });
      } else {
        const match = route[1].exec(path)?.slice(1) ?? [];
        response = toResponse(await route[2](match, body, query));
      }
    } catch (error) {
      const status = error instanceof InputError ? 400 : (error as Error).name === 'HoldTimeoutError' ? 408 : 500;
      response = jsonResponse(status, { error: (error as Error).message });
    }
    writeResponse(res, response);
  };
}
