/** Seed format: the JSON accepted by `startEmulator({ seed })`, `admin.seed()` and the CLI's `--seed`. */

export type SignInAudience =
  | 'AzureADMyOrg'
  | 'AzureADMultipleOrgs'
  | 'AzureADandPersonalMicrosoftAccount'
  | 'PersonalMicrosoftAccount';

export interface Seed {
  tenants: SeedTenant[];
}

export interface SeedTenant {
  /** Tenant GUID (random when absent). */
  id?: string;
  displayName?: string;
  /** Verified domain names; the first is the publisher domain (default `tenant-xxxxxxxx.onmicrosoft.com`). */
  domains?: string[];
  users?: SeedUser[];
  applications?: SeedApplication[];
}

export interface SeedUser {
  id?: string;
  userPrincipalName: string;
  displayName?: string;
  /** Admins may write every application with delegated permissions; others only apps they own (default true). */
  isAdmin?: boolean;
}

export interface SeedApplication {
  /** Local name, usable in `owners` of other applications of the same seed. */
  key?: string;
  /** Object id (random when absent). */
  id?: string;
  /** Client id (random when absent). */
  appId?: string;
  /** Object id of the app's service principal in its tenant (random when absent). */
  servicePrincipalId?: string;
  displayName: string;
  signInAudience?: SignInAudience;
  createdDateTime?: string;
  description?: string;
  notes?: string;
  tags?: string[];
  /** Redirect URIs accepted by `/authorize` (web platform). */
  redirectUris?: string[];
  /** Graph application permissions granted (admin-consented) to this app, e.g. `Application.ReadWrite.OwnedBy`. */
  roles?: string[];
  /** Owners: seed keys, appIds, object ids or service principal ids of apps, or user ids / UPNs. */
  owners?: string[];
  passwordCredentials?: SeedPasswordCredential[];
  keyCredentials?: SeedKeyCredential[];
}

export interface SeedPasswordCredential {
  /** The known secret; when absent a random one is generated (a "foreign" password). */
  secretText?: string;
  keyId?: string;
  displayName?: string;
  startDateTime?: string;
  endDateTime?: string;
}

export interface SeedKeyCredential {
  /** PEM of the X.509 certificate whose key signs client assertions. */
  certificatePem: string;
  keyId?: string;
  displayName?: string;
  startDateTime?: string;
  endDateTime?: string;
}

export interface SeededPassword {
  keyId: string;
  secretText: string;
  hint: string;
  displayName: string | null;
  startDateTime: string;
  endDateTime: string;
}

export interface SeededApplication {
  key?: string;
  id: string;
  appId: string;
  servicePrincipalId: string;
  displayName: string;
  passwordCredentials: SeededPassword[];
}

export interface SeededTenant {
  id: string;
  displayName: string;
  domains: string[];
  users: Array<{ id: string; userPrincipalName: string }>;
  applications: SeededApplication[];
}

export interface SeedResult {
  tenants: SeededTenant[];
}

