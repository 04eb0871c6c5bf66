import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, demo, type Stack, screenshot, startStack, tokenWith } from './support/stack.js';

/**
 * The seed's user flow, in Chromium against the real server and the Entra emulator: first run, a project,
 * an Azure connection, the Add Secret Rotation wizard, the rotated secret used against Entra ID, Rotate now,
 * History, a viewer's view, and Delete with revoke. The tests of this file run in order and share one session.
 *
 * The browser tests do not depend on the database, so they run in the embedded-PostgreSQL pass only.
 */
const admin = { email: 'admin@example.com', password: 'correct-horse-battery-staple', organization: 'Acme' };
const viewer = { email: 'viewer@example.com', password: 'viewer-horse-battery-staple' };
const rotationName = 'payments-api';
const oauthSecret = 'RkOA~e2e.oauth-app-secret_0123456789abcdef';

function row(page: Page, key: string) {
  return page.getByTestId(`secret-row-${key}`);
}

/** Reveals a secret on the dashboard and returns the value shown. */
async function revealedValue(page: Page, key: string): Promise<string> {
  const secretRow = row(page, key);
  const value = secretRow.getByTestId('secret-value');
  if (!(await secretRow.getByRole('button', { name: `Hide ${key}` }).isVisible())) {
    await secretRow.getByRole('button', { name: `Reveal ${key}` }).click();
  }
  await expect.poll(async () => (await value.textContent())?.includes('•') === false).toBe(true);
  return (await value.textContent()) ?? '';
}

async function hideValue(page: Page, key: string): Promise<void> {
  const hide = row(page, key).getByRole('button', { name: `Hide ${key}` });
  if (await hide.isVisible()) await hide.click();
}

async function expectNoCriticalViolations(page: Page, where: string, include?: string): Promise<void> {
  const violations = await axeViolations(page, include);
  const critical = violations.filter((violation) => violation.impact === 'critical');
  expect(critical, `${where}: ${JSON.stringify(critical, null, 2)}`).toEqual([]);
}

async function openWizard(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Actions', exact: true }).click();
  await page.getByRole('menuitem', { name: 'Add Secret Rotation' }).click();
  await page.getByRole('dialog', { name: 'Add Secret Rotation' }).waitFor();
  await page.getByRole('button', { name: 'Azure Client Secret' }).click();
  await page.getByTestId('wizard-step-1').waitFor();
}

async function chooseOption(page: Page, testId: string, option: string): Promise<void> {
  await page.getByTestId(testId).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

describe.skipIf(Boolean(process.env.TEST_DATABASE_URL))('dashboard: Azure Client Secret rotation in Chromium', () => {
  let stack: Stack;
  let page: Page;
  let dashboardUrl = '';
  let firstSecret = '';

  beforeAll(async () => {
    stack = await startStack({
      // Rekey's own app registration for the OAuth method, with this server's callback page as redirect URI.
      serverEnv: (emulator, url) => {
        const oauthApp = emulator.admin.createApplication(demo.tenantId, {
          displayName: 'Rekey OAuth',
          signInAudience: 'AzureADMultipleOrgs',
          roles: ['Application.ReadWrite.All'],
          redirectUris: [`${url}/organization/app-connections/azure/oauth/callback`],
          passwordCredentials: [{ secretText: oauthSecret, displayName: 'rekey oauth' }],
        });
        return {
          REKEY_AZURE_OAUTH_CLIENT_ID: oauthApp.appId,
          REKEY_AZURE_OAUTH_CLIENT_SECRET: oauthSecret,
          // Transient Graph failures are retried inside an attempt; keep that short for the failure test.
          REKEY_ROTATION_RETRY_BASE_MS: '20',
          REKEY_ROTATION_TRANSIENT_RETRIES: '1',
        };
      },
    });
    page = stack.page;
  });

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail' && page) await screenshot(page, `failed-${context.task.name.slice(0, 40).replace(/\W+/g, '-')}`).catch(() => undefined);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('sets up the instance on first run and signs the admin in', async () => {
    await page.goto('/');
    await page.waitForURL('**/setup');
    await page.getByRole('heading', { name: 'Create the admin account' }).waitFor();
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel(/^Password/).fill(admin.password);
    await page.getByLabel('Confirm password').fill(admin.password);
    await page.getByLabel('Organization name').fill(admin.organization);
    await page.getByRole('button', { name: 'Create admin account' }).click();
    await page.waitForURL('**/organization/projects');
    await page.getByRole('heading', { name: 'No projects yet' }).waitFor();

    // The session survives a reload through the httpOnly refresh cookie alone: nothing is in web storage.
    await page.reload();
    await page.getByRole('heading', { name: 'Projects', exact: true }).waitFor();
    const storage = await page.evaluate(() => ({ local: window.localStorage.length, session: window.sessionStorage.length, cookie: document.cookie }));
    expect(storage).toEqual({ local: 0, session: 0, cookie: '' });

    // Sign out and back in.
    await page.getByRole('button', { name: 'Account menu' }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.waitForURL('**/login');
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel(/^Password/).fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/organization/projects');
  });

  it('creates a project with the default environments', async () => {
    await page.getByRole('button', { name: 'Create project' }).first().click();
    await page.getByLabel('Project name').fill('Payments');
    await page.getByRole('dialog').getByRole('button', { name: 'Create project' }).click();
    await page.waitForURL('**/secrets/dev');
    dashboardUrl = new URL(page.url()).pathname;
    await page.getByRole('heading', { name: 'This folder is empty' }).waitFor();
    for (const environment of ['Development', 'Staging', 'Production']) {
      await page.getByText(environment, { exact: true }).first().waitFor();
    }
  });

  it('manages plain secrets: folder, add, search, edit in place, version history, delete with confirm', async () => {
    // A folder, and the breadcrumbs back to the root.
    await page.getByRole('button', { name: 'Actions', exact: true }).click();
    await page.getByRole('menuitem', { name: 'Add Folder' }).click();
    await page.getByLabel(/^Folder name/).fill('api');
    await page.getByRole('dialog').getByRole('button', { name: 'Add folder' }).click();
    await page.getByRole('button', { name: 'Open folder api' }).click();
    await page.waitForURL('**/secrets/dev?path=%2Fapi');
    await page.getByRole('navigation', { name: 'Folder path' }).getByText('api', { exact: true }).waitFor();
    await page.getByRole('navigation', { name: 'Folder path' }).getByRole('button', { name: 'root' }).click();
    await page.getByRole('button', { name: 'Open folder api' }).waitFor();

    // Add a secret.
    await page.getByRole('button', { name: 'Actions', exact: true }).click();
    await page.getByRole('menuitem', { name: 'Add Secret', exact: true }).click();
    const add = page.getByRole('dialog', { name: 'Add secret' });
    await add.getByLabel(/^Key/).fill('DATABASE_URL');
    await add.getByLabel('Value').fill('postgres://app@db/one');
    await add.getByRole('button', { name: 'Add secret' }).click();
    await row(page, 'DATABASE_URL').waitFor();

    // Search filters the table.
    await page.getByLabel('Search secrets, folders and rotations').fill('nothing-like-this');
    await page.getByRole('heading', { name: 'Nothing matches' }).waitFor();
    await page.getByLabel('Search secrets, folders and rotations').fill('database');
    await row(page, 'DATABASE_URL').waitFor();
    await page.getByLabel('Search secrets, folders and rotations').fill('');

    // Edit value and comment in place.
    await row(page, 'DATABASE_URL').getByRole('button', { name: 'Edit DATABASE_URL' }).click();
    await page.getByLabel('Value of DATABASE_URL').fill('postgres://app@db/two');
    await page.getByLabel('Comment of DATABASE_URL').fill('moved to the new cluster');
    await row(page, 'DATABASE_URL').getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved DATABASE_URL (version 2)').waitFor();
    expect(await revealedValue(page, 'DATABASE_URL')).toBe('postgres://app@db/two');
    await row(page, 'DATABASE_URL').getByText('moved to the new cluster').waitFor();
    await hideValue(page, 'DATABASE_URL');

    // Version history, newest first.
    await row(page, 'DATABASE_URL').getByRole('button', { name: 'History of DATABASE_URL' }).click();
    const drawer = page.getByRole('dialog', { name: /Version history/ });
    await expect.poll(() => drawer.getByTestId('secret-version').count()).toBe(2);
    await drawer.getByTestId('secret-version').first().getByText('v2').waitFor();
    await drawer.getByRole('button', { name: 'Close' }).click();
    await drawer.waitFor({ state: 'detached' });

    // Delete asks first.
    await row(page, 'DATABASE_URL').getByRole('button', { name: 'Delete DATABASE_URL' }).click();
    await page.getByRole('dialog', { name: 'Delete secret' }).getByRole('button', { name: 'Delete secret' }).click();
    await row(page, 'DATABASE_URL').waitFor({ state: 'detached' });
  });

  it('adds an Azure Client Secrets connection with the rotator app’s client secret', async () => {
    await page.getByRole('link', { name: 'App Connections' }).click();
    await page.getByRole('button', { name: 'Add connection' }).first().click();
    await page.getByRole('button', { name: 'Azure Client Secrets' }).click();
    await page.getByLabel(/^Name/).fill('demo-tenant');
    await page.getByLabel(/^Tenant ID/).fill(demo.tenantId);
    await page.getByLabel(/^Client ID/).fill(demo.rotator.appId);
    await page.getByLabel(/^Client Secret/).fill(demo.rotator.secret);
    await page.getByRole('button', { name: 'Create connection' }).click();
    await page.getByRole('cell', { name: 'demo-tenant', exact: true }).waitFor();
    await page.getByRole('cell', { name: 'Client Secret', exact: true }).waitFor();
  });

  it('connects to Azure with OAuth: consent, callback page, connection saved, no code left in the URL', async () => {
    await page.getByRole('button', { name: 'Add connection' }).first().click();
    await page.getByRole('button', { name: 'Azure Client Secrets' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/^Name/).fill('demo-tenant-oauth');
    await dialog.getByLabel('Method').click();
    await page.getByRole('option', { name: 'OAuth (Connect to Azure)' }).click();
    await dialog.getByLabel(/^Tenant ID/).fill(demo.tenantId);
    await dialog.getByRole('button', { name: 'Connect to Azure' }).click();
    // Entra ID (the emulator) consents at once and returns to the callback page, which finishes the connection.
    await page.getByText('Connected Azure connection demo-tenant-oauth').waitFor({ timeout: 30_000 });
    await page.waitForURL('**/organization/app-connections');
    expect(page.url()).not.toContain('code=');
    await page.getByRole('cell', { name: 'demo-tenant-oauth', exact: true }).waitFor();
    await page.getByRole('cell', { name: 'OAuth (Connect to Azure)', exact: true }).waitFor();
    expect(await page.evaluate(() => window.sessionStorage.length)).toBe(0);
  });

  it('creates a machine identity whose client secret is shown once and signs in', async () => {
    await page.getByRole('link', { name: 'Machine Identities' }).click();
    await page.getByRole('button', { name: 'Create identity' }).first().click();
    await page.getByRole('dialog').getByLabel(/^Name/).fill('ci-deploy');
    await page.getByRole('dialog').getByRole('button', { name: 'Create' }).click();
    const drawer = page.getByRole('dialog', { name: 'ci-deploy' });
    const clientId = (await drawer.locator('.mono').first().textContent()) ?? '';
    expect(clientId).toMatch(/^[0-9a-f-]{36}$/);
    await drawer.getByRole('button', { name: 'Create client secret' }).click();
    const secretDialog = page.getByRole('dialog', { name: 'Create client secret' });
    await secretDialog.getByLabel('Description').fill('e2e');
    await secretDialog.getByRole('button', { name: 'Create client secret' }).click();
    const clientSecret = (await secretDialog.getByTestId('new-client-secret').textContent()) ?? '';
    await secretDialog.getByRole('button', { name: 'Copy client secret' }).waitFor();
    const login = await fetch(`${stack.url}/api/v1/auth/universal-auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId, clientSecret }),
    });
    expect(login.status).toBe(200);
    await secretDialog.getByRole('button', { name: 'I have copied it' }).click();
    // Shown once: the list keeps only its prefix.
    await drawer.getByText(`${clientSecret.slice(0, 4)}`, { exact: false }).first().waitFor();
    await expect(page.getByText(clientSecret, { exact: true }).count()).resolves.toBe(0);
    await page.keyboard.press('Escape');
  });

  it('shows validation errors for interval 0, an empty name and a bad slug', async () => {
    await page.goto(dashboardUrl);
    await openWizard(page);

    // Step 1: nothing chosen, interval 0.
    await page.getByLabel(/^Rotation Interval/).fill('0');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Rotation interval must be at least 1 day').waitFor();
    await page.getByText('Select the Azure connection that performs the rotation').waitFor();
    await page.getByTestId('wizard-step-1').waitFor();
    await page.getByLabel(/^Rotation Interval/).fill('30');
    await chooseOption(page, 'connection-select', 'demo-tenant');
    await page.getByRole('button', { name: 'Next' }).click();

    // Step 2 and 3.
    await chooseOption(page, 'application-select', demo.payments.displayName);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByTestId('wizard-step-3').waitFor();
    await page.getByRole('button', { name: 'Next' }).click();

    // Step 4: an empty name blocks Next; a bad slug is flagged as it is typed.
    await page.getByTestId('wizard-step-4').waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Name is required').waitFor();
    await page.getByLabel(/^Name/).fill('Payments API');
    await page.getByText(/Name must be slug-friendly/).waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByTestId('wizard-step-4').waitFor();

    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
  });

  it('creates the rotation through the five wizard steps; both secrets appear and the client secret works', async () => {
    await openWizard(page);

    // 1. Configuration: defaults are 30 days and the local time of 00:00 UTC, in the browser's zone.
    const step1 = page.getByTestId('wizard-step-1');
    await expect(page.getByLabel(/^Rotation Interval/).inputValue()).resolves.toBe('30');
    await expect(page.getByLabel(/^Rotate At/).inputValue()).resolves.toMatch(/^0[12]:00$/);
    await step1.getByText(/Time zone: Europe\/Berlin \(UTC\+0[12]:00\)/).waitFor();
    await step1.getByText('Secrets will automatically be rotated when the rotation interval specified above has elapsed.').waitFor();
    const autoRotation = page.getByRole('dialog').getByRole('switch');
    await expect(autoRotation.isChecked()).resolves.toBe(true);
    await autoRotation.click();
    await step1.getByText('Secrets will not be rotated automatically. You can still rotate secrets manually.').waitFor();
    await step1.getByText('Auto-Rotation Disabled').waitFor();
    await autoRotation.click();
    await step1.getByText('Auto-Rotation Enabled').waitFor();
    await chooseOption(page, 'connection-select', 'demo-tenant');
    await page.getByLabel(/^Rotate At/).fill('03:30');
    await expectNoCriticalViolations(page, 'wizard step 1', '[role="dialog"]');
    await screenshot(page, 'wizard-1-configuration', { dialogOnly: true });
    await page.getByRole('button', { name: 'Next' }).click();

    // 2. Parameters: the searchable application picker lists the tenant's apps from /clients.
    await page.getByTestId('wizard-step-2').waitFor();
    await page.getByTestId('application-select').fill('Paym');
    await page.getByRole('option', { name: demo.payments.displayName, exact: true }).click();
    await page.getByText(demo.payments.appId).waitFor();
    await screenshot(page, 'wizard-2-parameters', { dialogOnly: true });
    await page.getByRole('button', { name: 'Next' }).click();

    // 3. Mappings: pre-filled from the provider's template, editable.
    await page.getByTestId('wizard-step-3').waitFor();
    await expect(page.getByLabel('Client ID secret name').inputValue()).resolves.toBe('AZURE_CLIENT_ID');
    await expect(page.getByLabel('Client Secret secret name').inputValue()).resolves.toBe('AZURE_CLIENT_SECRET');
    await screenshot(page, 'wizard-3-mappings', { dialogOnly: true });
    await page.getByRole('button', { name: 'Next' }).click();

    // 4. Details.
    await page.getByTestId('wizard-step-4').waitFor();
    await page.getByLabel(/^Name/).fill(rotationName);
    await page.getByLabel('Description').fill('Client secret of the Payments API app registration');
    await screenshot(page, 'wizard-4-details', { dialogOnly: true });
    await page.getByRole('button', { name: 'Next' }).click();

    // 5. Review.
    const review = page.getByTestId('wizard-step-5');
    await review.waitFor();
    for (const text of [rotationName, 'demo-tenant', '30 days', '03:30 local time · Europe/Berlin', demo.payments.displayName, demo.payments.objectId, 'AZURE_CLIENT_SECRET']) {
      await review.getByText(text, { exact: false }).first().waitFor();
    }
    await expectNoCriticalViolations(page, 'wizard review', '[role="dialog"]');
    await screenshot(page, 'wizard-5-review', { dialogOnly: true });
    await page.getByRole('button', { name: 'Create Secret Rotation' }).click();

    // Back on the dashboard: the rotation row and its two locked secrets.
    await page.getByText('Successfully created Azure Client Secret Rotation').waitFor();
    const rotationRow = page.getByTestId(`rotation-row-${rotationName}`);
    await rotationRow.waitFor();
    await rotationRow.getByText('Azure Client Secret').waitFor();
    await rotationRow.getByText(/Rotates in (30|31) days/).waitFor();
    await row(page, 'AZURE_CLIENT_ID').getByText(`Managed by ${rotationName}`).waitFor();
    await expect(row(page, 'AZURE_CLIENT_SECRET').getByRole('button', { name: 'Edit AZURE_CLIENT_SECRET' }).count()).resolves.toBe(0);
    await expect(row(page, 'AZURE_CLIENT_SECRET').getByRole('button', { name: 'Delete AZURE_CLIENT_SECRET' }).count()).resolves.toBe(0);

    expect(await revealedValue(page, 'AZURE_CLIENT_ID')).toBe(demo.payments.appId);
    firstSecret = await revealedValue(page, 'AZURE_CLIENT_SECRET');
    const token = await tokenWith(stack.emulator, demo.payments.appId, firstSecret);
    expect(token.status, JSON.stringify(token.body)).toBe(200);
    expect(token.body.access_token).toEqual(expect.any(String));
    await hideValue(page, 'AZURE_CLIENT_ID');
    await hideValue(page, 'AZURE_CLIENT_SECRET');

    await page.mouse.move(0, 0);
    await page.getByText('Successfully created Azure Client Secret Rotation').waitFor({ state: 'detached', timeout: 15_000 });
    await expectNoCriticalViolations(page, 'dashboard');
    await screenshot(page, 'dashboard');
  });

  it('rotates now: the value changes, the new secret works and History shows the attempt', async () => {
    const rotationRow = page.getByTestId(`rotation-row-${rotationName}`);
    await rotationRow.getByRole('button', { name: `Actions for rotation ${rotationName}` }).click();
    await page.getByRole('menuitem', { name: 'Rotate Now' }).click();
    const confirm = page.getByRole('dialog', { name: 'Rotate Secrets' });
    await confirm.getByText('Are you sure you want to rotate the secrets').waitFor();
    await confirm.getByRole('button', { name: 'Rotate Secrets' }).click();
    await page.getByText(`Rotated the secrets of ${rotationName}`).waitFor({ timeout: 60_000 });

    await expect.poll(() => revealedValue(page, 'AZURE_CLIENT_SECRET'), { timeout: 15_000 }).not.toBe(firstSecret);
    const rotated = await revealedValue(page, 'AZURE_CLIENT_SECRET');
    const token = await tokenWith(stack.emulator, demo.payments.appId, rotated);
    expect(token.status, JSON.stringify(token.body)).toBe(200);
    // Zero downtime: the previous secret stays valid until the next rotation.
    expect((await tokenWith(stack.emulator, demo.payments.appId, firstSecret)).status).toBe(200);
    await hideValue(page, 'AZURE_CLIENT_SECRET');

    await rotationRow.getByRole('button', { name: `Actions for rotation ${rotationName}` }).click();
    await page.getByRole('menuitem', { name: 'History' }).click();
    const drawer = page.getByRole('dialog', { name: `Rotation history · ${rotationName}` });
    await drawer.getByTestId('history-row').first().waitFor();
    await expect.poll(() => drawer.getByTestId('history-row').count()).toBeGreaterThanOrEqual(2);
    const newest = drawer.getByTestId('history-row').first();
    await newest.getByText('Manual').waitFor();
    await newest.getByText('success').waitFor();
    await screenshot(page, 'rotation-history');
    await drawer.getByRole('button', { name: 'Close' }).last().click();
    await drawer.waitFor({ state: 'detached' });
  });

  it('a failed rotation shows Rotation Failed with the reason and the next attempt; the secrets keep working', async () => {
    const current = await revealedValue(page, 'AZURE_CLIENT_SECRET');
    await hideValue(page, 'AZURE_CLIENT_SECRET');
    const fault = stack.emulator.admin.addFault({ match: { route: 'addPassword' }, action: { type: 'serverError', status: 500 } });
    try {
      const rotationRow = page.getByTestId(`rotation-row-${rotationName}`);
      await rotationRow.getByRole('button', { name: `Actions for rotation ${rotationName}` }).click();
      await page.getByRole('menuitem', { name: 'Rotate Now' }).click();
      await page.getByRole('dialog', { name: 'Rotate Secrets' }).getByRole('button', { name: 'Rotate Secrets' }).click();
      await page.getByText('Failed to rotate secrets').waitFor({ timeout: 60_000 });
      await rotationRow.getByText('Rotation Failed').waitFor();
      await rotationRow.getByText(/Next attempt/).waitFor();
      expect(await revealedValue(page, 'AZURE_CLIENT_SECRET')).toBe(current);
      expect((await tokenWith(stack.emulator, demo.payments.appId, current)).status).toBe(200);
      await hideValue(page, 'AZURE_CLIENT_SECRET');
      await screenshot(page, 'rotation-failed');
    } finally {
      stack.emulator.admin.removeFault(fault);
    }

    // Once Azure answers again, Rotate now recovers.
    const rotationRow = page.getByTestId(`rotation-row-${rotationName}`);
    await rotationRow.getByRole('button', { name: `Actions for rotation ${rotationName}` }).click();
    await page.getByRole('menuitem', { name: 'Rotate Now' }).click();
    await page.getByRole('dialog', { name: 'Rotate Secrets' }).getByRole('button', { name: 'Rotate Secrets' }).click();
    await page.getByText(`Rotated the secrets of ${rotationName}`).last().waitFor({ timeout: 60_000 });
    await rotationRow.getByText(/Rotates in \d+ days/).waitFor();
  });

  it('a viewer sees the rotation but no Rotate, Edit or Delete actions', async () => {
    // The admin invites the viewer to the organization and adds them to the project as a viewer.
    await page.getByRole('link', { name: 'Members' }).click();
    await page.getByRole('button', { name: 'Invite members' }).click();
    const emails = page.getByRole('dialog').getByPlaceholder('name@example.com');
    await emails.fill(viewer.email);
    await emails.press('Enter');
    await page.getByRole('dialog').getByRole('button', { name: 'Invite' }).click();
    const link = (await page.getByTestId('invite-link').textContent()) ?? '';
    expect(link).toContain('/signup/invite?');
    await page.getByRole('button', { name: 'Done' }).click();

    // The viewer accepts the invitation in a separate browser session...
    const context = await stack.newContext();
    const viewerPage = await context.newPage();
    try {
      await viewerPage.goto(link);
      await viewerPage.getByRole('heading', { name: `Join ${admin.organization}` }).waitFor();
      expect(viewerPage.url()).not.toContain('token=');
      await viewerPage.getByLabel(/^Choose a password/).fill(viewer.password);
      await viewerPage.getByLabel(/^Confirm password/).fill(viewer.password);
      await viewerPage.getByRole('button', { name: 'Accept invitation' }).click();
      await viewerPage.waitForURL('**/organization/projects');

      // ...and the admin gives them the Viewer role in the project.
      await page.goto(dashboardUrl);
      await page.getByRole('link', { name: 'Access control' }).click();
      await page.getByRole('button', { name: 'Add member' }).click();
      const addDialog = page.getByRole('dialog', { name: 'Add member' });
      await addDialog.getByLabel('Organization member').click();
      await page.getByRole('option', { name: viewer.email }).click();
      await addDialog.getByLabel('Role').click();
      await page.getByRole('option', { name: 'Viewer', exact: true }).click();
      await addDialog.getByRole('button', { name: 'Add to project' }).click();
      await page.getByRole('cell', { name: viewer.email, exact: true }).waitFor();

      await viewerPage.goto(dashboardUrl);
      const rotationRow = viewerPage.getByTestId(`rotation-row-${rotationName}`);
      await rotationRow.waitFor();
      // Reveal shows once the viewer's permissions are known (viewers may read values): only then count what is missing.
      await row(viewerPage, 'AZURE_CLIENT_SECRET').getByRole('button', { name: 'Reveal AZURE_CLIENT_SECRET' }).waitFor();
      await expect(viewerPage.getByRole('button', { name: 'Actions', exact: true }).count()).resolves.toBe(0);
      await rotationRow.getByRole('button', { name: `Actions for rotation ${rotationName}` }).click();
      await viewerPage.getByRole('menuitem', { name: 'History' }).waitFor();
      for (const action of ['Rotate Now', 'Edit', 'Delete', 'View Generated Credentials']) {
        await expect(viewerPage.getByRole('menuitem', { name: action }).count(), action).resolves.toBe(0);
      }
      await viewerPage.keyboard.press('Escape');
      await row(viewerPage, 'AZURE_CLIENT_SECRET').waitFor();
    } finally {
      await context.close();
    }
  });

  it('deletes the rotation with Revoke Credentials: the app holds no Rekey passwords', async () => {
    const before = stack.emulator.admin.listPasswordCredentials(demo.tenantId, demo.payments.objectId).filter((password) => password.state !== 'removed');
    expect(before.length).toBe(3); // the seeded one plus the active and the retired Rekey secret

    await page.goto(dashboardUrl);
    const rotationRow = page.getByTestId(`rotation-row-${rotationName}`);
    await rotationRow.getByRole('button', { name: `Actions for rotation ${rotationName}` }).click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete Secret Rotation' });
    await dialog.getByText('Generated credentials will not be revoked on deletion and remain active in Azure.').waitFor();
    const confirm = dialog.getByRole('button', { name: 'Delete Secret Rotation' });
    await expect(confirm.isDisabled()).resolves.toBe(true);
    await dialog.getByLabel(/^Type/).fill(rotationName);
    await dialog.getByRole('switch', { name: /Revoke Credentials/ }).click();
    await dialog.getByText('Generated credentials will be revoked on deletion').waitFor();
    await dialog.getByRole('switch', { name: /Delete Secrets/ }).click();
    await dialog.getByText('Rotation secrets will be removed from your project on deletion.').waitFor();
    await confirm.click();
    await page.getByText(`Deleted secret rotation ${rotationName}`).waitFor({ timeout: 60_000 });
    await rotationRow.waitFor({ state: 'detached' });
    await row(page, 'AZURE_CLIENT_SECRET').waitFor({ state: 'detached' });

    const remaining = stack.emulator.admin.listPasswordCredentials(demo.tenantId, demo.payments.objectId).filter((password) => password.state !== 'removed');
    expect(remaining.map((password) => password.displayName)).toEqual(['Manually created secret']);
    expect((await tokenWith(stack.emulator, demo.payments.appId, firstSecret)).status).not.toBe(200);
  });
});
