import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../server/src/test-support/server-process.js';
import { baseEnv, runCli, startCli, waitFor } from './test-support/cli-process.js';
import { type Identity, type RekeyServer, type Workspace, bootstrapWorkspace, call, createIdentity, putSecret, startRekey } from './test-support/rekey-server.js';

/**
 * The built `rekey` binary against a real Rekey server process (embedded PostgreSQL), set up over HTTP.
 * Each test gets its own HOME / XDG_CONFIG_HOME, so saved credentials never leak between tests.
 */

let server: RekeyServer;
let workspace: Workspace;
let developer: Identity;
let viewer: Identity;
/** An access token of `developer`: most tests use it, sparing the server a Universal Auth login per command. */
let developerToken: string;
let tmp: string;
let homeCount = 0;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'rekey-cli-test-'));
  server = await startRekey();
  workspace = await bootstrapWorkspace(server.url);
  [developer, viewer] = await Promise.all([createIdentity(server.url, workspace, 'admin'), createIdentity(server.url, workspace, 'viewer')]);
  developerToken = (
    await call<{ accessToken: string }>(server.url, 'POST', '/api/v1/auth/universal-auth/login', undefined, {
      clientId: developer.clientId,
      clientSecret: developer.clientSecret,
    })
  ).accessToken;
  const dev = { environment: 'dev', secretPath: '/' };
  await putSecret(server.url, workspace.adminToken, workspace.project.id, dev, 'DATABASE_URL', 'postgres://app:pw@db/app');
  await putSecret(server.url, workspace.adminToken, workspace.project.id, dev, 'GREETING', 'hello from rekey');
  await putSecret(server.url, workspace.adminToken, workspace.project.id, { environment: 'staging', secretPath: '/' }, 'STAGING_ONLY', 'staging');
});

afterAll(async () => {
  await server?.stop();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

/** A fresh home directory, plus the environment variables a CI job would set for the developer identity. */
async function freshHome(): Promise<{ home: string; env: Record<string, string> }> {
  homeCount += 1;
  const home = path.join(tmp, `home-${homeCount}`);
  await fs.mkdir(home, { recursive: true });
  return { home, env: baseEnv(home) };
}

/** What a CI job sets: Universal Auth credentials, logged in afresh by every command. */
async function ciEnv(identity: Identity = developer): Promise<Record<string, string>> {
  const { env } = await freshHome();
  return { ...env, REKEY_API_URL: server.url, REKEY_CLIENT_ID: identity.clientId, REKEY_CLIENT_SECRET: identity.clientSecret, REKEY_PROJECT_ID: workspace.project.id };
}

async function tokenEnv(): Promise<Record<string, string>> {
  const { env } = await freshHome();
  return { ...env, REKEY_API_URL: server.url, REKEY_TOKEN: developerToken, REKEY_PROJECT_ID: workspace.project.id };
}

const printEnv = (...names: string[]) => `process.stdout.write(JSON.stringify({${names.map((name) => `${name}: process.env.${name} ?? null`).join(', ')}}))`;

describe('login', () => {
  it('logs in with Universal Auth, saves 0600 credentials, and later commands use them', async () => {
    const { home, env } = await freshHome();
    const login = await runCli(['login', '--api-url', server.url, '--client-id', developer.clientId, '--client-secret', developer.clientSecret], { env });
    expect(login.stderr).not.toMatch(/error/i);
    expect(login).toMatchObject({ code: 0 });
    expect(login.stdout).toContain(`Logged in to ${server.url} as machine identity ${developer.clientId}`);
    const file = path.join(home, 'config', 'rekey', 'credentials.json');
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);

    // No --api-url, no REKEY_* variables: the saved login and its server are used.
    const list = await runCli(['secrets', 'list', '--project', workspace.project.id], { env });
    expect(list.stderr).toBe('');
    expect(list.stdout).toMatch(/DATABASE_URL\s+\*{8}/);
    expect(list.stdout).not.toContain('postgres://');

    const saved = JSON.parse(await fs.readFile(file, 'utf8')) as { servers: Record<string, { accessToken: string }> };
    const token = saved.servers[server.url]?.accessToken ?? '';
    const logout = await runCli(['logout'], { env });
    expect(logout.stdout).toBe(`Logged out of ${server.url}\n`);
    // Revoked on the server too: a copy of the file is worth nothing afterwards.
    const withOldToken = await fetch(`${server.url}/api/v1/workspace`, { headers: { authorization: `Bearer ${token}` } });
    expect(withOldToken.status).toBe(401);
    const after = await runCli(['secrets', 'list', '--project', workspace.project.id], { env });
    expect(after).toMatchObject({ code: 1, stdout: '' });
    expect(after.stderr).toBe(
      'rekey: Not logged in to http://localhost:8080: run `rekey login`, or set REKEY_TOKEN or REKEY_CLIENT_ID and REKEY_CLIENT_SECRET\n',
    );
  });

  it('logs in as a user with email and password answered on standard input', async () => {
    const { env } = await freshHome();
    const input = `${workspace.adminEmail}\n${workspace.adminPassword}\n`;
    const login = await runCli(['login', '--api-url', server.url], { env, input });
    expect(login.stdout).toContain(`as ${workspace.adminEmail}`);
    expect(login.code).toBe(0);
    const whoCanRead = await runCli(['secrets', 'get', 'GREETING', '--project', workspace.project.id], { env });
    expect(whoCanRead.stdout).toBe('hello from rekey');

    const file = path.join(env.XDG_CONFIG_HOME ?? '', 'rekey', 'credentials.json');
    const saved = JSON.parse(await fs.readFile(file, 'utf8')) as { servers: Record<string, { refreshToken: string }> };
    const refreshToken = saved.servers[server.url]?.refreshToken ?? '';
    expect(refreshToken).not.toBe('');
    expect((await runCli(['logout'], { env })).stdout).toBe(`Logged out of ${server.url}\n`);
    const renewal = await fetch(`${server.url}/api/v1/auth/token`, { method: 'POST', headers: { cookie: `rekey_refresh=${refreshToken}` } });
    expect(renewal.status).toBe(401);
  });

  it('rejects a wrong client secret in one line', async () => {
    const { env } = await freshHome();
    const login = await runCli(['login', '--api-url', server.url, '--client-id', developer.clientId, '--client-secret', 'wrong'], { env });
    expect(login.code).toBe(1);
    expect(login.stderr).toMatch(/^rekey: Login failed: .+\n$/);
  });
});

describe('secrets', () => {
  it('sets (from an argument and from stdin), gets, lists and deletes', async () => {
    const env = await tokenEnv();
    const multiLine = 'line one\nline "two"\n';
    expect((await runCli(['secrets', 'set', 'CLI_ONE', 'first'], { env })).stdout).toBe('Created CLI_ONE in dev:/ (version 1)\n');
    expect((await runCli(['secrets', 'set', 'CLI_ONE', 'second'], { env })).stdout).toBe('Updated CLI_ONE in dev:/ (version 2)\n');
    expect((await runCli(['secrets', 'set', 'CLI_PEM', '-'], { env, input: multiLine })).code).toBe(0);

    const got = await runCli(['secrets', 'get', 'CLI_PEM', '--json'], { env });
    expect(JSON.parse(got.stdout)).toMatchObject({ key: 'CLI_PEM', value: multiLine, version: 1 });
    expect((await runCli(['secrets', 'get', 'CLI_PEM'], { env })).stdout).toBe(multiLine);

    const shown = JSON.parse((await runCli(['secrets', 'list', '--show', '--json'], { env })).stdout) as { key: string; value: string | null }[];
    expect(shown.find((secret) => secret.key === 'CLI_ONE')?.value).toBe('second');
    const hidden = JSON.parse((await runCli(['secrets', 'list', '--json'], { env })).stdout) as { key: string; value: string | null }[];
    expect(hidden.every((secret) => secret.value === null)).toBe(true);

    expect((await runCli(['secrets', 'delete', 'CLI_ONE'], { env })).stdout).toBe('Deleted CLI_ONE from dev:/\n');
    const missing = await runCli(['secrets', 'get', 'CLI_ONE'], { env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^rekey: .*CLI_ONE.*not found.*\n$/);
    await runCli(['secrets', 'delete', 'CLI_PEM'], { env });
  });
});

describe('run', () => {
  it('injects the secrets into the child; existing variables win only with --no-override', async () => {
    const env = { ...(await ciEnv()), GREETING: 'from the shell' };
    const overriding = await runCli(['run', '--', process.execPath, '-e', printEnv('DATABASE_URL', 'GREETING')], { env });
    expect(overriding.stderr).toBe('');
    expect(JSON.parse(overriding.stdout)).toEqual({ DATABASE_URL: 'postgres://app:pw@db/app', GREETING: 'hello from rekey' });

    const keeping = await runCli(['run', '--no-override', '--', process.execPath, '-e', printEnv('DATABASE_URL', 'GREETING')], { env });
    expect(JSON.parse(keeping.stdout)).toEqual({ DATABASE_URL: 'postgres://app:pw@db/app', GREETING: 'from the shell' });
  });

  it("passes the child's exit code through, and its options without --", async () => {
    const env = await tokenEnv();
    expect((await runCli(['run', process.execPath, '-e', 'process.exit(7)'], { env })).code).toBe(7);
    const notFound = await runCli(['run', '--', 'rekey-no-such-program'], { env });
    expect(notFound).toMatchObject({ code: 127, stderr: 'rekey: Command not found: rekey-no-such-program\n' });
  });

  it('forwards SIGTERM to the child and ends the way the child ended', async () => {
    const env = await tokenEnv();
    const graceful = "process.on('SIGTERM', () => { console.log('child: SIGTERM, shutting down'); process.exit(0); }); console.log('ready'); setInterval(() => {}, 1000);";
    const cli = startCli(['run', '--', process.execPath, '-e', graceful], { env });
    await waitFor('the child to start', () => cli.stdout().includes('ready'), 30_000, cli.stderr);
    cli.child.kill('SIGTERM');
    expect(await cli.result).toMatchObject({ code: 0, signal: null, stdout: 'ready\nchild: SIGTERM, shutting down\n' });

    // A child that dies of the signal: rekey dies of the same signal, so the caller sees "terminated by SIGTERM".
    const plain = startCli(['run', '--', process.execPath, '-e', "console.log('ready'); setInterval(() => {}, 1000);"], { env });
    await waitFor('the child to start', () => plain.stdout().includes('ready'), 30_000, plain.stderr);
    plain.child.kill('SIGTERM');
    expect(await plain.result).toMatchObject({ code: null, signal: 'SIGTERM' });
  });
});

describe('export', () => {
  const awkward: Record<string, string> = {
    EXPORT_MULTILINE: '-----BEGIN KEY-----\nabc\n-----END KEY-----\n',
    EXPORT_QUOTES: `it's "quoted"`,
    EXPORT_HASH: 'pass#word # not a comment',
    EXPORT_EQUALS: 'a=b==c',
    EXPORT_ALL: `'single' "double" #hash =equals\nsecond line\\n`,
  };

  it('round-trips values with newlines, quotes, # and = through dotenv, and through json and yaml', async () => {
    const where = { environment: 'prod', secretPath: '/' };
    for (const [name, value] of Object.entries(awkward)) await putSecret(server.url, workspace.adminToken, workspace.project.id, where, name, value);
    const env = await tokenEnv();

    const dotenv = await runCli(['export', '--env', 'prod'], { env });
    expect(dotenv.stderr).toBe('');
    expect(parseDotenv(dotenv.stdout)).toEqual(awkward);
    expect(JSON.parse((await runCli(['export', '--env', 'prod', '--format', 'json'], { env })).stdout)).toEqual(awkward);
    expect(parseYaml((await runCli(['export', '--env', 'prod', '--format', 'yaml'], { env })).stdout)).toEqual(awkward);

    const file = path.join(tmp, 'prod.env');
    await runCli(['export', '--env', 'prod', '-o', file], { env });
    expect(parseDotenv(await fs.readFile(file, 'utf8'))).toEqual(awkward);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
  });
});

describe('errors: one line and a non-zero exit', () => {
  it('network failure', async () => {
    const env = await tokenEnv();
    const closed = `http://127.0.0.1:${await freePort()}`;
    const result = await runCli(['secrets', 'list', '--api-url', closed], { env });
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toBe(`rekey: Cannot reach Rekey at ${closed} (ECONNREFUSED): is the server running? Set its address with --api-url or REKEY_API_URL\n`);
  });

  it('401 suggests where the credentials came from', async () => {
    const { env } = await freshHome();
    const withToken = await runCli(['secrets', 'list', '--api-url', server.url, '--project', workspace.project.id], { env: { ...env, REKEY_TOKEN: 'not-a-token' } });
    expect(withToken.code).toBe(1);
    expect(withToken.stderr).toMatch(/^rekey: Not authenticated: .+; check the REKEY_TOKEN environment variable\n$/);

    // Saved credentials whose token was revoked and whose client secret no longer works: `rekey login` is the fix.
    const saved = { kind: 'universal-auth', clientId: developer.clientId, clientSecret: 'revoked', accessToken: 'stale', accessTokenExpiresAt: '2999-01-01T00:00:00Z' };
    await fs.mkdir(path.join(env.XDG_CONFIG_HOME ?? '', 'rekey'), { recursive: true });
    await fs.writeFile(path.join(env.XDG_CONFIG_HOME ?? '', 'rekey', 'credentials.json'), JSON.stringify({ version: 1, defaultApiUrl: server.url, servers: { [server.url]: saved } }), { mode: 0o600 });
    const stale = await runCli(['secrets', 'list', '--project', workspace.project.id], { env });
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/^rekey: Universal Auth login failed: .+; run `rekey login`\n$/);
  });

  it('403, with the request id under --debug', async () => {
    const env = await ciEnv(viewer);
    const denied = await runCli(['secrets', 'set', 'NOPE', 'x'], { env });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/^rekey: Permission denied: .+\n$/);

    const debug = await runCli(['secrets', 'set', 'NOPE', 'x', '--debug'], { env });
    expect(debug.stderr).toMatch(/^rekey: Permission denied: .+ \(request id [0-9a-f-]{36}\)$/m);
    expect(debug.stderr).toMatch(/^rekey: debug: PATCH .*NOPE -> 403 in \d+ ms \(request id [0-9a-f-]{36}\)$/m);
  });

  it('unknown project and unknown environment', async () => {
    const env = await tokenEnv();
    const project = await runCli(['secrets', 'list', '--project', '00000000-0000-4000-8000-000000000000'], { env });
    expect(project.code).toBe(1);
    expect(project.stderr).toMatch(/^rekey: .*[Pp]roject.*\n$/);

    // For run, options go before the command: everything after it belongs to the command.
    for (const command of [['secrets', 'list', '--env', 'nope'], ['export', '--env', 'nope'], ['run', '--env', 'nope', '--', process.execPath, '-e', '']]) {
      const environment = await runCli(command, { env });
      expect(environment.code).toBe(1);
      expect(environment.stderr).toBe(`rekey: Environment 'nope' does not exist in project ${workspace.project.id}; its environments are: dev, staging, prod\n`);
    }
  });
});

describe('init and help', () => {
  it('writes .rekey.json, which commands in sub-folders then use', async () => {
    const env = await tokenEnv();
    delete env.REKEY_PROJECT_ID;
    const dir = path.join(tmp, 'app');
    await fs.mkdir(path.join(dir, 'src'), { recursive: true });
    const init = await runCli(['init', '--project', workspace.project.slug, '--env', 'staging'], { env, cwd: dir });
    expect(init.stdout).toContain(`project CLI Test (cli-test, ${workspace.project.id}), default environment staging`);
    expect(JSON.parse(await fs.readFile(path.join(dir, '.rekey.json'), 'utf8'))).toEqual({ projectId: workspace.project.id, defaultEnvironment: 'staging' });
    const exported = await runCli(['export', '--format', 'json'], { env, cwd: path.join(dir, 'src') });
    expect(JSON.parse(exported.stdout)).toEqual({ STAGING_ONLY: 'staging' });
  });

  it('documents every command', async () => {
    const help = await runCli(['--help']);
    for (const command of ['login', 'logout', 'init', 'secrets', 'run', 'export', 'rotations']) expect(help.stdout).toContain(command);
    for (const command of [['run'], ['export'], ['secrets', 'set'], ['rotations', 'history']]) {
      const sub = await runCli([...command, '--help']);
      expect(sub).toMatchObject({ code: 0 });
      expect(sub.stdout).toContain(`Usage: rekey ${command.join(' ')}`);
    }
  });
});
