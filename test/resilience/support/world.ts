import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authHeader, type CreatedIdentity, type CreatedUser, createMachineIdentity, createUser } from '../../../packages/server/src/test-support/fixtures.js';
import { sentinelValue } from '../../../packages/server/src/test-support/sentinel.js';
import type { TestApp } from '../../../packages/server/src/test-support/test-app.js';
import { type RotationHarness, startRotationHarness, type TargetApp } from '../../../packages/server/src/secret-rotations/test-support/rotation-harness.js';

/**
 * One populated organization ("org A") for the suite's route-walking tests: a project with secrets (sentinel
 * values), a folder, an import, a tag, a custom role, a webhook, a machine identity with Universal Auth, a
 * member, a pending invitation, an Azure connection and a rotation with history, all created through the
 * HTTP API. Path parameters filled from it name real objects, so a request that should be refused but is not
 * acts on real data.
 */

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export type ApiResult = { status: number; body: string; json: unknown; headers: Record<string, string | string[] | number | undefined> };

/** One in-process request; `token` adds the bearer header. */
export async function send(t: TestApp, method: HttpMethod, url: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<ApiResult> {
  const hasBody = options.body !== undefined;
  const response = await t.app.inject({
    method,
    url,
    headers: { ...(options.token ? authHeader(options.token) : {}), ...(hasBody ? { 'content-type': 'application/json' } : {}), ...options.headers },
    ...(hasBody ? { payload: JSON.stringify(options.body) } : {}),
  });
  let json: unknown;
  try {
    json = response.body ? JSON.parse(response.body) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.statusCode, body: response.body, json, headers: response.headers };
}

/** Like `send`, but a setup step: anything but 2xx throws with the answer. */
export async function api<T>(t: TestApp, method: HttpMethod, url: string, token: string | undefined, body?: unknown): Promise<T> {
  const result = await send(t, method, url, { ...(token ? { token } : {}), ...(body === undefined ? {} : { body }) });
  if (result.status < 200 || result.status >= 300) throw new Error(`setup: ${method} ${url} answered ${result.status}: ${result.body.slice(0, 500)}`);
  return result.json as T;
}

export type RotationView = { id: string; name: string; rotationStatus: string; secretsMapping: { clientId: string; clientSecret: string } };

export type World = {
  h: RotationHarness;
  t: TestApp;
  /** The bootstrap admin machine identity's non-expiring token (organization admin): used for setup. */
  setupToken: string;
  orgId: string;
  project: { id: string; slug: string; environments: { id: string; slug: string }[] };
  /** An ordinary secret in dev `/` with two versions (value: a sentinel). */
  secret: { id: string; key: string; value: string };
  folder: { id: string; name: string; path: string };
  secretImport: { id: string };
  tag: { id: string; slug: string };
  role: { id: string; slug: string };
  webhook: { id: string };
  /** A machine identity with Universal Auth and one client secret, viewer in the project. */
  identity: CreatedIdentity & { clientSecretId: string };
  /** An organization member, viewer in the project. */
  member: CreatedUser;
  invitation: { email: string; token: string };
  connection: { id: string; name: string };
  rotation: RotationView;
  /** Target applications of the tenant that no rotation uses yet. */
  freeTargets: TargetApp[];
  /** A local HTTP server that accepts webhook deliveries. */
  webhookUrl: string;
  close(): Promise<void>;
};

export const worldEnv = {
  // Fixtures and route walks sign in and accept invitations far more often than a person would.
  REKEY_LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
  REKEY_MACHINE_LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
  REKEY_ACCOUNT_LOGIN_FAILURES_PER_15_MINUTES: '1000',
  // Webhook deliveries go to a local receiver.
  REKEY_WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
  // Makes the OAuth authorize-url route reachable (it only builds a URL; nothing calls Rekey's OAuth app).
  REKEY_AZURE_OAUTH_CLIENT_ID: 'resilience-oauth-client',
  REKEY_AZURE_OAUTH_CLIENT_SECRET: 'resilience-oauth-secret',
  REKEY_PUBLIC_URL: 'http://127.0.0.1:8080',
};

export function inviteToken(link: string): string {
  return new URL(link).searchParams.get('token') ?? '';
}

async function startReceiver(): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.statusCode = 204;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` };
}

export async function buildWorld(options: { targets?: number; env?: Record<string, string> } = {}): Promise<World> {
  const h = await startRotationHarness({ targets: options.targets ?? 4, env: { ...worldEnv, ...options.env } });
  const t = h.t;
  const receiver = await startReceiver();
  try {
    const setupToken = h.admin.adminIdentityToken;
    const projectId = h.project.id;
    const call = <T>(method: HttpMethod, url: string, body?: unknown) => api<T>(t, method, url, setupToken, body);

    const secretKey = 'APP_SECRET';
    const first = await call<{ secret: { id: string } }>('POST', `/api/v3/secrets/raw/${secretKey}`, {
      workspaceId: projectId,
      environment: 'dev',
      secretPath: '/',
      secretValue: sentinelValue('app-secret-v1'),
    });
    const secretValue = sentinelValue('app-secret');
    await call('PATCH', `/api/v3/secrets/raw/${secretKey}`, { workspaceId: projectId, environment: 'dev', secretPath: '/', secretValue });

    const { folder } = await call<{ folder: { id: string; name: string; path: string } }>('POST', '/api/v1/folders', {
      workspaceId: projectId,
      environment: 'dev',
      name: 'victim-folder',
      path: '/',
    });
    await call('POST', '/api/v3/secrets/raw/FOLDER_SECRET', { workspaceId: projectId, environment: 'dev', secretPath: folder.path, secretValue: sentinelValue('folder-secret') });
    const { secretImport } = await call<{ secretImport: { id: string } }>('POST', '/api/v1/secret-imports', {
      workspaceId: projectId,
      environment: 'dev',
      path: folder.path,
      import: { environment: 'staging', path: '/' },
    });
    const { workspaceTag } = await call<{ workspaceTag: { id: string; slug: string } }>('POST', `/api/v1/workspace/${projectId}/tags`, { slug: 'victim-tag' });
    const { role } = await call<{ role: { id: string; slug: string } }>('POST', `/api/v1/workspace/${projectId}/roles`, {
      slug: 'victim-role',
      name: 'Victim role',
      permissions: [{ subject: 'secrets', action: 'read' }],
    });
    const { webhook } = await call<{ webhook: { id: string } }>('POST', '/api/v1/webhooks', { projectId, webhookUrl: receiver.url });

    const identity = await createMachineIdentity(t, setupToken, { projectId, projectRole: 'viewer', name: 'victim-identity' });
    const secrets = await call<{ clientSecretData: { id: string }[] }>('GET', `/api/v1/auth/universal-auth/identities/${identity.identityId}/client-secrets`);
    const member = await createUser(t, setupToken, { orgRole: 'member', projectId, projectRole: 'viewer' });

    const orgs = await call<{ organizations: { id: string }[] }>('GET', '/api/v1/organization');
    const orgId = orgs.organizations[0]?.id ?? '';
    const invitedEmail = `invited-${Date.now()}@example.com`;
    const invite = await call<{ completeInviteLinks: { link: string }[] }>('POST', '/api/v1/invite-org/signup', {
      inviteeEmails: [invitedEmail],
      organizationId: orgId,
      organizationRoleSlug: 'member',
    });

    const [rotationTarget, ...freeTargets] = h.targets;
    if (!rotationTarget) throw new Error('the harness has no target application');
    const created = await h.createRotation(rotationTarget);
    if (created.status !== 200) {
      const problems = t.logs.filter((line) => /"level":(40|50|60)/.test(line)).slice(-5);
      throw new Error(`creating the rotation failed: ${JSON.stringify(created.body)}\n${problems.join('')}`);
    }
    const rotation = created.body.secretRotation as RotationView;
    await t.app.services.rotations.engine.idle();
    // A second credential, so history, rollback and "previous credential" have something to show.
    await call('POST', `/api/v2/secret-rotations/azure-client-secret/${rotation.id}/rotate-secrets`);
    await t.app.services.rotations.engine.idle();

    return {
      h,
      t,
      setupToken,
      orgId,
      project: { id: projectId, slug: h.project.slug, environments: h.project.environments },
      secret: { id: first.secret.id, key: secretKey, value: secretValue },
      folder,
      secretImport,
      tag: workspaceTag,
      role,
      webhook,
      identity: { ...identity, clientSecretId: secrets.clientSecretData[0]?.id ?? '' },
      member,
      invitation: { email: invitedEmail, token: inviteToken(invite.completeInviteLinks[0]?.link ?? '') },
      connection: { id: h.connectionId, name: 'tenant-connection' },
      rotation,
      freeTargets,
      webhookUrl: receiver.url,
      async close() {
        await h.close();
        await new Promise<void>((resolve) => receiver.server.close(() => resolve()));
      },
    };
  } catch (error) {
    await h.close().catch(() => undefined);
    receiver.server.close();
    throw error;
  }
}
