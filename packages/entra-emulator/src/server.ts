import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createAdmin } from './admin.js';
import { createAdminHttp } from './admin-http.js';
import { type CaMaterial, createCa, ensureCa, generateRsaKeyPair, issueServerCertificate } from './certs.js';
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
  return createCa();
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
 * Starts one emulator on 127.0.0.1. Key generation for the TLS certificate, the token signing key
 * and (when needed) the CA runs in parallel, which keeps start-up well under a second.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const [ca, tlsKeys, tokenKeys] = await Promise.all([loadCa(options), generateRsaKeyPair(), generateRsaKeyPair()]);
  const serverCertPem = issueServerCertificate(ca, tlsKeys);
  const clock = createClock(options.clock);
  const ctx: EmulatorContext = {
    origin: options.publicOrigin ?? `https://${HOST}`,
    clock,
    store: createStore(),
    settings: createSettings(options),
    signingKey: await createSigningKey(tokenKeys.privateKeyPem),
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

  const httpsServer = https.createServer({ key: tlsKeys.privateKeyPem, cert: serverCertPem }, onRequest);
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
