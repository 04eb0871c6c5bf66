import type { z } from 'zod';

/**
 * The contract every rotation provider implements. The engine knows nothing else about a provider: it
 * journals, calls these functions, and publishes what `toSecretValues` returns. A new provider (say,
 * PostgreSQL credentials) is a new folder that exports one of these and an entry in the registry.
 */
export type IssuedCredential<TCredential> = {
  credential: TCredential;
  /** The provider's id for the credential (Azure: the password's keyId), used to revoke it. */
  externalId: string;
  expiresAt: Date | null;
};

/** A credential found in the external system that carries a Rekey marker (for orphan clean-up). */
export type MarkedCredential = { externalId: string; marker: string; expiresAt: Date | null };

export type VerifyResult = { status: 'active' } | { status: 'pending'; reason: string };

export type RotationProvider<TParameters, TMapping extends Record<string, string>, TCredential, TConnection> = {
  type: string;
  name: string;
  /** The app connection type this provider needs (e.g. `azure-client-secrets`). */
  connectionApp: string;
  parametersSchema: z.ZodType<TParameters>;
  mappingSchema: z.ZodType<TMapping>;
  credentialSchema: z.ZodType<TCredential>;
  /** Default secret names shown by the dashboard wizard. */
  mappingTemplate: TMapping;
  /**
   * Checks, before anything is created, that the target exists and can take the credentials this
   * rotation will keep. `trackedExternalIds` are the credentials Rekey already tracks for it.
   */
  preflight(connection: TConnection, parameters: TParameters, trackedExternalIds: string[]): Promise<{ maxCredentials: number | null }>;
  /** Creates a credential whose name carries `marker`, valid until `expiresAt`. */
  issue(connection: TConnection, parameters: TParameters, input: { marker: string; expiresAt: Date }): Promise<IssuedCredential<TCredential>>;
  /** Whether the credential works yet (Entra ID takes seconds to minutes to accept a new secret). */
  verify(connection: TConnection, parameters: TParameters, credential: TCredential): Promise<VerifyResult>;
  /** Removes a credential; one that no longer exists counts as removed. */
  revoke(connection: TConnection, parameters: TParameters, externalId: string): Promise<'removed' | 'already-gone'>;
  /** Credentials in the external system whose name starts with `markerPrefix`. */
  listMarked(connection: TConnection, parameters: TParameters, markerPrefix: string): Promise<MarkedCredential[]>;
  /** The mapped secret values (secret name → value) for a credential. */
  toSecretValues(parameters: TParameters, mapping: TMapping, credential: TCredential): Record<string, string>;
};
