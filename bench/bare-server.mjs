#!/usr/bin/env node
// The reference server of bench/secrets-read.mjs: bare Fastify answering GET /api/v3/secrets/raw with the bytes
// in the file named by BARE_BODY_FILE, from memory. It runs as its own process, like Rekey, so both are measured
// across the same process boundary from the load generator.
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const body = readFileSync(process.env.BARE_BODY_FILE);
const app = Fastify({ logger: false });
app.get('/api/v3/secrets/raw', (_request, reply) => {
  reply.header('content-type', 'application/json; charset=utf-8').send(body);
});
app.get('/api/status', (_request, reply) => reply.send({ status: 'ok' }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
