import http from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import type { Metrics } from './metrics.js';

/**
 * The unauthenticated `/metrics` listener on its own port (REKEY_METRICS_PORT), meant to be reachable only by
 * the scraper's network. It serves nothing else.
 */
export async function startMetricsServer(metrics: Metrics, options: { port: number; host: string; logger: FastifyBaseLogger }) {
  const server = http.createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' || path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found: this port serves GET /metrics only\n');
      return;
    }
    metrics.render().then(
      (text) => response.writeHead(200, { 'content-type': metrics.contentType }).end(text),
      (error: unknown) => {
        options.logger.error({ err: error }, 'could not render metrics');
        response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('could not render metrics\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = address && typeof address !== 'string' ? address.port : options.port;
  options.logger.info({ port, host: options.host }, 'metrics listener ready');
  return {
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
