import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createAdmin } from './admin.js';
import { createAdminHttp } from './admin-http.js';
import {
  type CaMaterial,
  ensureCa,
  ensureKeyFile,
  generateRsaKeyPair,
  issueServerCertificate,
  SERVER_KEY_FILE,
  sharedInMemoryCa,
  sharedServerKey,
} from './certs.js';
import { createClock } from './clock.js';
import type { EmulatorContext } from './context.js';
import { createFaultEngine } from './faults.js';
import { handleHttp } from './pipeline.js';
import { createRequestRecorder } from './request-log.js';
import { applySeed } from './seed.js';
import { createSettings } from './settings.js';
import { createStore } from './store.js';
import { createThrottle } from './throttle.js';
import { createSigningKey } from './tokens.js';
import type { EmulatorOptions, RunningEmulator } from './types.js';

/** The emulator binds loopback only: it holds secrets and must never be reachable from the network. */
const HOST = '127.0.0.1';

async function loadCa(options: EmulatorOptions): Promise<CaMaterial & { certPath?: string }> {
  if (options.ca) return options.ca;
  if (options.caDir) return ensureCa(options.caDir);
  return sharedInMemoryCa();
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Keep-alive sockets of Microsoft's clients would otherwise hold close() open.
    server.closeAllConnections();
  });
}

/**
 * Starts one emulator on 127.0.0.1. Start-up never waits for RSA key generation when a `caDir` is
 * prepared (the TLS key lives next to the CA): the leaf certificate is signed per start, and the
 * per-instance token signing key is generated in the background; the first token request waits
 * for it if it is not ready yet.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const signingKey = generateRsaKeyPair().then((keys) => createSigningKey(keys.privateKeyPem));
  // Not awaited here; keep a failure from surfacing as an unhandled rejection before first use.
  signingKey.catch(() => undefined);
  const [ca, serverKeyPem] = await Promise.all([
    loadCa(options),
    options.caDir && !options.ca ? ensureKeyFile(options.caDir, SERVER_KEY_FILE) : sharedServerKey(),
  ]);
  const serverCertPem = issueServerCertificate(ca, serverKeyPem);
  const clock = createClock(options.clock);
  const ctx: EmulatorContext = {
    origin: options.publicOrigin ?? `https://${HOST}`,
    clock,
    store: createStore(),
    settings: createSettings(options),
    signingKey,
    faults: createFaultEngine(),
    throttle: createThrottle(),
    recorder: createRequestRecorder(options.requestLogLimit ?? 5000),
    authorizationCodes: new Map(),
    refreshTokens: new Map(),
    writeBusyUntil: new Map(),
    random: Math.random,
  };
  if (options.seed) applySeed(ctx.store, options.seed, clock.now());

  const admin = createAdmin(ctx, options, ca.certPem);
  const adminHttp = createAdminHttp(admin, () => ({ origin: ctx.origin, caCertPath: ca.certPath ?? null }));
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    handleHttp(ctx, adminHttp, req, res).catch((error: unknown) => {
      process.stderr.write(`entra-emulator: unhandled failure: ${String(error)}\n`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  };

  const httpsServer = https.createServer({ key: serverKeyPem, cert: serverCertPem }, onRequest);
  const port = await listen(httpsServer, options.port ?? 0);
  const servers: Server[] = [httpsServer];
  const listenOrigin = `https://${HOST}:${port}`;
  ctx.origin = (options.publicOrigin ?? listenOrigin).replace(/\/+$/, '');

  let httpOrigin: string | undefined;
  if (options.httpPort !== undefined) {
    const plain = http.createServer(onRequest);
    try {
      httpOrigin = `http://${HOST}:${await listen(plain, options.httpPort)}`;
    } catch (error) {
      await closeServer(httpsServer);
      throw error;
    }
    servers.push(plain);
  }

  let closing: Promise<void> | undefined;
  return {
    origin: ctx.origin,
    ...(httpOrigin === undefined ? {} : { httpOrigin }),
    port,
    caCertPem: ca.certPem,
    ...(ca.certPath === undefined ? {} : { caCertPath: ca.certPath }),
    admin,
    close() {
      closing ??= (async () => {
        ctx.faults.abortAll();
        await Promise.all(servers.map(closeServer));
      })();
      return closing;
    },
  };
}
