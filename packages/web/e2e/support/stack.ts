import { existsSync, promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSeedFile, type RunningEmulator, startEmulator } from 'entra-emulator';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { freePort, spawnServer, waitUntilReady } from '../../../server/src/test-support/server-process.js';

const webRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const repoRoot = path.resolve(webRoot, '../..');
const webDist = path.join(webRoot, 'dist');
const demoSeed = path.join(repoRoot, 'packages/entra-emulator/seeds/demo.json');

/** The demo tenant's ids (packages/entra-emulator/seeds/demo.json). */
export const demo = {
  tenantId: '7d1c3f8e-2a4b-4c6d-9e8f-0a1b2c3d4e5f',
  rotator: { appId: 'b2f4d6e8-1a3c-4e5f-8b7d-9c0e2a4f6b8d', secret: 'RkDQ~demo.rotator-secret_0123456789abcde' },
  payments: { objectId: '4a6c8e0f-2b4d-4f6a-8c0e-2b4d6f8a0c2e', appId: '1c3e5a7b-9d0f-4b2c-8e4a-6c8e0a2c4e6a', displayName: 'Payments API' },
} as const;

const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export type Stack = {
  url: string;
  emulator: RunningEmulator;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** A second, separate browser session (its own cookies), e.g. for another user. */
  newContext(): Promise<BrowserContext>;
  serverOutput(): string;
  stop(): Promise<void>;
};

/**
 * The whole product as a person meets it: the Entra ID emulator with the demo tenant, the real Rekey server
 * process (embedded PostgreSQL) serving the built dashboard, and Debian's Chromium.
 */
export async function startStack(options: { serverEnv?: (emulator: RunningEmulator, url: string) => Record<string, string> } = {}): Promise<Stack> {
  const caDir = process.env.REKEY_TEST_CA_DIR;
  if (!caDir) throw new Error('REKEY_TEST_CA_DIR is not set: run the browser tests through `node scripts/test.mjs --project web`');
  if (!existsSync(path.join(webDist, 'index.html'))) throw new Error('packages/web/dist is missing: run `npm run build` first');

  const emulator = await startEmulator({ caDir, seed: await readSeedFile(demoSeed) });
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'rekey-web-e2e-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = spawnServer({
    REKEY_DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    REKEY_PUBLIC_URL: url,
    REKEY_WEB_DIR: webDist,
    REKEY_AZURE_AUTHORITY_HOST: emulator.origin,
    REKEY_AZURE_GRAPH_URL: emulator.origin,
    ...options.serverEnv?.(emulator, url),
  });
  const stopServer = async () => {
    if (server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  };
  let browser: Browser | undefined;
  try {
    await waitUntilReady(server, 120_000);
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs });
  } catch (error) {
    await stopServer();
    await emulator.close();
    await fs.rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const launched = browser;
  const newContext = async () => {
    // A zone east of UTC, so "local time" differs from UTC and the conversions are exercised.
    const context = await launched.newContext({
      baseURL: url,
      viewport: { width: 1280, height: 800 },
      deviceScaleFactor: 1,
      locale: 'en-US',
      timezoneId: 'Europe/Berlin',
      reducedMotion: 'reduce',
      // Only the emulator's sign-in page (its own test CA) needs this; Rekey itself is served over http here.
      ignoreHTTPSErrors: true,
    });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
    context.setDefaultTimeout(20_000);
    return context;
  };
  const context = await newContext();
  const page = await context.newPage();
  return {
    url,
    emulator,
    browser: launched,
    context,
    page,
    newContext,
    serverOutput: server.output,
    async stop() {
      await launched.close().catch(() => undefined);
      await stopServer();
      await emulator.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

const require = createRequire(import.meta.url);
let axeSource: string | undefined;

type AxeViolation = { id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> };

/**
 * Runs axe-core in the page and returns its violations. The script is evaluated through the DevTools
 * protocol, so the dashboard's Content-Security-Policy stays on during the test.
 */
export async function axeViolations(page: Page, include?: string): Promise<AxeViolation[]> {
  axeSource ??= await fs.readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  const hasAxe = await page.evaluate(() => 'axe' in window);
  if (!hasAxe) await page.evaluate(axeSource);
  return page.evaluate(async (selector) => {
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(selector ? { include: [selector] } : document, { resultTypes: ['violations'] });
    return result.violations.map((violation) => ({ id: violation.id, impact: violation.impact, help: violation.help, nodes: violation.nodes.map((node) => ({ target: node.target })) }));
  }, include ?? null);
}

const screenshotDir = path.join(repoRoot, 'docs/screenshots');
const resultDir = path.join(repoRoot, 'test-results/screenshots');

/**
 * Saves a screenshot under test-results/screenshots; with UPDATE_SCREENSHOTS=1 also into docs/screenshots,
 * the committed copies the README shows (so an ordinary test run leaves the working tree clean).
 */
export async function screenshot(page: Page, name: string, options: { dialogOnly?: boolean } = {}): Promise<void> {
  await fs.mkdir(resultDir, { recursive: true });
  const file = `${name}.png`;
  // No focus ring, selection, hover tooltip or transient notification: the picture shows the page itself.
  await page.evaluate(() => (document.activeElement instanceof HTMLElement ? document.activeElement.blur() : undefined));
  await page.mouse.move(1, 1);
  await page.getByRole('tooltip').waitFor({ state: 'detached', timeout: 2_000 }).catch(() => undefined);
  const settings = { animations: 'disabled', caret: 'hide', scale: 'css', style: '.mantine-Notifications-root { display: none !important; }' } as const;
  const buffer = options.dialogOnly ? await page.getByRole('dialog').last().screenshot(settings) : await page.screenshot(settings);
  await fs.writeFile(path.join(resultDir, file), buffer);
  if (process.env.UPDATE_SCREENSHOTS === '1') {
    await fs.mkdir(screenshotDir, { recursive: true });
    await fs.writeFile(path.join(screenshotDir, file), buffer);
  }
}

/** Client-credentials token request against the emulator, as an application using the rotated secret would. */
export async function tokenWith(emulator: RunningEmulator, clientId: string, clientSecret: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${emulator.origin}/${demo.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope: 'https://graph.microsoft.com/.default' }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
