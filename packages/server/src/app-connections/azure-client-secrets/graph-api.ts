import type { Client, PageCollection } from '@microsoft/microsoft-graph-client';
import { ProviderError } from '../../secret-rotations/engine/provider-error.js';
import { type AzureEndpoints, defaultAzureRequestTimeoutMs, type TokenSource } from './azure-auth.js';
import { loadGraphClient } from './azure-libraries.js';
import { translateGraphError } from './azure-errors.js';

export type GraphApplication = { id: string; appId: string; displayName: string; signInAudience?: string };
export type GraphPasswordCredential = {
  keyId: string;
  displayName: string | null;
  hint: string | null;
  startDateTime: string | null;
  endDateTime: string | null;
};
export type NewPasswordCredential = GraphPasswordCredential & { secretText: string };

/** The only place that talks to Microsoft Graph. */
export type GraphApi = {
  /** One page, to prove the connection can read applications. */
  probe(): Promise<void>;
  listApplications(): Promise<GraphApplication[]>;
  getApplication(objectId: string): Promise<GraphApplication & { passwordCredentials: GraphPasswordCredential[] }>;
  addPassword(objectId: string, input: { displayName: string; endDateTime: Date }): Promise<NewPasswordCredential>;
  /** Removes a password; one that is already gone counts as removed. */
  removePassword(objectId: string, keyId: string): Promise<'removed' | 'already-gone'>;
};

const applicationFields = 'id,appId,displayName,signInAudience';

/** Gives up waiting (the request itself may still complete: callers that write must look for its effect). */
function withTimeout<T>(work: Promise<T>, timeoutMs: number, action: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new ProviderError('network', `${action} timed out after ${Math.round(timeoutMs / 1000)} s`, { isRetryable: true })),
      timeoutMs,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export function createGraphApi(tokens: TokenSource, endpoints: AzureEndpoints): GraphApi {
  const host = new URL(endpoints.graphUrl).hostname;
  // customHosts: the Graph client attaches the token only to Microsoft's hosts or hosts listed here. Its
  // RetryHandler honours Retry-After on 429/503/504.
  let graphClient: Promise<Client> | undefined;
  const graph = () => {
    graphClient ??= loadGraphClient().then(({ Client }) =>
      Client.initWithMiddleware({
        authProvider: { getAccessToken: () => tokens.getToken() },
        baseUrl: endpoints.graphUrl,
        defaultVersion: 'v1.0',
        customHosts: new Set([host]),
      }),
    );
    return graphClient;
  };

  async function call<T>(action: string, run: (client: Client) => Promise<T>): Promise<T> {
    const client = await graph();
    const { GraphError } = await loadGraphClient();
    try {
      // Token first: the Graph client re-wraps anything its auth provider throws as a GraphError with
      // status -1, which would lose the ProviderError (and look like a network failure). Cached, so cheap.
      await tokens.getToken();
      return await withTimeout(run(client), endpoints.requestTimeoutMs ?? defaultAzureRequestTimeoutMs, action);
    } catch (error) {
      if (error instanceof ProviderError) throw error;
      if (error instanceof GraphError && error.code === 'ProviderError') {
        // A token renewal that failed between pages of a listing: not a network problem.
        throw new ProviderError('authentication', `${action} failed: ${error.message}`, { cause: error });
      }
      if (error instanceof GraphError || typeof (error as { statusCode?: unknown }).statusCode === 'number') {
        throw translateGraphError(error, action);
      }
      throw translateGraphError({ statusCode: undefined, message: error instanceof Error ? error.message : String(error) }, action);
    }
  }

  return {
    probe: () =>
      call('Listing applications', async (client) => {
        await client.api('/applications').select(applicationFields).top(1).get();
      }),
    listApplications: () =>
      call('Listing applications', async (client) => {
        const applications: GraphApplication[] = [];
        let page = (await client.api('/applications').select(applicationFields).top(999).get()) as PageCollection;
        while (true) {
          applications.push(...(page.value as GraphApplication[]));
          const next = page['@odata.nextLink'];
          if (!next) break;
          page = (await client.api(next).get()) as PageCollection;
        }
        return applications;
      }),
    getApplication: (objectId) =>
      call(`Reading application ${objectId}`, async (client) => {
        return client.api(`/applications/${encodeURIComponent(objectId)}`).select(`${applicationFields},passwordCredentials`).get();
      }),
    addPassword: (objectId, input) =>
      call(`Adding a client secret to application ${objectId}`, async (client) => {
        const created = (await client
          .api(`/applications/${encodeURIComponent(objectId)}/addPassword`)
          .post({ passwordCredential: { displayName: input.displayName, endDateTime: input.endDateTime.toISOString() } })) as NewPasswordCredential;
        if (!created?.secretText || !created.keyId) {
          throw new ProviderError('unknown', `Adding a client secret to application ${objectId}: Graph returned no secret`);
        }
        return created;
      }),
    removePassword: (objectId, keyId) =>
      call(`Removing client secret ${keyId} from application ${objectId}`, async (client) => {
        try {
          await client.api(`/applications/${encodeURIComponent(objectId)}/removePassword`).post({ keyId });
          return 'removed' as const;
        } catch (error) {
          // Graph answers 400 "No password credential found with keyId …" for a password that is gone.
          if (/No password credential found/i.test((error as Error).message ?? '')) return 'already-gone' as const;
          throw error;
        }
      }),
  };
}
