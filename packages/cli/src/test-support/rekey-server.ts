import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, spawnServer, waitUntilReady } from '../../../server/src/test-support/server-process.js';

/**
 * The real Rekey server as a separate process on its embedded PostgreSQL, set up over HTTP only: the CLI
 * tests treat the server exactly as a user's machine would.
 */

export type RekeyServer = { url: string; output: () => string; stop: () => Promise<void> };

export async function startRekey(extraEnv: Record<string, string> = {}): Promise<RekeyServer> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'rekey-cli-server-'));
  const port = await freePort();
  const server = spawnServer({ REKEY_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...extraEnv });
  try {
    await waitUntilReady(server, 120_000);
  } catch (error) {
    server.child.kill('SIGKILL');
    await fs.rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: server.url,
    output: server.output,
    async stop() {
      if (server.child.exitCode === null && server.child.signalCode === null) {
        server.child.kill('SIGTERM');
        await server.exited;
      }
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** One HTTP call; anything but 200 fails the test with the server's answer. */
export async function call<T>(url: string, method: string, route: string, token?: string, body?: unknown): Promise<T> {
  const response = await fetch(`${url}${route}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${method} ${route} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

export type Identity = { identityId: string; clientId: string; clientSecret: string };
export type Workspace = {
  adminEmail: string;
  adminPassword: string;
  /** The bootstrap admin identity's token: an org admin, and admin of the project it creates. */
  adminToken: string;
  orgId: string;
  project: { id: string; slug: string };
};

export async function bootstrapWorkspace(url: string): Promise<Workspace> {
  const adminEmail = `admin-${randomBytes(3).toString('hex')}@example.com`;
  const adminPassword = `Pw-${randomBytes(12).toString('hex')}`;
  const setup = await call<{ organization: { id: string }; identity: { credentials: { token: string } } }>(url, 'POST', '/api/v1/admin/bootstrap', undefined, {
    email: adminEmail,
    password: adminPassword,
    organization: 'CLI Test Org',
  });
  const adminToken = setup.identity.credentials.token;
  const { project } = await call<{ project: { id: string; slug: string } }>(url, 'POST', '/api/v2/workspace', adminToken, {
    projectName: 'CLI Test',
    slug: 'cli-test',
  });
  return { adminEmail, adminPassword, adminToken, orgId: setup.organization.id, project: { id: project.id, slug: project.slug } };
}

/** A machine identity with Universal Auth and one client secret, member of the project with `projectRole`. */
export async function createIdentity(url: string, workspace: Workspace, projectRole: 'admin' | 'member' | 'viewer'): Promise<Identity> {
  const { adminToken, orgId, project } = workspace;
  const { identity } = await call<{ identity: { id: string } }>(url, 'POST', '/api/v1/identities', adminToken, {
    name: `cli-${projectRole}-${randomBytes(3).toString('hex')}`,
    organizationId: orgId,
    role: 'member',
  });
  const { identityUniversalAuth } = await call<{ identityUniversalAuth: { clientId: string } }>(
    url,
    'POST',
    `/api/v1/auth/universal-auth/identities/${identity.id}`,
    adminToken,
    {},
  );
  const { clientSecret } = await call<{ clientSecret: string }>(url, 'POST', `/api/v1/auth/universal-auth/identities/${identity.id}/client-secrets`, adminToken, {
    description: 'cli tests',
  });
  await call(url, 'POST', `/api/v2/workspace/${project.id}/identity-memberships/${identity.id}`, adminToken, { roles: [{ role: projectRole }] });
  return { identityId: identity.id, clientId: identityUniversalAuth.clientId, clientSecret };
}

export async function putSecret(url: string, token: string, projectId: string, where: { environment: string; secretPath: string }, name: string, value: string): Promise<void> {
  await call(url, 'POST', `/api/v3/secrets/raw/${encodeURIComponent(name)}`, token, { workspaceId: projectId, ...where, secretValue: value });
}
