import { AuthenticationRequiredError, ClientCertificateCredential, ClientSecretCredential, CredentialUnavailableError } from '@azure/identity';
import { ConfidentialClientApplication } from '@azure/msal-node';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ClientCertificate, createSelfSignedCertificate } from './certs.js';
import {
  GRAPH_SCOPE,
  NO_ROLES,
  postToken,
  READER,
  rejectionOf,
  ROTATOR,
  secretCredential,
  startTestEmulator,
  TENANT,
  TARGET,
  testSeed,
} from './test-support/fixtures.js';
import type { RunningEmulator } from './types.js';

const CERT_APP = { id: 'cccccccc-0000-4000-8000-000000000001', appId: 'dddddddd-0000-4000-8000-000000000001' };

let emulator: RunningEmulator;
let certificate: ClientCertificate;
let strangerCertificate: ClientCertificate;

beforeAll(async () => {
  [certificate, strangerCertificate] = await Promise.all([createSelfSignedCertificate('cert-app'), createSelfSignedCertificate('stranger')]);
  const seed = testSeed([
    {
      id: CERT_APP.id,
      appId: CERT_APP.appId,
      displayName: 'Certificate App',
      roles: ['Application.Read.All'],
      keyCredentials: [{ certificatePem: certificate.certPem, displayName: 'CN=cert-app' }],
    },
  ]);
  emulator = await startTestEmulator({ seed });
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.admin.reset();
});

describe('client credentials with @azure/identity', () => {
  it('issues a signed Graph token with roles, after one OIDC discovery and one token POST', async () => {
    const credential = secretCredential(emulator, ROTATOR.appId, ROTATOR.secret);
    const token = await credential.getToken(GRAPH_SCOPE);
    const claims = decodeJwt(token.token);
    expect(claims).toMatchObject({
      aud: 'https://graph.microsoft.com',
      iss: `https://sts.windows.net/${TENANT.id}/`,
      tid: TENANT.id,
      appid: ROTATOR.appId,
      idtyp: 'app',
      roles: ['Application.ReadWrite.OwnedBy'],
    });
    expect(typeof claims.oid).toBe('string');
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(3599);
    expect(claims.nbf).toBe(claims.iat);

    // MSAL's cache answers the second call without a request.
    await credential.getToken(GRAPH_SCOPE);
    const log = emulator.admin.requestLog();
    expect(log.map((entry) => `${entry.method} ${entry.route} ${entry.status}`)).toEqual([
      'GET openidConfiguration 200',
      'POST token 200',
    ]);
    expect(log[1]?.query['client-request-id']).toBeDefined();
  });

  it('accepts a verified domain as tenant (MSAL posts to the domain path)', async () => {
    const credential = secretCredential(emulator, ROTATOR.appId, ROTATOR.secret, TENANT.domain);
    const token = await credential.getToken(GRAPH_SCOPE);
    expect(decodeJwt(token.token).tid).toBe(TENANT.id);
    expect(emulator.admin.requestLog().map((entry) => entry.path)).toEqual([
      `/${TENANT.domain}/v2.0/.well-known/openid-configuration`,
      `/${TENANT.domain}/oauth2/v2.0/token`,
    ]);
  });

  it('ClientCertificateCredential authenticates with a registered certificate (PS256, x5t#S256)', async () => {
    const credential = new ClientCertificateCredential(
      TENANT.id,
      CERT_APP.appId,
      { certificate: `${certificate.keyPem}\n${certificate.certPem}` },
      { authorityHost: emulator.origin, disableInstanceDiscovery: true },
    );
    const token = await credential.getToken(GRAPH_SCOPE);
    expect(decodeJwt(token.token)).toMatchObject({ appid: CERT_APP.appId, appidacr: '2', roles: ['Application.Read.All'] });
    const tokenPost = emulator.admin.requestLog().find((entry) => entry.route === 'token');
    expect(tokenPost?.body).toMatchObject({ client_assertion: '[redacted]' });
  });

  it('rejects a certificate that is not registered on the app (AADSTS700027)', async () => {
    const credential = new ClientCertificateCredential(
      TENANT.id,
      CERT_APP.appId,
      { certificate: `${strangerCertificate.keyPem}\n${strangerCertificate.certPem}` },
      { authorityHost: emulator.origin, disableInstanceDiscovery: true },
    );
    const error = await rejectionOf(credential.getToken(GRAPH_SCOPE));
    expect(error.message).toMatch(/AADSTS700027/);
  });

  it('surfaces a wrong secret as AuthenticationRequiredError with AADSTS7000215', async () => {
    const error = await rejectionOf(secretCredential(emulator, ROTATOR.appId, 'not-the-secret').getToken(GRAPH_SCOPE));
    expect(error).toBeInstanceOf(AuthenticationRequiredError);
    expect(error.message).toMatch(/invalid_client/);
    expect(error.message).toMatch(/AADSTS7000215/);
  });

  it('surfaces an unknown client as AADSTS700016', async () => {
    const error = await rejectionOf(secretCredential(emulator, '00000000-1111-4222-8333-444444444444', 'x').getToken(GRAPH_SCOPE));
    expect(error.message).toMatch(/AADSTS700016/);
  });

  it('surfaces an expired secret as AADSTS7000222', async () => {
    const seeded = emulator.admin.addPasswordCredential(TENANT.id, TARGET.id, {
      startDateTime: '2020-01-01T00:00:00Z',
      endDateTime: '2021-01-01T00:00:00Z',
    });
    const error = await rejectionOf(secretCredential(emulator, TARGET.appId, seeded.secretText).getToken(GRAPH_SCOPE));
    expect(error.message).toMatch(/AADSTS7000222/);
  });

  it('turns an unknown tenant (AADSTS90002 on discovery) into CredentialUnavailableError', async () => {
    const credential = new ClientSecretCredential('fabrikam.onmicrosoft.com', ROTATOR.appId, ROTATOR.secret, {
      authorityHost: emulator.origin,
      disableInstanceDiscovery: true,
    });
    const error = await rejectionOf(credential.getToken(GRAPH_SCOPE));
    expect(error).toBeInstanceOf(CredentialUnavailableError);
    expect(emulator.admin.requestLog()[0]).toMatchObject({ route: 'openidConfiguration', status: 400 });
  });
});

describe('client credentials with @azure/msal-node', () => {
  const authority = (tenant: string): { authority: string; knownAuthorities: string[] } => ({
    authority: `${emulator.origin}/${tenant}`,
    knownAuthorities: [new URL(emulator.origin).host],
  });

  it('works with knownAuthorities ["127.0.0.1:PORT"]', async () => {
    const app = new ConfidentialClientApplication({ auth: { clientId: READER.appId, clientSecret: READER.secret, ...authority(TENANT.domain) } });
    const result = await app.acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE] });
    expect(decodeJwt(result?.accessToken ?? '')).toMatchObject({ appid: READER.appId, roles: ['Application.Read.All'] });
  });

  it('authenticates with a certificate assertion (RS256, x5t SHA-1 thumbprint)', async () => {
    const app = new ConfidentialClientApplication({
      auth: {
        clientId: CERT_APP.appId,
        clientCertificate: { thumbprint: certificate.thumbprintSha1, privateKey: certificate.keyPem },
        ...authority(TENANT.id),
      },
    });
    const result = await app.acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE] });
    expect(decodeJwt(result?.accessToken ?? '')).toMatchObject({ appid: CERT_APP.appId, appidacr: '2' });
  });

  it('throws ServerError with status 401 for a bad secret', async () => {
    const app = new ConfidentialClientApplication({ auth: { clientId: NO_ROLES.appId, clientSecret: 'wrong', ...authority(TENANT.id) } });
    const error = await rejectionOf(app.acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE] }));
    expect(error).toMatchObject({ errorCode: 'invalid_client', status: 401 });
    expect(error.message).toMatch(/AADSTS7000215/);
  });
});

describe('token endpoint error bodies and order of checks', () => {
  const valid = { grant_type: 'client_credentials', client_id: ROTATOR.appId, client_secret: ROTATOR.secret, scope: GRAPH_SCOPE };

  it('answers the documented envelope', async () => {
    const { status, body } = await postToken(emulator, TENANT.id, { ...valid, client_secret: 'wrong' }, { 'client-request-id': 'corr-1' });
    expect(status).toBe(401);
    expect(body).toMatchObject({ error: 'invalid_client', error_codes: [7000215], correlation_id: 'corr-1' });
    expect(body.error_uri).toBe('https://login.microsoftonline.com/error?code=7000215');
    expect(body.timestamp).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z$/);
    expect(body.error_description).toBe(
      `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${ROTATOR.appId}'.\r\nTrace ID: ${String(body.trace_id)}\r\nCorrelation ID: corr-1\r\nTimestamp: ${String(body.timestamp)}`,
    );
  });

  const cases: Array<[string, string, Record<string, string>, number, string, number]> = [
    ['bad tenant syntax before anything else', 'not_a_tenant', { grant_type: 'bogus' }, 400, 'invalid_request', 900023],
    ['unknown tenant before grant type', 'fabrikam.onmicrosoft.com', { grant_type: 'bogus' }, 400, 'invalid_tenant', 90002],
    ['grant type before scope and client', TENANT.id, { ...valid, grant_type: 'password', scope: 'x', client_id: 'nope' }, 400, 'unsupported_grant_type', 70003],
    ['scope without /.default before client', TENANT.id, { ...valid, scope: 'https://graph.microsoft.com/User.Read', client_id: 'nope' }, 400, 'invalid_scope', 1002012],
    ['unknown resource', TENANT.id, { ...valid, scope: 'https://vault.example.net/.default' }, 400, 'invalid_scope', 70011],
    ['unknown client before credentials', TENANT.id, { grant_type: 'client_credentials', scope: GRAPH_SCOPE, client_id: '00000000-1111-4222-8333-444444444444' }, 400, 'unauthorized_client', 700016],
    ['missing secret', TENANT.id, { grant_type: 'client_credentials', scope: GRAPH_SCOPE, client_id: ROTATOR.appId }, 401, 'invalid_client', 7000218],
    ['wrong secret', TENANT.id, { ...valid, client_secret: 'nope' }, 401, 'invalid_client', 7000215],
  ];
  it.each(cases)('%s', async (_name, tenant, form, status, error, code) => {
    const response = await postToken(emulator, tenant, form);
    expect(response.status).toBe(status);
    expect(response.body).toMatchObject({ error, error_codes: [code] });
    expect(String(response.body.error_description)).toMatch(new RegExp(`^AADSTS${code}: `));
  });

  it('reports 7000222 only when every matching secret is expired', async () => {
    const expired = emulator.admin.addPasswordCredential(TENANT.id, TARGET.id, { endDateTime: '2021-01-01T00:00:00Z', startDateTime: '2020-01-01T00:00:00Z' });
    const expiredResponse = await postToken(emulator, TENANT.id, { ...valid, client_id: TARGET.appId, client_secret: expired.secretText });
    expect(expiredResponse).toMatchObject({ status: 401, body: { error: 'invalid_client', error_codes: [7000222] } });
    expect(String(expiredResponse.body.error_description)).toContain(`The provided client secret keys for app '${TARGET.appId}' are expired.`);
  });

  it('accepts client_secret_basic, ignores MSAL extras and a ?client-request-id query', async () => {
    const basic = Buffer.from(`${encodeURIComponent(ROTATOR.appId)}:${encodeURIComponent(ROTATOR.secret)}`).toString('base64');
    const response = await fetch(`${emulator.origin}/${TENANT.id}/oauth2/v2.0/token?client-request-id=abc`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: GRAPH_SCOPE, 'x-client-SKU': 'msal.js.node', 'x-ms-lib-capability': 'retry-after, h429' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599 });
    expect(emulator.admin.requestLog()[0]?.headers.authorization).toBe('Basic [redacted]');
  });

  it('rejects GET on the token endpoint like Entra (AADSTS900561)', async () => {
    const response = await fetch(`${emulator.origin}/${TENANT.id}/oauth2/v2.0/token`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error_codes: [900561] });
  });
});

describe('discovery documents', () => {
  it('serves instance discovery, OIDC metadata on the emulator origin and JWKS', async () => {
    const discovery = await (await fetch(`${emulator.origin}/common/discovery/instance?api-version=1.1&authorization_endpoint=${emulator.origin}/${TENANT.id}/oauth2/v2.0/authorize`)).json();
    const host = new URL(emulator.origin).host;
    expect(discovery).toEqual({
      tenant_discovery_endpoint: `${emulator.origin}/${TENANT.id}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    });
    const oidc = (await (await fetch(`${emulator.origin}/${TENANT.domain}/v2.0/.well-known/openid-configuration`)).json()) as Record<string, string>;
    expect(oidc.issuer).toBe(`${emulator.origin}/${TENANT.id}/v2.0`);
    expect(oidc.token_endpoint).toBe(`${emulator.origin}/${TENANT.id}/oauth2/v2.0/token`);
    expect(oidc.end_session_endpoint).toBeDefined();
    const keys = (await (await fetch(oidc.jwks_uri ?? '')).json()) as { keys: Array<Record<string, string>> };
    expect(keys.keys[0]).toMatchObject({ kty: 'RSA', use: 'sig' });
    const unknown = await fetch(`${emulator.origin}/fabrikam.onmicrosoft.com/v2.0/.well-known/openid-configuration`);
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: 'invalid_tenant', error_codes: [90002] });
  });
});
