// What `npm start` and `rekey-server` run (dist/bundle/rekey-server.mjs, made by scripts/bundle.mjs): it runs the
// server bundle, a CommonJS file next to it, through V8's code cache. Node 20 parses and compiles a 3 MB ES module
// from scratch on every start (and compiles each function again when it is first called), which was a third of a
// restart; Node 20 has no module compile cache, but vm.Script takes V8's cached data. The cache is written after the
// first start of each bundle (so it holds the functions start-up compiled) and is only an accelerator: when it is
// missing, stale, corrupt or unwritable, the server starts the ordinary way.
import { createHash } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { startupCompleteChannel } from './lib/startup-channel.js';

const bundleDir = path.dirname(fileURLToPath(import.meta.url));
const payloadFile = path.join(bundleDir, 'rekey-server.cjs');
/** Written next to the bundle; a read-only installation simply runs without it. */
const codeCacheFile = path.join(bundleDir, 'rekey-server.code-cache');

const digestLength = 32;

/**
 * V8 checks cached data only against the source's length and its own version and flags, so the file starts with a
 * digest of the exact bundle and Node version it was made for, then a digest of the cached data (a torn or corrupt
 * file is never handed to V8), then the data.
 */
function bundleDigest(payload: Buffer): Buffer {
  return createHash('sha256').update(payload).update(`\0${process.version}\0${process.arch}`).digest();
}

function readCodeCache(expected: Buffer): Buffer | undefined {
  try {
    const file = readFileSync(codeCacheFile);
    if (file.length <= 2 * digestLength || !file.subarray(0, digestLength).equals(expected)) return undefined;
    const data = file.subarray(2 * digestLength);
    const dataDigest = createHash('sha256').update(data).digest();
    return dataDigest.equals(file.subarray(digestLength, 2 * digestLength)) ? data : undefined;
  } catch {
    return undefined;
  }
}

function writeCodeCache(script: vm.Script, digest: Buffer): void {
  // Written whole under a private name, then renamed: a reader never sees half a file.
  const partial = `${codeCacheFile}.${process.pid}.tmp`;
  try {
    const data = script.createCachedData();
    const dataDigest = createHash('sha256').update(data).digest();
    writeFileSync(partial, Buffer.concat([digest, dataDigest, data]), { mode: 0o644 });
    renameSync(partial, codeCacheFile);
  } catch {
    // Unwritable directory or full disk: the next start compiles from source, as without a cache.
    rmSync(partial, { force: true, recursive: false });
  }
}

const payload = readFileSync(payloadFile);
const digest = bundleDigest(payload);
const cachedData = readCodeCache(digest);
// The CommonJS wrapper, on the same line as the bundle's first line so that stack traces keep their line numbers.
// esbuild replaced import.meta.url in the ES module sources with __rekeyImportMetaUrl (scripts/bundle.mjs).
const wrapped = `(function (exports, require, module, __filename, __dirname, __rekeyImportMetaUrl) {${payload.toString('utf8')}\n})`;
// The bundle has no import(): scripts/bundle.mjs turns it into require(), which loads ES-module-only packages too
// (Node >= 20.19). On Node 20 an import() in a script compiled from cached data fails ("dynamic import callback was
// not specified", even with vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER).
const script = new vm.Script(wrapped, { filename: payloadFile, ...(cachedData ? { cachedData } : {}) });
if (!cachedData || script.cachedDataRejected) {
  // After start-up, so that the cache holds every function start-up compiled, not only the top level.
  const onStartupComplete = () => {
    unsubscribe(startupCompleteChannel, onStartupComplete);
    setImmediate(() => writeCodeCache(script, digest));
  };
  subscribe(startupCompleteChannel, onStartupComplete);
}

const run = script.runInThisContext() as (
  exports: object,
  require: NodeJS.Require,
  module: { exports: object },
  filename: string,
  dirname: string,
  importMetaUrl: string,
) => void;
const payloadModule = { exports: {} };
run(payloadModule.exports, createRequire(payloadFile), payloadModule, payloadFile, bundleDir, pathToFileURL(payloadFile).href);
