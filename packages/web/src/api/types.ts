import type { ResponseOf } from './paths';

/** Named shapes of the API, all derived from the typed paths (so they follow openapi.json). */
export type Me = ResponseOf<'/api/v1/users/me', 'get'>;
export type User = Me['user'];
export type OrganizationWithRole = Me['organization'];

export type Project = ResponseOf<'/api/v1/workspace/{projectId}', 'get'>['workspace'];
export type Environment = Project['environments'][number];
export type ProjectMembership = ResponseOf<'/api/v1/workspace/{projectId}/memberships', 'get'>['memberships'][number];


export type OrgMembership = ResponseOf<'/api/v2/organizations/{organizationId}/memberships', 'get'>['users'][number];
export type Identity = ResponseOf<'/api/v1/identities', 'get'>['identities'][number];
export type UniversalAuth = ResponseOf<'/api/v1/auth/universal-auth/identities/{identityId}', 'get'>['identityUniversalAuth'];
export type ClientSecretData = ResponseOf<'/api/v1/auth/universal-auth/identities/{identityId}/client-secrets', 'get'>['clientSecretData'][number];

export type Secret = ResponseOf<'/api/v3/secrets/raw', 'get'>['secrets'][number];
export type SecretVersion = ResponseOf<'/api/v1/secret/{secretId}/secret-versions', 'get'>['secretVersions'][number];
export type Folder = ResponseOf<'/api/v1/folders', 'get'>['folders'][number];

export type AppConnection = ResponseOf<'/api/v1/app-connections/azure-client-secrets', 'get'>['appConnections'][number];
export type AzureConnectionMethod = AppConnection['method'];
export type AzureClient = ResponseOf<'/api/v1/app-connections/azure-client-secrets/{connectionId}/clients', 'get'>['clients'][number];
export type AppConnectionOption = ResponseOf<'/api/v1/app-connections/options', 'get'>['appConnectionOptions'][number];

export type SecretRotation = ResponseOf<'/api/v2/secret-rotations', 'get'>['secretRotations'][number];
export type RotationOption = ResponseOf<'/api/v2/secret-rotations/options', 'get'>['secretRotationOptions'][number];
export type GeneratedCredentials = ResponseOf<'/api/v2/secret-rotations/azure-client-secret/{rotationId}/generated-credentials', 'get'>;
export type RotationAttempt = ResponseOf<'/api/v2/secret-rotations/{rotationId}/history', 'get'>['history'][number];

export type AuditLogEntry = ResponseOf<'/api/v1/organization/audit-logs', 'get'>['auditLogs'][number];
