import type { ApiClient } from './api-client.js';
import { type ChildEnv, changedNames } from './child-env.js';
import { errorMessage } from './cli-error.js';
import type { SecretScope } from './rekey-api.js';
import type { ChildSpec, Supervisor } from './runner.js';
import { type SecretSet, loadSecretSet, probeVersions } from './secret-set.js';

export type WatchParams = {
  api: ApiClient;
  scope: SecretScope;
  supervisor: Supervisor;
  initial: SecretSet;
  initialEnv: ChildEnv;
  /** Builds the child's command line and environment from a fresh set of secrets. */
  specFor: (values: Map<string, string>) => { spec: ChildSpec; childEnv: ChildEnv };
  intervalMs: number;
  log: (line: string) => void;
};

/** A sleep that ends early when the run ends, so no timer outlives the child. */
function pause(ms: number, finished: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const slept = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([slept, finished.then(() => undefined)]).finally(() => clearTimeout(timer));
}

/**
 * Polls for changed secrets and restarts the child when one it received changed. Each poll is one request
 * with values hidden; only when a version changed are the values read. A failing poll never touches the
 * running child: the program keeps its working credentials and the poll is retried.
 */
export async function watchSecrets(params: WatchParams): Promise<void> {
  const { api, scope, supervisor, log } = params;
  let isDone = false;
  void supervisor.finished.then(() => {
    isDone = true;
  });
  let state = { fingerprint: params.initial.fingerprint, etag: undefined as string | undefined, hasReferences: params.initial.hasReferences };
  let injected = params.initialEnv.injected;
  let failingSince: number | undefined;

  while (!isDone) {
    await pause(params.intervalMs, supervisor.finished);
    if (isDone || supervisor.isStopping()) return;
    try {
      // References can change a value without changing a version here, so then only a full read is reliable.
      if (!state.hasReferences) {
        const probe = await probeVersions(api, scope, state);
        state = { ...state, etag: probe.etag };
        if (probe.isUnchanged) {
          failingSince = recovered(failingSince, log);
          continue;
        }
      }
      const fresh = await loadSecretSet(api, scope);
      state = { ...state, fingerprint: fresh.fingerprint, hasReferences: fresh.hasReferences };
      failingSince = recovered(failingSince, log);
      const next = params.specFor(fresh.values);
      const changed = changedNames(injected, next.childEnv.injected);
      if (changed.length === 0 || isDone || supervisor.isStopping()) continue;
      log(`secrets changed (${changed.join(', ')}): restarting ${next.spec.command}`);
      injected = next.childEnv.injected;
      try {
        await supervisor.restart(next.spec);
      } catch (error) {
        // The supervisor has ended the run with the start failure's exit code; say why and stop polling.
        log(`cannot restart ${next.spec.command}: ${errorMessage(error)}`);
        return;
      }
    } catch (error) {
      if (failingSince === undefined) {
        failingSince = Date.now();
        log(`warning: cannot check for changed secrets (${errorMessage(error)}); the command keeps running, retrying every ${Math.round(params.intervalMs / 1000)} s`);
      }
    }
  }
}

function recovered(failingSince: number | undefined, log: (line: string) => void): undefined {
  if (failingSince !== undefined) log(`checking for changed secrets works again (failed for ${Math.round((Date.now() - failingSince) / 1000)} s)`);
  return undefined;
}
