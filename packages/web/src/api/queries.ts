import { useQuery } from '@tanstack/react-query';
import { api } from './client';

/** Query keys in one place, so a mutation can invalidate exactly what it changed. */
export const keys = {
  projects: ['projects'] as const,
  project: (projectId: string) => ['projects', projectId] as const,
  projectPermissions: (projectId: string) => ['projects', projectId, 'permissions'] as const,
  projectMembers: (projectId: string) => ['projects', projectId, 'members'] as const,
  secrets: (projectId: string, environment: string, path: string) => ['projects', projectId, 'secrets', environment, path] as const,
  allSecrets: (projectId: string) => ['projects', projectId, 'secrets'] as const,
  folders: (projectId: string, environment: string, path: string) => ['projects', projectId, 'folders', environment, path] as const,
  secretVersions: (secretId: string) => ['secret-versions', secretId] as const,
  rotations: (projectId: string) => ['projects', projectId, 'rotations'] as const,
  rotation: (rotationId: string) => ['rotations', rotationId] as const,
  rotationHistory: (rotationId: string) => ['rotations', rotationId, 'history'] as const,
  rotationOptions: ['rotation-options'] as const,
  connections: ['app-connections'] as const,
  connectionOptions: ['app-connections', 'options'] as const,
  connectionClients: (connectionId: string) => ['app-connections', connectionId, 'clients'] as const,
  orgMembers: (orgId: string) => ['org', orgId, 'members'] as const,
  identities: ['identities'] as const,
  identity: (identityId: string) => ['identities', identityId] as const,
  auditLogs: ['audit-logs'] as const,
};

export function useProjects() {
  return useQuery({ queryKey: keys.projects, queryFn: async () => (await api('get', '/api/v1/workspace', {})).workspaces });
}

export function useProject(projectId: string) {
  return useQuery({
    queryKey: keys.project(projectId),
    queryFn: async () => (await api('get', '/api/v1/workspace/{projectId}', { params: { projectId } })).workspace,
  });
}

/** While an attempt runs, poll so the status badge and the secrets follow it without a reload. */
const whileRotating = 3_000;

export function useRotations(projectId: string) {
  return useQuery({
    queryKey: keys.rotations(projectId),
    queryFn: async () => (await api('get', '/api/v2/secret-rotations', { query: { projectId } })).secretRotations,
    refetchInterval: (query) => (query.state.data?.some((rotation) => rotation.rotationStatus === 'rotating') ? whileRotating : false),
  });
}

export function useRotation(rotationId: string) {
  return useQuery({
    queryKey: keys.rotation(rotationId),
    queryFn: async () =>
      (await api('get', '/api/v2/secret-rotations/azure-client-secret/{rotationId}', { params: { rotationId } })).secretRotation,
    refetchInterval: (query) => (query.state.data?.rotationStatus === 'rotating' ? whileRotating : false),
  });
}

export function useRotationOptions() {
  return useQuery({
    queryKey: keys.rotationOptions,
    queryFn: async () => (await api('get', '/api/v2/secret-rotations/options', {})).secretRotationOptions,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function useAzureConnections(enabled = true) {
  return useQuery({
    queryKey: keys.connections,
    queryFn: async () => (await api('get', '/api/v1/app-connections/azure-client-secrets', {})).appConnections,
    enabled,
  });
}

export function useConnectionOptions() {
  return useQuery({
    queryKey: keys.connectionOptions,
    queryFn: async () => (await api('get', '/api/v1/app-connections/options', {})).appConnectionOptions,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function useAzureClients(connectionId: string | null) {
  return useQuery({
    queryKey: keys.connectionClients(connectionId ?? 'none'),
    queryFn: async () =>
      (await api('get', '/api/v1/app-connections/azure-client-secrets/{connectionId}/clients', { params: { connectionId: connectionId ?? '' } }))
        .clients,
    enabled: connectionId !== null,
    staleTime: 60_000,
    retry: false,
  });
}

export function useIdentities() {
  return useQuery({ queryKey: keys.identities, queryFn: async () => (await api('get', '/api/v1/identities', {})).identities });
}

export function useOrgMembers(orgId: string) {
  return useQuery({
    queryKey: keys.orgMembers(orgId),
    queryFn: async () => (await api('get', '/api/v2/organizations/{organizationId}/memberships', { params: { organizationId: orgId } })).users,
  });
}
