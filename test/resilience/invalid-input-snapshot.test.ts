import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPublicAccess } from '../../packages/server/src/http/access.js';
import { sentinelValue } from '../../packages/server/src/test-support/sentinel.js';
import type { TestApp } from '../../packages/server/src/test-support/test-app.js';
import { captureLogs, captureResponse } from './support/capture.js';
import { type JsonSchema, type OperationParameter, openApiOperations, pathParameterNames, type RouteOperation } from './support/routes.js';
import { scaled } from './support/scale.js';
import { arbitraryFromSchema, type Hints, hostileString, nestedArrays, outOfBoundsValues, type PropertyBreak, propertyBreaks } from './support/schema-arbitrary.js';
import { buildWorld, send, type World } from './support/world.js';

/**
 * An all-invalid run leaves the database identical. Every route of the OpenAPI document gets requests that
 * are invalid by construction (each carries at least one defect that the route must refuse: a missing or
 * bad token, malformed or wrongly typed JSON, an oversized body, an unsupported media type, a broken bound,
 * a path or query parameter that names nothing or is malformed), around otherwise plausible input built
 * from the OpenAPI schemas and the ids of a populated organization (so requests get past the first checks).
 * No answer may be a 5xx or a 2xx, and a snapshot of every table, taken before and after, must be equal:
 * a refused request writes nothing — no audit row, no half-done change.
 *
 * Tables excluded from the comparison: none. Nothing the server writes is legitimately tied to a refused
 * request: failed logins and rate limits are counted in memory, authentication writes nothing unless a
 * token has a use limit (none here), refused reads are not audited.
 */
const runsPerRoute = Number(process.env.REKEY_FUZZ_RUNS ?? scaled({ full: 100, ci: 10 }));
/** Small, so that oversized bodies are cheap to send; the limit works the same at any size. */
const bodyLimitBytes = 65_536;

/** Routes that cannot be given invalid input (no parameters, no body) and answer every caller. */
const inputlessPublicRoutes = ['GET /api/status', 'GET /api/v1/admin/config'];

const authModes = ['adminUser', 'adminIdentity', 'none', 'garbage', 'malformed', 'revoked'] as const;
type AuthMode = (typeof authModes)[number];

type Defect =
  | { kind: 'auth' }
  | { kind: 'body-syntax' }
  | { kind: 'body-media-type' }
  | { kind: 'body-oversized' }
  | { kind: 'body-shape' }
  | { kind: 'body-property'; property: PropertyBreak }
  | { kind: 'body-missing'; field: string }
  | { kind: 'body-unknown-field' }
  | { kind: 'body-unknown-reference'; path: string[]; value: 'uuid' | 'slug' | 'uuid-list' }
  | { kind: 'path-malformed'; name: string; values: string[] }
  | { kind: 'path-unknown'; name: string }
  | { kind: 'query-missing'; name: string }
  | { kind: 'query-bad'; name: string; values: string[] };

const malformedJson: readonly string[] = [
  '{',
  '{"a":',
  'not json at all {',
  '[1,2',
  '{"a":1,}',
  "{'a':1}",
  '{"a":"\\ud800',
  '{"a":1}}',
  'nul',
  '\u0000',
  '{"__proto__":{"isAdmin":true}}',
  '{"constructor":{"prototype":{"isAdmin":true}}}',
];
const wrongShapes: readonly unknown[] = [[], ['🔑', null], 42, 'a string', null, true, nestedArrays(3000)];
const unsupportedMediaTypes = ['application/x-rekey-fuzz', 'text/html', 'application/xml', 'multipart/form-data; boundary=fuzz'];

/** Path parameters that look an object up (a random UUID names nothing); creation keys are not among them. */
function isLookupKey(operation: RouteOperation, name: string): boolean {
  if (name === 'version') return false;
  if (name === 'secretName') return operation.method !== 'POST';
  return true;
}

function defectsOf(operation: RouteOperation, isPublic: boolean): Defect[] {
  const defects: Defect[] = [];
  if (!isPublic) defects.push({ kind: 'auth' });
  if (operation.method !== 'GET') defects.push({ kind: 'body-syntax' }, { kind: 'body-media-type' }, { kind: 'body-oversized' });
  const body = operation.body;
  if (body) {
    defects.push({ kind: 'body-shape' });
    for (const property of propertyBreaks(body)) defects.push({ kind: 'body-property', property });
    for (const field of body.required ?? []) defects.push({ kind: 'body-missing', field });
    if (body.additionalProperties === false) defects.push({ kind: 'body-unknown-field' });
    if (operation.method !== 'GET') defects.push(...unknownReferences(body));
  }
  const parameters = new Map(operation.parameters.filter((p) => p.in === 'path').map((p) => [p.name, p]));
  for (const name of pathParameterNames(operation.path)) {
    const schema = parameters.get(name)?.schema ?? {};
    if (schema.format === 'uuid') defects.push({ kind: 'path-malformed', name, values: ['not-a-uuid', '1', "' or 1=1 --", '🔑', '00000000-0000-0000-0000-00000000000g'] });
    if (schema.type === 'integer') defects.push({ kind: 'path-malformed', name, values: ['abc', '-1', '0', '1.5', '1e309', '🔑'] });
    if (isLookupKey(operation, name)) defects.push({ kind: 'path-unknown', name });
  }
  for (const parameter of operation.parameters.filter((p) => p.in === 'query')) {
    if (parameter.required) defects.push({ kind: 'query-missing', name: parameter.name });
    const bad = queryBreakers(parameter);
    if (bad.length > 0) defects.push({ kind: 'query-bad', name: parameter.name, values: bad });
  }
  return defects;
}

/**
 * Fields that name an existing object, and a well-formed value that names none: schema-valid input that the
 * service itself has to refuse, after lookups (and, for some routes, inside the transaction of the write).
 */
const projectReferences = ['workspaceId', 'projectId', 'workspaceSlug'];

function unknownReferences(body: JsonSchema, path: string[] = []): Defect[] {
  const defects: Defect[] = [];
  for (const [name, property] of Object.entries(body.properties ?? {})) {
    const at = [...path, name];
    if (property.format === 'uuid' || ['workspaceId', 'projectId', 'connectionId'].includes(name)) defects.push({ kind: 'body-unknown-reference', path: at, value: 'uuid' });
    else if (name === 'environment' || name === 'workspaceSlug') defects.push({ kind: 'body-unknown-reference', path: at, value: 'slug' });
    else if (name === 'tagIds') defects.push({ kind: 'body-unknown-reference', path: at, value: 'uuid-list' });
    else if (path.length === 0 && property.properties && body.required?.includes(name)) defects.push(...unknownReferences(property, at));
  }
  return defects;
}

function queryBreakers(parameter: OperationParameter): string[] {
  const schema = parameter.schema;
  if (schema.type === 'integer') return ['abc', '1.5', String((schema.minimum ?? 0) - 1), ...(schema.maximum !== undefined ? [String(schema.maximum + 1)] : [])];
  return outOfBoundsValues(schema).filter((value): value is string => typeof value === 'string');
}

type Fuzzed = { method: RouteOperation['method']; url: string; headers: Record<string, string>; payload?: string; auth: AuthMode; defect: string };

function encodedSegment(value: string): string {
  let encoded: string;
  try {
    encoded = encodeURIComponent(value);
  } catch {
    encoded = 'x';
  }
  // Empty and dot segments would change which route the URL names.
  return encoded === '' || encoded === '.' || encoded === '..' ? 'x' : encoded;
}

function queryString(query: Record<string, string>): string {
  try {
    return new URLSearchParams(query).toString();
  } catch {
    return 'q=x';
  }
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] ?? ''] = value;
}

type Tokens = Record<'adminUser' | 'adminIdentity' | 'revoked', string>;

function authorization(mode: AuthMode, tokens: Tokens, garbage: string): Record<string, string> {
  switch (mode) {
    case 'adminUser':
      return { authorization: `Bearer ${tokens.adminUser}` };
    case 'adminIdentity':
      return { authorization: `Bearer ${tokens.adminIdentity}` };
    case 'revoked':
      return { authorization: `Bearer ${tokens.revoked}` };
    case 'garbage':
      return { authorization: `Bearer ${encodedSegment(garbage)}` };
    case 'malformed':
      return { authorization: garbage.length % 2 === 0 ? `Basic ${encodedSegment(garbage)}` : 'Bearer' };
    default:
      return {};
  }
}

/** One fuzzed request for `operation`: plausible input plus one certain defect. */
function requestArbitrary(operation: RouteOperation, hints: Hints, tokens: Tokens, isPublic: boolean): fc.Arbitrary<Fuzzed> {
  const defects = defectsOf(operation, isPublic);
  const pathNames = pathParameterNames(operation.path);
  const pathValue = (name: string) =>
    fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...(hints.byName[name] ?? hints.uuids)) }, { weight: 1, arbitrary: hostileString });
  const pathArbitrary = fc.record(Object.fromEntries(pathNames.map((name) => [name, pathValue(name)]))) as fc.Arbitrary<Record<string, string>>;
  const queryModel: Record<string, fc.Arbitrary<unknown>> = {};
  for (const parameter of operation.parameters.filter((p) => p.in === 'query')) queryModel[parameter.name] = arbitraryFromSchema(parameter.schema, hints, parameter.name);
  const requiredQuery = operation.parameters.filter((p) => p.in === 'query' && p.required).map((p) => p.name);
  const queryArbitrary = fc.record(queryModel, { requiredKeys: requiredQuery }) as fc.Arbitrary<Record<string, unknown>>;
  const bodyArbitrary = operation.body ? arbitraryFromSchema(operation.body, hints) : fc.constant(undefined);
  const noiseQuery = fc.dictionary(fc.string({ maxLength: 12 }), hostileString, { maxKeys: 3 });
  const noiseHeaders = fc.record(
    {
      'user-agent': hostileString.map(encodedSegment),
      accept: fc.constantFrom('*/*', 'application/json', 'text/html', 'x/y'),
      'x-forwarded-for': hostileString.map(encodedSegment),
      cookie: hostileString.map((value) => `rekey_refresh=${encodedSegment(value)}`),
    },
    { requiredKeys: [] },
  );

  return fc
    .record({
      // Mostly a valid admin token, so that the other defect is what the route has to catch.
      auth: fc.oneof({ weight: 7, arbitrary: fc.constantFrom<AuthMode>('adminUser', 'adminIdentity') }, { weight: 3, arbitrary: fc.constantFrom(...authModes) }),
      garbage: hostileString,
      defect: defects.length > 0 ? fc.constantFrom(...defects) : fc.constant(undefined),
      path: pathArbitrary,
      query: queryArbitrary,
      noiseQuery,
      headers: noiseHeaders,
      body: bodyArbitrary,
      pick: fc.nat(),
      mediaType: fc.constantFrom(...unsupportedMediaTypes),
      shape: fc.constantFrom(...wrongShapes),
      syntax: fc.constantFrom(...malformedJson),
      unknownPath: fc.uuid(),
    })
    .map((input): Fuzzed => {
      const defect = input.defect;
      let auth: AuthMode = input.auth;
      // A request with only an authentication defect must not carry a valid token.
      if ((defect === undefined || defect.kind === 'auth') && !isPublic && (auth === 'adminUser' || auth === 'adminIdentity')) auth = 'garbage';
      const path: Record<string, string> = { ...input.path };
      const query: Record<string, string> = {};
      for (const [key, value] of Object.entries(input.query)) query[key] = typeof value === 'string' ? value : JSON.stringify(value);
      for (const [key, value] of Object.entries(input.noiseQuery)) if (!(key in query)) query[`x${key}`] = value;
      let body = input.body;
      let payload: string | undefined;
      let contentType = 'application/json';
      switch (defect?.kind) {
        case 'path-malformed':
          path[defect.name] = defect.values[input.pick % defect.values.length] ?? 'x';
          break;
        case 'path-unknown':
          path[defect.name] = input.unknownPath;
          break;
        case 'query-missing':
          delete query[defect.name];
          break;
        case 'query-bad':
          query[defect.name] = defect.values[input.pick % defect.values.length] ?? '';
          break;
        case 'body-shape':
          body = input.shape;
          break;
        case 'body-property': {
          const base = body !== null && typeof body === 'object' && !Array.isArray(body) ? { ...(body as Record<string, unknown>) } : {};
          setPath(base, defect.property.path, defect.property.values[input.pick % defect.property.values.length]);
          body = base;
          break;
        }
        case 'body-missing': {
          const base = body !== null && typeof body === 'object' && !Array.isArray(body) ? { ...(body as Record<string, unknown>) } : {};
          delete base[defect.field];
          body = base;
          break;
        }
        case 'body-unknown-reference': {
          const base = body !== null && typeof body === 'object' && !Array.isArray(body) ? { ...(body as Record<string, unknown>) } : {};
          const unknown = defect.value === 'slug' ? `no-such-${input.unknownPath.slice(0, 8)}` : defect.value === 'uuid-list' ? [input.unknownPath] : input.unknownPath;
          // The project may be named three ways; the unknown one must be the only one given.
          const [field] = defect.path;
          if (defect.path.length === 1 && field && projectReferences.includes(field)) for (const other of projectReferences) delete base[other];
          setPath(base, defect.path, unknown);
          body = base;
          break;
        }
        case 'body-unknown-field':
          body = { ...(body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {}), '🔑unexpected': true };
          break;
        case 'body-syntax':
          payload = input.syntax;
          break;
        case 'body-media-type':
          contentType = input.mediaType;
          payload = JSON.stringify(body ?? { a: 1 });
          break;
        case 'body-oversized':
          payload = JSON.stringify({ ...(body !== null && typeof body === 'object' ? body : {}), pad: 'x'.repeat(bodyLimitBytes) });
          break;
        default:
          break;
      }
      if (payload === undefined && body !== undefined && operation.method !== 'GET') payload = JSON.stringify(body);
      const segments = Object.fromEntries(Object.entries(path).map(([name, value]) => [name, encodedSegment(value)]));
      const search = queryString(query);
      const url = `${operation.path.replace(/\{([^}]+)\}/g, (_m, name: string) => segments[name] ?? 'x')}${search ? `?${search}` : ''}`;
      const headers: Record<string, string> = { ...(input.headers as Record<string, string>), ...authorization(auth, tokens, input.garbage) };
      if (payload !== undefined) headers['content-type'] = contentType;
      return { method: operation.method, url, headers, ...(payload === undefined ? {} : { payload }), auth, defect: defect?.kind ?? 'none' };
    });
}

type Snapshot = Map<string, string[]>;

/** Every row of every table, as text, in a fixed order. */
async function snapshot(t: TestApp): Promise<Snapshot> {
  const tables = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(t.db);
  const result: Snapshot = new Map();
  for (const { name } of tables.rows) {
    const rows = await sql<{ row: string }>`select r::text as row from ${sql.table(name)} r order by 1`.execute(t.db);
    result.set(name, rows.rows.map((row) => row.row));
  }
  return result;
}

function differences(before: Snapshot, after: Snapshot): string[] {
  const lines: string[] = [];
  for (const name of new Set([...before.keys(), ...after.keys()])) {
    const was = new Set(before.get(name) ?? []);
    const now = new Set(after.get(name) ?? []);
    const removed = [...was].filter((row) => !now.has(row));
    const added = [...now].filter((row) => !was.has(row));
    if (removed.length === 0 && added.length === 0) continue;
    lines.push(`${name}: ${added.length} row(s) added or changed, ${removed.length} removed or changed`);
    for (const row of added.slice(0, 3)) lines.push(`  + ${row.slice(0, 400)}`);
    for (const row of removed.slice(0, 3)) lines.push(`  - ${row.slice(0, 400)}`);
  }
  return lines;
}

/** Waits for background writes (rotation attempts, the audit queue's one-second flush) to settle. */
async function settledSnapshot(t: TestApp): Promise<Snapshot> {
  let previous = await snapshot(t);
  for (let attempt = 0; attempt < 10; attempt += 1) {
    await t.app.services.rotations.engine.idle();
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const current = await snapshot(t);
    if (differences(previous, current).length === 0) return current;
    previous = current;
  }
  throw new Error('the database kept changing with no requests: cannot take a stable snapshot');
}

describe('an all-invalid run leaves the database identical', () => {
  let w: World;
  let tokens: Tokens;
  let hints: Hints;

  beforeAll(async () => {
    w = await buildWorld({ targets: 2, env: { REKEY_BODY_LIMIT_BYTES: String(bodyLimitBytes) } });
    // A user token whose session has ended.
    const login = await send(w.t, 'POST', '/api/v1/auth/login', { body: { email: w.member.email, password: w.member.password } });
    const revoked = (login.json as { accessToken: string }).accessToken;
    const logout = await send(w.t, 'POST', '/api/v1/auth/logout', { token: revoked });
    if (logout.status !== 200) throw new Error(`logout failed: ${logout.body}`);
    tokens = { adminUser: w.h.admin.userToken, adminIdentity: w.setupToken, revoked };
    const environments = w.project.environments;
    const P = w.project.id;
    hints = {
      uuids: [P, w.orgId, w.identity.identityId, w.rotation.id, w.connection.id, w.webhook.id, w.folder.id, w.secret.id, w.tag.id, w.role.id],
      emails: [w.member.email, w.invitation.email, 'someone@example.com'],
      byName: {
        organizationId: [w.orgId],
        membershipId: [w.member.orgMembershipId, w.member.projectMembershipId ?? w.member.orgMembershipId],
        identityId: [w.identity.identityId],
        clientSecretId: [w.identity.clientSecretId],
        projectId: [P],
        workspaceId: [P],
        workspaceSlug: [w.project.slug],
        environmentId: environments.map((env) => env.id),
        environment: environments.map((env) => env.slug),
        slug: ['dev', 'fuzz-slug', w.tag.slug, w.role.slug],
        roleSlug: [w.role.slug, 'admin', 'viewer', 'developer'],
        role: ['admin', 'member', 'viewer', w.role.slug],
        roleId: [w.role.id],
        secretName: [w.secret.key, 'FOLDER_SECRET', w.rotation.secretsMapping.clientSecret],
        secretKey: [w.secret.key, 'FOLDER_SECRET', w.rotation.secretsMapping.clientId],
        secretId: [w.secret.id],
        version: ['1', '2'],
        folderId: [w.folder.id, w.folder.name],
        folderIdOrName: [w.folder.id, w.folder.name],
        secretPath: ['/', w.folder.path],
        path: ['/', w.folder.path],
        secretImportId: [w.secretImport.id],
        tagId: [w.tag.id],
        tagIds: [w.tag.id],
        connectionId: [w.connection.id],
        connectionName: [w.connection.name],
        rotationId: [w.rotation.id],
        rotationName: [w.rotation.name],
        webhookId: [w.webhook.id],
        webhookUrl: [w.webhookUrl],
        tenantId: [w.h.tenantId],
        objectId: w.freeTargets.map((target) => target.objectId),
        clientId: [...w.freeTargets.map((target) => target.appId), w.identity.clientId],
        email: [w.member.email, w.invitation.email],
        emails: [w.member.email],
        inviteeEmails: [w.invitation.email],
        // Secret material in bodies is sentinel-marked: an error that echoes it would show in the leak scan.
        secretValue: [sentinelValue('fuzz')],
        password: [sentinelValue('password')],
        currentPassword: [sentinelValue('password')],
        newPassword: [sentinelValue('password')],
        clientSecret: [sentinelValue('client-secret')],
        token: [w.invitation.token.slice(0, 10)],
        accessToken: ['not-a-token'],
      },
    };
  });

  afterAll(async () => {
    if (!w) return;
    captureLogs('invalid-input-snapshot', w.t.logs.join(''));
    await w.close();
  });

  it('no 5xx, no 2xx, and every table is unchanged', async () => {
    const t = w.t;
    await t.app.ready();
    const operations = openApiOperations(t.app);
    expect(operations.length).toBeGreaterThan(100);
    const publicKeys = new Set(
      t.app.declaredRoutes.filter((route) => isPublicAccess(route.access)).map((route) => `${route.method} ${route.url.replace(/:([A-Za-z]+)/g, '{$1}')}`),
    );
    const before = await settledSnapshot(t);
    const rowsBefore = [...before.values()].reduce((sum, rows) => sum + rows.length, 0);

    const serverErrors: string[] = [];
    const accepted: string[] = [];
    const statuses = new Map<number, number>();
    const defectCounts = new Map<string, Map<number, number>>();
    let requests = 0;
    const started = Date.now();
    for (const operation of operations) {
      const isPublic = publicKeys.has(operation.key);
      const arbitrary = requestArbitrary(operation, hints, tokens, isPublic);
      await fc.assert(
        fc.asyncProperty(arbitrary, async (request) => {
          const response = await t.app.inject({
            method: request.method,
            url: request.url,
            headers: request.headers,
            ...(request.payload === undefined ? {} : { payload: request.payload }),
          });
          requests += 1;
          statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
          const byStatus = defectCounts.get(request.defect) ?? new Map<number, number>();
          byStatus.set(response.statusCode, (byStatus.get(response.statusCode) ?? 0) + 1);
          defectCounts.set(request.defect, byStatus);
          captureResponse({ source: 'invalid-input-snapshot', method: request.method, url: request.url, status: response.statusCode, body: response.body, mayContainSecrets: false });
          const reproduction = `${request.method} ${request.url.slice(0, 300)} [auth ${request.auth}, defect ${request.defect}, content-type ${request.headers['content-type'] ?? '-'}] body ${(request.payload ?? '').slice(0, 300)} → ${response.statusCode} ${response.body.slice(0, 300)}`;
          if (response.statusCode >= 500) serverErrors.push(reproduction);
          else if (response.statusCode < 300 && !inputlessPublicRoutes.includes(operation.key)) accepted.push(reproduction);
          return true;
        }),
        { numRuns: runsPerRoute },
      );
    }
    const elapsed = (Date.now() - started) / 1000;
    await t.app.services.rotations.engine.idle();
    const after = await settledSnapshot(t);
    const changes = differences(before, after);

    console.log(
      [
        `invalid-input snapshot: ${operations.length} routes × ${runsPerRoute} runs = ${requests} requests in ${elapsed.toFixed(1)} s`,
        `statuses: ${[...statuses.entries()].sort(([a], [b]) => a - b).map(([status, count]) => `${status}×${count}`).join(' ')}`,
        'defect → answers:',
        ...[...defectCounts.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([defect, byStatus]) => `  ${defect.padEnd(24)} ${[...byStatus.entries()].sort(([a], [b]) => a - b).map(([status, count]) => `${status}×${count}`).join(' ')}`),
        `tables compared: ${before.size}, rows: ${rowsBefore}; changed tables: ${changes.filter((line) => !line.startsWith(' ')).length}`,
      ].join('\n'),
    );
    expect(serverErrors, '5xx answers to invalid input').toEqual([]);
    expect(accepted, 'invalid requests answered with a 2xx').toEqual([]);
    expect(changes, 'tables changed by refused requests').toEqual([]);

    // The comparison can see a change: one valid write shows up in it.
    await send(t, 'POST', `/api/v1/workspace/${w.project.id}/tags`, { token: tokens.adminIdentity, body: { slug: 'after-the-run' } });
    const written = differences(after, await settledSnapshot(t));
    expect(written.some((line) => line.startsWith('secret_tags:'))).toBe(true);
  });
});
