import type { Generated, Timestamp } from '../db/column-types.js';

export const appConnectionApps = ['azure-client-secrets'] as const;
export type AppConnectionApp = (typeof appConnectionApps)[number];

export const azureConnectionMethods = ['client-secret', 'certificate', 'oauth'] as const;
export type AzureConnectionMethod = (typeof azureConnectionMethods)[number];

/**
 * One credential Rekey uses to manage an external system. `encrypted_credentials` is the method's JSON
 * sealed with the organization's data key and `app-connection:<id>:credentials` as associated data.
 * `version` counts credential changes made by people; token refreshes persisted by Rekey keep it.
 */
export type AppConnectionsTable = {
  id: string;
  org_id: string;
  name: string;
  description: string | null;
  app: AppConnectionApp;
  method: AzureConnectionMethod;
  encrypted_credentials: Buffer;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
};

export type AppConnectionTables = {
  app_connections: AppConnectionsTable;
};
