import { sql } from 'kysely';
import type { RunningEmulator } from 'entra-emulator';
import type { Db } from '../../../packages/server/src/db/database.js';
import { freePort, type ServerProcess, spawnServer, waitUntilReady } from '../../../packages/server/src/test-support/server-process.js';
import { captureLogs } from './capture.js';

/**
 * Real Rekey server processes for the resilience suite, wired to one emulator and one database, and the
 * database-side view of "nothing is stuck" that crash and replica tests share.
 */
export type RekeyProcessBase = { databaseUrl: string; rootKey: Buffer; emulatorOrigin: string };

export type RekeyProcess = ServerProcess & { source: string; pid: number };

/** Spawns `src/main.ts` as its own OS process and waits for /api/status. */
export async function startRekeyProcess(base: RekeyProcessBase, source: string, env: Record<string, string>): Promise<RekeyProcess> {
  const port = await freePort();
  const server = spawnServer({
    PORT: String(port),
    DATABASE_URL: base.databaseUrl,
    REKEY_ROOT_KEY: base.rootKey.toString('base64'),
    REKEY_AZURE_AUTHORITY_HOST: base.emulatorOrigin,
    REKEY_AZURE_GRAPH_URL: base.emulatorOrigin,
    ...env,
  });
  try {
    await waitUntilReady(server, 120_000);
  } catch (error) {
    server.child.kill('SIGKILL');
    await server.exited;
    captureLogs(source, server.output());
    throw error;
  }
  return { ...server, source, pid: server.child.pid ?? -1 };
}

/** Stops a process (SIGKILL by default: no graceful shutdown) and hands its whole output to the leak scan. */
export async function stopRekeyProcess(server: RekeyProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill(signal);
  await server.exited;
  captureLogs(server.source, server.output());
}

export function trackedKeyIds(row: { slot0_external_id: string | null; slot1_external_id: string | null }): string[] {
  return [row.slot0_external_id, row.slot1_external_id].filter((id): id is string => id !== null).sort();
}

/** Non-removed password credentials of an application, as Azure (the emulator) holds them. */
export function livePasswordIds(emulator: RunningEmulator, tenantId: string, objectId: string): string[] {
  return emulator.admin
    .listPasswordCredentials(tenantId, objectId)
    .filter((password) => password.state !== 'removed')
    .map((password) => password.keyId)
    .sort();
}

/**
 * Rotations (all, or the given ones) that are not at rest: still `rotating`, holding a live lease, with
 * revocations pending or an attempt that has not ended.
 */
export async function unsettledRotations(db: Db, rotationIds?: readonly string[]): Promise<string[]> {
  const filter = rotationIds ? sql`and r.id = any(${[...rotationIds]}::uuid[])` : sql``;
  const result = await sql<{ id: string; status: string; lease_owner: string | null; pending: number; open_steps: string | null; message: string | null }>`
    select r.id, r.status, r.lease_owner, r.last_rotation_message as message,
      (select count(*)::int from secret_rotation_pending_revocations p where p.rotation_id = r.id) as pending,
      (select string_agg(a.step, ',') from secret_rotation_attempts a
        where a.rotation_id = r.id and a.step not in ('completed', 'failed', 'abandoned')) as open_steps
    from secret_rotations r
    where (r.status = 'rotating' or (r.lease_expires_at is not null and r.lease_expires_at >= now())
      or exists (select 1 from secret_rotation_pending_revocations p where p.rotation_id = r.id)
      or exists (select 1 from secret_rotation_attempts a where a.rotation_id = r.id and a.step not in ('completed', 'failed', 'abandoned')))
      ${filter}
    order by r.id`.execute(db);
  return result.rows.map((row) =>
    JSON.stringify({ id: row.id, status: row.status, lease: row.lease_owner, pending: row.pending, open: row.open_steps, message: row.message }),
  );
}

/** Waits until every rotation is at rest; throws with what is still busy (and `context`) after `timeoutMs`. */
export async function waitUntilSettled(db: Db, options: { timeoutMs: number; context: () => string; rotationIds?: readonly string[] }): Promise<number> {
  const started = Date.now();
  let busy: string[] = [];
  while (Date.now() - started < options.timeoutMs) {
    busy = await unsettledRotations(db, options.rotationIds);
    if (busy.length === 0) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`rotations still busy after ${options.timeoutMs} ms (${busy.length}):\n${busy.slice(0, 20).join('\n')}\n${options.context()}`);
}
