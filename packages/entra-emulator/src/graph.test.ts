import { type GraphError, PageIterator } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ADMIN_APP,
  graphAs,
  NO_ROLES,
  PERSONAL,
  READER,
  rejectionOf,
  ROTATOR,
  secretCredential,
  startTestEmulator,
  TARGET,
  TARGET_2,
  TENANT,
  UNOWNED,
  GRAPH_SCOPE,
} from './test-support/fixtures.js';
import type { RunningEmulator } from './types.js';

let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.admin.reset();
});

async function graphRejection(promise: Promise<unknown>): Promise<GraphError> {
  return (await rejectionOf(promise)) as unknown as GraphError;
}

describe('GET /applications', () => {
  it('pages across three pages with PageIterator and absolute https nextLinks', async () => {
    const client = graphAs(emulator, READER);
    const first = await client.api('/applications').top(3).select('id,appId,displayName').get();
    expect(first['@odata.context']).toBe(`${emulator.origin}/v1.0/$metadata#applications(id,appId,displayName)`);
    expect(first['@odata.nextLink']).toMatch(new RegExp(`^${emulator.origin}/v1.0/applications\\?.*\\$skiptoken=`));
    expect(Object.keys(first.value[0])).toEqual(['id', 'appId', 'displayName']);

    const names: string[] = [];
    const iterator = new PageIterator(client, first, (app: { displayName: string }) => {
      names.push(app.displayName);
      return true;
    });
    await iterator.iterate();
    expect(names).toEqual(['Rotator', 'Reader', 'Admin App', 'No Roles', 'Target One', 'Target Two', 'Personal Accounts App', 'Unowned App']);
    const pages = emulator.admin.requestLog().filter((entry) => entry.route === 'listApplications');
    expect(pages).toHaveLength(3);
    expect(pages.every((entry) => entry.hasAuthorization && entry.status === 200)).toBe(true);
  });

  it('reads are not filtered by ownership under OwnedBy and never expose secretText', async () => {
    const all = await graphAs(emulator, ROTATOR).api('/applications').get();
    expect(all.value).toHaveLength(8);
    expect(all['@odata.nextLink']).toBeUndefined();
    const rotator = all.value.find((app: { appId: string }) => app.appId === ROTATOR.appId);
    expect(rotator.passwordCredentials).toEqual([
      expect.objectContaining({ secretText: null, customKeyIdentifier: null, hint: ROTATOR.secret.slice(0, 3), displayName: 'fixture' }),
    ]);
    expect(rotator.passwordCredentials[0].startDateTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
  });

  it('filters by appId, id, displayName and startswith', async () => {
    const client = graphAs(emulator, READER);
    const byAppId = await client.api('/applications').filter(`appId eq '${TARGET.appId}'`).get();
    expect(byAppId.value.map((app: { id: string }) => app.id)).toEqual([TARGET.id]);
    const byId = await client.api('/applications').filter(`id eq '${TARGET_2.id}'`).get();
    expect(byId.value).toHaveLength(1);
    const byName = await client.api('/applications').filter("displayName eq 'target one'").get();
    expect(byName.value.map((app: { id: string }) => app.id)).toEqual([TARGET.id]);
    const byPrefix = await client.api('/applications').filter("startswith(displayName,'Target')").select('displayName').get();
    expect(byPrefix.value).toEqual([{ displayName: 'Target One' }, { displayName: 'Target Two' }]);
  });

  it('validates $top, $count and advanced operators like Graph', async () => {
    const client = graphAs(emulator, READER);
    const tooBig = await graphRejection(client.api('/applications').top(1000).get());
    expect(tooBig).toMatchObject({ statusCode: 400, code: 'Request_UnsupportedQuery' });
    expect(tooBig.message).toBe("Invalid page size specified: '1000'. Must be between 1 and 999 inclusive.");

    const rawCount = await graphRejection(client.api('/applications/$count').get());
    expect(rawCount).toMatchObject({ statusCode: 400, code: 'Request_UnsupportedQuery' });
    expect(rawCount.message).toMatch(/^Raw count \(\/\$count\) is not supported because the 'ConsistencyLevel:eventual' header is missing/);

    const count = await client.api('/applications/$count').header('ConsistencyLevel', 'eventual').filter("startswith(displayName,'Target')").get();
    expect(String(count)).toBe('2');

    const withCount = await client.api('/applications').header('ConsistencyLevel', 'eventual').count(true).top(5).get();
    expect(withCount['@odata.count']).toBe(8);
    const second = await client.api(withCount['@odata.nextLink']).header('ConsistencyLevel', 'eventual').get();
    expect(second['@odata.count']).toBeUndefined();
    expect(second.value).toHaveLength(3);

    expect(await graphRejection(client.api('/applications').count(true).get())).toMatchObject({ statusCode: 400 });
    expect(await graphRejection(client.api('/applications').filter("displayName ne 'x'").get())).toMatchObject({
      statusCode: 400,
      code: 'Request_UnsupportedQuery',
    });
    expect(await graphRejection(client.api('/applications').select('nope').get())).toMatchObject({ statusCode: 400, code: 'Request_BadRequest' });
  });
});

describe('GET /applications/{id}', () => {
  it('gets by object id and by appId alternate key, with $select', async () => {
    const client = graphAs(emulator, READER);
    const byId = await client.api(`/applications/${TARGET.id}`).get();
    expect(byId).toMatchObject({ id: TARGET.id, appId: TARGET.appId, signInAudience: 'AzureADMyOrg', passwordCredentials: [], keyCredentials: [] });
    expect(byId['@odata.context']).toBe(`${emulator.origin}/v1.0/$metadata#applications/$entity`);
    const byAppId = await client.api(`/applications(appId='${TARGET.appId}')`).select('id,displayName').get();
    expect(byAppId).toEqual({
      '@odata.context': `${emulator.origin}/v1.0/$metadata#applications(id,displayName)/$entity`,
      id: TARGET.id,
      displayName: 'Target One',
    });
  });

  it('treats an appId in the {id} slot as 404 Request_ResourceNotFound', async () => {
    const error = await graphRejection(graphAs(emulator, READER).api(`/applications/${TARGET.appId}`).get());
    expect(error).toMatchObject({ statusCode: 404, code: 'Request_ResourceNotFound' });
    expect(error.message).toBe(`Resource '${TARGET.appId}' does not exist or one of its queried reference-property objects are not present.`);
    expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(error.date).toBeInstanceOf(Date);
  });

  it('answers 401 InvalidAuthenticationToken with WWW-Authenticate when no token is sent', async () => {
    const response = await fetch(`${emulator.origin}/v1.0/applications`, { headers: { 'client-request-id': 'my-id' } });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
    );
    expect(response.headers.get('client-request-id')).toBe('my-id');
    const body = (await response.json()) as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({ code: 'InvalidAuthenticationToken', message: 'Access token is empty.' });
    expect(body.error.innerError).toMatchObject({ 'client-request-id': 'my-id', 'request-id': response.headers.get('request-id') });
    expect((body.error.innerError as { date: string }).date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);

    const forged = await fetch(`${emulator.origin}/v1.0/applications`, { headers: { authorization: 'Bearer abc.def.ghi' } });
    expect(((await forged.json()) as { error: { message: string } }).error.message).toBe('Access token validation failure.');
  });

  it('expires tokens on the emulator clock', async () => {
    const token = await secretCredential(emulator, READER.appId, READER.secret).getToken(GRAPH_SCOPE);
    emulator.admin.advanceClock(3600_000);
    const response = await fetch(`${emulator.origin}/v1.0/applications`, { headers: { authorization: `Bearer ${token.token}` } });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe('Access token has expired or is not yet valid.');
  });
});

describe('addPassword / removePassword', () => {
  it('returns a 40-character secret once, stores only a hash, defaults to a two-year lifetime', async () => {
    const client = graphAs(emulator, ROTATOR);
    const added = await client.api(`/applications/${TARGET.id}/addPassword`).post({ passwordCredential: { displayName: 'rekey:rot_1' } });
    expect(added.secretText).toMatch(/^[A-Za-z0-9~._-]{40}$/);
    expect(added.hint).toBe(added.secretText.slice(0, 3));
    expect(added.keyId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(added).toMatchObject({ customKeyIdentifier: null, displayName: 'rekey:rot_1' });
    const start = new Date(added.startDateTime);
    const end = new Date(added.endDateTime);
    expect(end.getUTCFullYear() - start.getUTCFullYear()).toBe(2);

    const app = await client.api(`/applications/${TARGET.id}`).get();
    expect(app.passwordCredentials).toEqual([expect.objectContaining({ keyId: added.keyId, secretText: null })]);
    const viaSubresource = await client.api(`/applications/${TARGET.id}/passwordCredentials`).get();
    expect(viaSubresource.value).toEqual([expect.objectContaining({ keyId: added.keyId, secretText: null })]);
    expect(JSON.stringify(emulator.admin.snapshot())).not.toContain(added.secretText);
  });

  it('works through the appId alternate key and rejects end <= start', async () => {
    const client = graphAs(emulator, ROTATOR);
    const added = await client.api(`/applications(appId='${TARGET.appId}')/addPassword`).post({});
    expect(added.secretText).toHaveLength(40);
    const bad = await graphRejection(
      client.api(`/applications/${TARGET.id}/addPassword`).post({
        passwordCredential: { startDateTime: '2030-01-01T00:00:00Z', endDateTime: '2029-01-01T00:00:00Z' },
      }),
    );
    expect(bad).toMatchObject({ statusCode: 400, code: 'Request_BadRequest' });
  });

  it('removePassword answers 204, then the documented 400 for the same keyId', async () => {
    const client = graphAs(emulator, ROTATOR);
    const added = await client.api(`/applications/${TARGET.id}/addPassword`).post({});
    expect(await client.api(`/applications/${TARGET.id}/removePassword`).post({ keyId: added.keyId })).toBeUndefined();
    const second = await graphRejection(client.api(`/applications/${TARGET.id}/removePassword`).post({ keyId: added.keyId }));
    expect(second).toMatchObject({ statusCode: 400, code: 'Request_BadRequest' });
    expect(second.message).toBe(`No password credential found with keyId ${added.keyId}.`);
  });

  it('lets the status and code of the missing-keyId error be configured', async () => {
    emulator.admin.configure({ removePasswordMissingStatus: 404, removePasswordMissingCode: 'Request_ResourceNotFound' });
    const error = await graphRejection(
      graphAs(emulator, ROTATOR).api(`/applications/${TARGET.id}/removePassword`).post({ keyId: '00000000-0000-4000-8000-000000000000' }),
    );
    expect(error).toMatchObject({ statusCode: 404, code: 'Request_ResourceNotFound' });
  });

  it('Application.ReadWrite.OwnedBy cannot write an application it does not own (403)', async () => {
    const error = await graphRejection(graphAs(emulator, ROTATOR).api(`/applications/${UNOWNED.id}/addPassword`).post({}));
    expect(error).toMatchObject({ statusCode: 403, code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' });
    expect(emulator.admin.listPasswordCredentials(TENANT.id, UNOWNED.id)).toEqual([]);
  });

  it('Application.Read.All cannot write; no roles cannot read; ReadWrite.All writes anything', async () => {
    expect(await graphRejection(graphAs(emulator, READER).api(`/applications/${TARGET.id}/addPassword`).post({}))).toMatchObject({ statusCode: 403 });
    expect(await graphRejection(graphAs(emulator, NO_ROLES).api('/applications').get())).toMatchObject({ statusCode: 403 });
    const added = await graphAs(emulator, ADMIN_APP).api(`/applications/${UNOWNED.id}/addPassword`).post({});
    expect(added.secretText).toHaveLength(40);
  });

  it('404 for an unknown application on writes', async () => {
    const error = await graphRejection(graphAs(emulator, ROTATOR).api('/applications/00000000-0000-4000-8000-00000000dead/addPassword').post({}));
    expect(error).toMatchObject({ statusCode: 404, code: 'Request_ResourceNotFound' });
  });

  it('caps personal-account apps at two passwords (TooManyAppPasswords)', async () => {
    const client = graphAs(emulator, ROTATOR);
    await client.api(`/applications/${PERSONAL.id}/addPassword`).post({});
    await client.api(`/applications/${PERSONAL.id}/addPassword`).post({});
    const error = await graphRejection(client.api(`/applications/${PERSONAL.id}/addPassword`).post({}));
    expect(error).toMatchObject({ statusCode: 400, code: 'TooManyAppPasswords', message: 'Not allowed to add 3 passwords. You can only add a maximum of 2 passwords.' });
    expect(JSON.parse(error.body as string)).toMatchObject({ details: [{ target: 'passwordCredentials', code: 'TooManyAppPasswords' }] });
    // Other audiences have no cap unless configured.
    for (let i = 0; i < 3; i++) await client.api(`/applications/${TARGET.id}/addPassword`).post({});
    emulator.admin.setLimits({ maxPasswordsPerApplication: 3 });
    expect(await graphRejection(client.api(`/applications/${TARGET.id}/addPassword`).post({}))).toMatchObject({ code: 'TooManyAppPasswords' });
  });

  it('enforces an optional maximum lifetime policy', async () => {
    emulator.admin.setLimits({ maxPasswordLifetimeDays: 180 });
    const client = graphAs(emulator, ROTATOR);
    expect(await graphRejection(client.api(`/applications/${TARGET.id}/addPassword`).post({}))).toMatchObject({
      statusCode: 400,
      code: 'CredentialInvalidLifetimeAsPerAppPolicy',
    });
    const end = new Date(emulator.admin.now().getTime() + 90 * 86_400_000).toISOString();
    const added = await client.api(`/applications/${TARGET.id}/addPassword`).post({ passwordCredential: { endDateTime: end } });
    expect(new Date(added.endDateTime).toISOString()).toBe(end);
  });
});
