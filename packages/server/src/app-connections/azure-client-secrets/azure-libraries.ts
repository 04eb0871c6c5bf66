/**
 * Microsoft's client libraries, loaded on first use. Together they are the largest part of Rekey's module
 * graph (a few hundred milliseconds of start-up and tens of megabytes), and a server that has no Azure
 * connection yet, or is restarting, should not pay for them before it is ready.
 */
type AzureIdentity = typeof import('@azure/identity');
type Msal = typeof import('@azure/msal-node');
type GraphClient = typeof import('@microsoft/microsoft-graph-client');

function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };
}

export const loadAzureIdentity: () => Promise<AzureIdentity> = once(() => import('@azure/identity'));
export const loadMsal: () => Promise<Msal> = once(() => import('@azure/msal-node'));
export const loadGraphClient: () => Promise<GraphClient> = once(() => import('@microsoft/microsoft-graph-client'));
