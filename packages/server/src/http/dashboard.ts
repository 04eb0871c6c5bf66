import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { notFound } from './errors.js';

/** Where the dashboard build lives: REKEY_WEB_DIR, or packages/web/dist next to this package. */
export function defaultWebDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../web/dist');
}

/**
 * Serves the dashboard build at `/`: files that exist are sent as they are (hashed assets cached for a
 * year), every other non-API path gets index.html so client-side routes work on reload. Returns false when
 * there is no build (the API still works).
 */
export async function registerDashboard(app: FastifyInstance, webDir: string): Promise<boolean> {
  const root = path.resolve(webDir);
  if (!existsSync(path.join(root, 'index.html'))) return false;
  await app.register(fastifyStatic, { root, serve: false });

  app.get(
    '/*',
    { schema: { hide: true }, config: { access: { public: true } } },
    async (request, reply) => {
      const urlPath = decodeURIComponent((request.url.split('?')[0] ?? '/').replace(/^\/+/, ''));
      if (urlPath === 'api' || urlPath.startsWith('api/')) throw notFound(`Route GET /${urlPath} does not exist`);
      const candidate = path.resolve(root, urlPath);
      const isInside = candidate.startsWith(`${root}${path.sep}`);
      if (isInside && existsSync(candidate) && statSync(candidate).isFile()) {
        const isHashedAsset = urlPath.startsWith('assets/');
        reply.header('cache-control', isHashedAsset ? 'public, max-age=31536000, immutable' : 'no-cache');
        return reply.sendFile(path.relative(root, candidate));
      }
      reply.header('cache-control', 'no-cache');
      return reply.sendFile('index.html');
    },
  );
  return true;
}
