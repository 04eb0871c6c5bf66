#!/usr/bin/env node
// `npm run demo`: a laptop-sized Azure. Starts the Entra ID + Graph emulator with the demo tenant,
// then Rekey wired to it (authority host, Graph URL, CA trust), and prints what to paste into the
// Azure connection form. Rekey reaches the emulator only through server configuration, never
// through a URL typed into a connection.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const emulatorDist = path.join(root, 'packages/entra-emulator/dist/index.js');
const serverMain = path.join(root, 'packages/server/dist/bundle/rekey-server.mjs');
const seedPath = path.join(root, 'packages/entra-emulator/seeds/demo.json');
const caDir = path.join(root, '.rekey', 'emulator-ca');
const dashboardUrl = 'http://localhost:8080';

if (!existsSync(emulatorDist)) {
  console.error('The emulator is not built. Run `npm run demo` (it builds first) or `npm run build`.');
  process.exit(1);
}

const { readSeedFile, startEmulator } = await import(emulatorDist);

const port = Number(process.env.EMULATOR_PORT ?? 8443);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`EMULATOR_PORT must be a port number, got '${process.env.EMULATOR_PORT}'.`);
  process.exit(1);
}
// Real Entra ID takes seconds to accept a new secret; the demo shows that unless told otherwise.
const realism = process.env.EMULATOR_REALISM ?? 'realistic';
if (realism !== 'realistic' && realism !== 'instant') {
  console.error(`EMULATOR_REALISM must be 'realistic' or 'instant', got '${realism}'.`);
  process.exit(1);
}

const seed = await readSeedFile(seedPath);
let emulator;
try {
  emulator = await startEmulator({ port, caDir, seed, realism });
} catch (error) {
  const hint = error?.code === 'EADDRINUSE' ? ` Port ${port} is busy; set EMULATOR_PORT to another port.` : '';
  console.error(`Could not start the Entra emulator: ${error?.message ?? error}.${hint}`);
  process.exit(1);
}

const tenant = emulator.admin.snapshot()[0];
// The seed is the only place the rotator's secret exists in clear: the emulator keeps a hash.
const rotatorSeed = seed.tenants[0].applications.find((app) => app.key === 'rotator');
const rotator = tenant.applications.find((app) => app.appId === rotatorSeed.appId);

const line = '─'.repeat(72);
console.log(`
${line}
 Entra ID + Microsoft Graph emulator  ${emulator.origin}   (realism: ${realism})
 CA certificate                       ${emulator.caCertPath}
 Emulator state                       ${emulator.origin}/_emulator/state
${line}
 Paste into Rekey's Azure connection form (method: client secret):
   Tenant ID       ${tenant.id}
   Client ID       ${rotator.appId}
   Client secret   ${rotatorSeed.passwordCredentials[0].secretText}

 "${rotator.displayName}" holds Application.ReadWrite.OwnedBy and owns:
${tenant.applications
  .filter((app) => app.owners.includes(rotator.servicePrincipalId))
  .map((app) => `   - ${app.displayName.padEnd(22)} client ID ${app.appId}${app.signInAudience.includes('Personal') ? '  (personal accounts: max 2 secrets)' : ''}`)
  .join('\n')}
${line}`);

let child;
let stopping = false;

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  await emulator.close();
  process.exit(code);
}

if (existsSync(serverMain)) {
  console.log(` Starting Rekey: ${dashboardUrl}\n${line}\n`);
  child = spawn(process.execPath, [serverMain], {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      REKEY_AZURE_AUTHORITY_HOST: emulator.origin,
      REKEY_AZURE_GRAPH_URL: emulator.origin,
      // Node reads this once at start-up, which is why Rekey runs as a child process.
      NODE_EXTRA_CA_CERTS: emulator.caCertPath,
    },
  });
  child.on('exit', (code, signal) => shutdown(code ?? (signal ? 0 : 1)));
  child.on('error', (error) => {
    console.error(`Could not start Rekey: ${error.message}`);
    shutdown(1);
  });
} else {
  console.log(` Rekey's server is not built yet (${path.relative(root, serverMain)} is missing);`);
  console.log(` the emulator runs alone. Once it is built the dashboard will be at ${dashboardUrl}.`);
  console.log(` Press Ctrl+C to stop.\n${line}\n`);
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    // Let Rekey finish or release in-flight rotations; the emulator closes when it exits.
    if (child && child.exitCode === null) child.kill(signal);
    else shutdown(0);
  });
}
