import type { EmulatorContext } from './context.js';
import { addPassword as storePassword, isVisibleToGraph, replicationTiming } from './credentials.js';
import { addYears, graphDateTime, parseDateTime } from './dates.js';
import { graphError, graphErrors, graphHeaders, graphJson } from './graph-errors.js';
import { emptyResponse, isRecord, parseJsonBody, type EmulatorRequest, type EmulatorResponse } from './http.js';
import { isGuid } from './ids.js';
import { isPersonalAudience, livePasswords, type StoredApplication } from './store.js';

const DAY_MS = 86_400_000;

function unreadableJson(ctx: EmulatorContext, request: EmulatorRequest): EmulatorResponse {
  return graphErrors.badRequest(
    ctx,
    request,
    'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
    'BadRequest',
  );
}

function dateOption(value: unknown): number | null | undefined {
  if (value === undefined || value === null) return undefined;
  return parseDateTime(value);
}

function tooManyPasswords(ctx: EmulatorContext, request: EmulatorRequest, attempted: number, max: number): EmulatorResponse {
  return graphError(ctx, request, 400, 'TooManyAppPasswords', `Not allowed to add ${attempted} passwords. You can only add a maximum of ${max} passwords.`, {
    details: [{ target: 'passwordCredentials', code: 'TooManyAppPasswords' }],
  });
}

/** `POST /applications/{id}/addPassword` (reference §2.5, §7.13, §7.16). */
export function addPassword(ctx: EmulatorContext, request: EmulatorRequest, app: StoredApplication): EmulatorResponse {
  const body = parseJsonBody(request.body);
  if (body === null || (body !== undefined && !isRecord(body))) return unreadableJson(ctx, request);
  const credential = body?.passwordCredential;
  if (credential !== undefined && credential !== null && !isRecord(credential)) return unreadableJson(ctx, request);
  const input = isRecord(credential) ? credential : {};

  const nowMs = ctx.clock.now();
  const start = dateOption(input.startDateTime);
  const end = dateOption(input.endDateTime);
  for (const [name, parsed] of [
    ['startDateTime', start],
    ['endDateTime', end],
  ] as const) {
    if (parsed === null) {
      return graphErrors.badRequest(ctx, request, `Cannot convert the literal '${String(input[name])}' to the expected type 'Edm.DateTimeOffset'.`, 'BadRequest');
    }
  }
  const startMs = start ?? nowMs;
  const endMs = end ?? addYears(startMs, 2);
  if (endMs <= startMs) {
    return graphErrors.badRequest(ctx, request, "Invalid value specified for property 'endDateTime' of resource 'PasswordCredential'. The end date must be later than the start date.");
  }
  const maxDays = ctx.settings.limits.maxPasswordLifetimeDays;
  if (maxDays !== null && endMs - startMs > maxDays * DAY_MS) {
    return graphErrors.badRequest(
      ctx,
      request,
      `Credential lifetime exceeds the max value allowed as per assigned policy. The maximum lifetime is ${maxDays} days.`,
      'CredentialInvalidLifetimeAsPerAppPolicy',
    );
  }
  const existing = livePasswords(app).length;
  const max = isPersonalAudience(app.signInAudience) ? ctx.settings.limits.personalAccountMaxPasswords : ctx.settings.limits.maxPasswordsPerApplication;
  if (max !== null && existing >= max) return tooManyPasswords(ctx, request, existing + 1, max);

  const displayName = typeof input.displayName === 'string' ? input.displayName : null;
  // A caller-supplied secretText is ignored: the service always generates the secret.
  const { stored, secretText } = storePassword(app, { displayName, startMs, endMs }, nowMs, replicationTiming(ctx.settings.realism));
  return graphJson(request, 200, {
    '@odata.context': `${ctx.origin}/${request.params.version ?? 'v1.0'}/$metadata#microsoft.graph.passwordCredential`,
    customKeyIdentifier: null,
    displayName: stored.displayName,
    endDateTime: graphDateTime(stored.endMs),
    hint: stored.hint,
    keyId: stored.keyId,
    secretText,
    startDateTime: graphDateTime(stored.startMs),
  });
}

/**
 * `POST /applications/{id}/removePassword`: 204, or the "No password credential found" error for a
 * keyId that is absent or not yet replicated (reference §2.6; status and code configurable).
 */
export function removePassword(ctx: EmulatorContext, request: EmulatorRequest, app: StoredApplication): EmulatorResponse {
  const body = parseJsonBody(request.body);
  if (body === null || (body !== undefined && !isRecord(body))) return unreadableJson(ctx, request);
  const keyId = body?.keyId;
  if (keyId === undefined || keyId === null || keyId === '') {
    return graphErrors.badRequest(ctx, request, 'Value cannot be null. Parameter name: keyId');
  }
  const nowMs = ctx.clock.now();
  const wanted = String(keyId).toLowerCase();
  const password = isGuid(wanted)
    ? livePasswords(app).find((candidate) => candidate.keyId === wanted && isVisibleToGraph(candidate, nowMs, ctx.settings.realism))
    : undefined;
  if (!password) {
    return graphError(
      ctx,
      request,
      ctx.settings.removePasswordMissingStatus,
      ctx.settings.removePasswordMissingCode,
      `No password credential found with keyId ${String(keyId)}.`,
    );
  }
  password.removedMs = nowMs;
  return emptyResponse(204, graphHeaders(request));
}
