import { ConfidentialClientApplication, CryptoProvider } from '@azure/msal-node';
import { Client } from '@microsoft/microsoft-graph-client';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postToken, REDIRECT_URI, ROTATOR, startTestEmulator, TENANT, UNOWNED, USER } from './test-support/fixtures.js';
import type { RunningEmulator } from './types.js';

let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.close());

const SCOPES = ['https://graph.microsoft.com/Application.ReadWrite.All'];

function msalApp(): ConfidentialClientApplication {
  return new ConfidentialClientApplication({
    auth: {
      clientId: ROTATOR.appId,
      clientSecret: ROTATOR.secret,
      authority: `${emulator.origin}/${TENANT.id}`,
      knownAuthorities: [new URL(emulator.origin).host],
    },
  });
}

async function authorize(url: string): Promise<URL> {
  const response = await fetch(url, { redirect: 'manual' });
  expect(response.status).toBe(302);
  return new URL(response.headers.get('location') ?? '');
}

describe('authorization code flow (OAuth connection method)', () => {
  it('auto-consents, redeems the code with PKCE, refreshes, and the delegated token works on Graph', async () => {
    const app = msalApp();
    const pkce = await new CryptoProvider().generatePkceCodes();
    const url = await app.getAuthCodeUrl({
      scopes: SCOPES,
      redirectUri: REDIRECT_URI,
      state: 'state-123',
      codeChallenge: pkce.challenge,
      codeChallengeMethod: 'S256',
      loginHint: USER.upn,
    });
    const redirect = await authorize(url);
    expect(`${redirect.origin}${redirect.pathname}`).toBe(REDIRECT_URI);
    expect(redirect.searchParams.get('state')).toBe('state-123');
    const code = redirect.searchParams.get('code') ?? '';

    const result = await app.acquireTokenByCode({ code, scopes: SCOPES, redirectUri: REDIRECT_URI, codeVerifier: pkce.verifier });
    expect(result.account?.username).toBe(USER.upn);
    expect(decodeJwt(result.accessToken)).toMatchObject({ idtyp: 'user', oid: USER.id, scp: 'Application.ReadWrite.All', tid: TENANT.id });

    // The code is single-use.
    const again = await postToken(emulator, TENANT.id, {
      grant_type: 'authorization_code',
      client_id: ROTATOR.appId,
      client_secret: ROTATOR.secret,
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: pkce.verifier,
    });
    expect(again.body).toMatchObject({ error: 'invalid_grant', error_codes: [54005] });

    if (!result.account) throw new Error('MSAL returned no account');
    const refreshed = await app.acquireTokenSilent({ account: result.account, scopes: SCOPES, forceRefresh: true });
    expect(decodeJwt(refreshed.accessToken).scp).toBe('Application.ReadWrite.All');
    expect(emulator.admin.requestLog().filter((entry) => entry.route === 'token').map((entry) => (entry.body as Record<string, string>).grant_type)).toEqual([
      'authorization_code',
      'authorization_code',
      'refresh_token',
    ]);

    // An admin user with delegated Application.ReadWrite.All may write any application.
    const graph = Client.initWithMiddleware({
      authProvider: { getAccessToken: async () => refreshed.accessToken },
      baseUrl: emulator.origin,
      customHosts: new Set(['127.0.0.1']),
    });
    const added = await graph.api(`/applications/${UNOWNED.id}/addPassword`).post({});
    expect(added.secretText).toHaveLength(40);
  });

  it('refuses a redirect URI that is not registered (AADSTS50011) and a wrong PKCE verifier (AADSTS501481)', async () => {
    const query = new URLSearchParams({ client_id: ROTATOR.appId, response_type: 'code', redirect_uri: 'https://evil.example/cb', scope: 'openid' });
    const mismatch = await fetch(`${emulator.origin}/${TENANT.id}/oauth2/v2.0/authorize?${query}`, { redirect: 'manual' });
    expect(mismatch.status).toBe(400);
    expect(await mismatch.json()).toMatchObject({ error_codes: [50011] });

    const pkce = await new CryptoProvider().generatePkceCodes();
    const redirect = await authorize(
      `${emulator.origin}/${TENANT.id}/oauth2/v2.0/authorize?${new URLSearchParams({
        client_id: ROTATOR.appId,
        response_type: 'code',
        redirect_uri: REDIRECT_URI,
        scope: `${SCOPES[0]} offline_access`,
        code_challenge: pkce.challenge,
        code_challenge_method: 'S256',
      })}`,
    );
    const response = await postToken(emulator, TENANT.id, {
      grant_type: 'authorization_code',
      client_id: ROTATOR.appId,
      client_secret: ROTATOR.secret,
      code: redirect.searchParams.get('code') ?? '',
      redirect_uri: REDIRECT_URI,
      code_verifier: 'wrong-verifier',
    });
    expect(response.body).toMatchObject({ error: 'invalid_grant', error_codes: [501481] });
  });
});
