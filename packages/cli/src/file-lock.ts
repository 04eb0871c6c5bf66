import { promises as fs } from 'node:fs';
import { CliError } from './cli-error.js';

/** A lock older than this belongs to a process that died holding it. */
const staleAfterMs = 30_000;
const waitAtMostMs = 15_000;

/**
 * Runs `fn` while holding `lockPath`, a file created with O_EXCL: several `rekey` processes (a few terminals,
 * a `run --watch` per service) share one credentials file, and two of them renewing a user session at once
 * would present the same refresh token twice, which the server treats as theft and answers by revoking it.
 */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + waitAtMostMs;
  for (;;) {
    try {
      const handle = await fs.open(lockPath, 'wx', 0o600);
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const stat = await fs.stat(lockPath).catch(() => undefined);
      if (stat && Date.now() - stat.mtimeMs > staleAfterMs) {
        await fs.rm(lockPath, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new CliError(`Another rekey process holds ${lockPath}; if none is running, delete that file`);
      await new Promise((resolve) => setTimeout(resolve, 25 + Math.random() * 50));
    }
  }
  try {
    return await fn();
  } finally {
    await fs.rm(lockPath, { force: true });
  }
}
