import { Anchor, Breadcrumbs, Button, Group, Menu, Paper, SegmentedControl, Stack, Table, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { api } from '../../api/client';
import { keys, useProject, useRotations } from '../../api/queries';
import type { Secret, SecretRotation } from '../../api/types';
import { ConfirmModal } from '../../components/ConfirmModal';
import { IconChevronDown, IconFolder, IconKey, IconPlus, IconRotate, IconSearch } from '../../components/icons';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useProjectPermissions } from '../../lib/permissions';
import { joinPath, pathSegments } from '../../lib/validation';
import { RotationWizard } from '../rotations/RotationWizard';
import { RotationsTable } from '../rotations/RotationsTable';
import { AddFolderModal, AddSecretModal } from './AddSecretModal';
import type { SecretLocation } from './location';
import { SecretRow } from './SecretRow';
import { VersionHistoryDrawer } from './VersionHistoryDrawer';

function normalizePath(raw: string | null): string {
  const segments = pathSegments(raw ?? '/');
  return segments.length === 0 ? '/' : `/${segments.join('/')}`;
}

function FolderBreadcrumbs({ path, onNavigate }: { path: string; onNavigate(path: string): void }) {
  const segments = pathSegments(path);
  const crumbs = [{ label: 'root', path: '/' }, ...segments.map((segment, index) => ({ label: segment, path: `/${segments.slice(0, index + 1).join('/')}` }))];
  return (
    <nav aria-label="Folder path">
      <Breadcrumbs separator="/">
      {crumbs.map((crumb, index) =>
        index === crumbs.length - 1 ? (
          <Text key={crumb.path} size="sm" fw={600} className="mono" aria-current="location">
            {crumb.label}
          </Text>
        ) : (
          <Anchor key={crumb.path} component="button" type="button" size="sm" className="mono" onClick={() => onNavigate(crumb.path)}>
            {crumb.label}
          </Anchor>
        ),
      )}
      </Breadcrumbs>
    </nav>
  );
}

/** A project's secrets for one environment and folder, with its rotations and the Add Secret Rotation wizard. */
export function SecretsDashboard() {
  const { projectId = '', envSlug = '' } = useParams();
  const [searchParams, setSearchParams] = useSearchParams();
  const secretPath = normalizePath(searchParams.get('path'));
  const highlightId = searchParams.get('rotation');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [search, setSearch] = useState('');
  const [dialog, setDialog] = useState<'secret' | 'folder' | 'rotation' | null>(null);
  const [editing, setEditing] = useState<SecretRotation | null>(null);
  const [historyOf, setHistoryOf] = useState<Secret | null>(null);
  const [deletingSecret, setDeletingSecret] = useState<Secret | null>(null);

  const project = useProject(projectId);
  const permissions = useProjectPermissions(projectId);
  const location: SecretLocation = { projectId, environment: envSlug, secretPath };
  const secrets = useQuery({
    queryKey: keys.secrets(projectId, envSlug, secretPath),
    queryFn: async () =>
      (await api('get', '/api/v3/secrets/raw', { query: { workspaceId: projectId, environment: envSlug, secretPath, viewSecretValue: 'false' } })).secrets,
  });
  const folders = useQuery({
    queryKey: keys.folders(projectId, envSlug, secretPath),
    queryFn: async () => (await api('get', '/api/v1/folders', { query: { workspaceId: projectId, environment: envSlug, path: secretPath } })).folders,
  });
  const rotations = useRotations(projectId);

  const goToPath = (path: string) => {
    const next = new URLSearchParams();
    if (path !== '/') next.set('path', path);
    setSearchParams(next);
    setSearch('');
  };

  const removeSecret = useMutation({
    mutationFn: (secret: Secret) =>
      api('delete', '/api/v3/secrets/raw/{secretName}', {
        params: { secretName: secret.secretKey },
        body: { workspaceId: projectId, environment: envSlug, secretPath, type: secret.type },
      }),
    onSuccess: async ({ secret }) => {
      notifySuccess(`Deleted secret ${secret.secretKey}`);
      setDeletingSecret(null);
      await queryClient.invalidateQueries({ queryKey: keys.secrets(projectId, envSlug, secretPath) });
    },
    onError: (error) => notifyError('Failed to delete secret', error),
  });

  const needle = search.trim().toLowerCase();
  const folderRotations = useMemo(
    () => (rotations.data ?? []).filter((rotation) => rotation.environment.slug === envSlug && rotation.secretPath === secretPath),
    [rotations.data, envSlug, secretPath],
  );
  // A rotation that finished in the background (scheduled, or a slow Rotate now) wrote new secret versions.
  const rotatedAt = folderRotations.map((rotation) => `${rotation.id}:${rotation.lastRotatedAt ?? ''}`).join(',');
  const seenRotatedAt = useRef(rotatedAt);
  useEffect(() => {
    if (seenRotatedAt.current === rotatedAt) return;
    const isFirstLoad = seenRotatedAt.current === '';
    seenRotatedAt.current = rotatedAt;
    if (!isFirstLoad) void queryClient.invalidateQueries({ queryKey: keys.secrets(projectId, envSlug, secretPath) });
  }, [rotatedAt, queryClient, projectId, envSlug, secretPath]);
  const rotationById = useMemo(() => new Map((rotations.data ?? []).map((rotation) => [rotation.id, rotation])), [rotations.data]);
  const visibleRotations = folderRotations.filter(
    (rotation) => !needle || rotation.name.includes(needle) || Object.values(rotation.secretsMapping).some((name) => name.toLowerCase().includes(needle)),
  );
  const visibleFolders = (folders.data ?? []).filter((folder) => !needle || folder.name.toLowerCase().includes(needle));
  const visibleSecrets = (secrets.data ?? [])
    .filter((secret) => (!needle || secret.secretKey.toLowerCase().includes(needle) || secret.secretComment.toLowerCase().includes(needle)))
    .sort((a, b) => a.secretKey.localeCompare(b.secretKey));

  if (project.isPending) return <LoadingState label="Loading project…" />;
  if (project.isError) return <ErrorState error={project.error} title="Could not open this project" onRetry={() => void project.refetch()} />;
  const environment = project.data.environments.find((env) => env.slug === envSlug);
  if (!environment) {
    return (
      <EmptyState
        title={`No environment “${envSlug}”`}
        description="This project has no environment with that slug."
        action={
          <Button component={Link} to={`/projects/${projectId}`} variant="light">
            Open the project
          </Button>
        }
      />
    );
  }

  const can = permissions.can;
  const rotationPermissions = {
    canReadCredentials: can('secret-rotations', 'read-generated-credentials'),
    canRotate: can('secret-rotations', 'rotate-secrets'),
    canEdit: can('secret-rotations', 'edit'),
    canDelete: can('secret-rotations', 'delete'),
  };
  const canAddSecret = can('secrets', 'create');
  const canAddFolder = can('secret-folders', 'create');
  const canAddRotation = can('secret-rotations', 'create');
  const isLoadingContent = secrets.isPending || folders.isPending;
  const loadError = secrets.error ?? folders.error;
  const isEmpty = !isLoadingContent && visibleSecrets.length === 0 && visibleFolders.length === 0 && visibleRotations.length === 0;

  const actions =
    canAddSecret || canAddFolder || canAddRotation ? (
      <Menu position="bottom-end" shadow="md" width={220}>
        <Menu.Target>
          <Button leftSection={<IconPlus size={16} />} rightSection={<IconChevronDown size={14} />}>
            Actions
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          {canAddSecret ? (
            <Menu.Item leftSection={<IconKey size={16} />} onClick={() => setDialog('secret')}>
              Add Secret
            </Menu.Item>
          ) : null}
          {canAddFolder ? (
            <Menu.Item leftSection={<IconFolder size={16} />} onClick={() => setDialog('folder')}>
              Add Folder
            </Menu.Item>
          ) : null}
          {canAddRotation ? (
            <Menu.Item leftSection={<IconRotate size={16} />} onClick={() => setDialog('rotation')}>
              Add Secret Rotation
            </Menu.Item>
          ) : null}
        </Menu.Dropdown>
      </Menu>
    ) : null;

  return (
    <>
      <PageHeader
        above={
          <Breadcrumbs separator="›">
            <Anchor component={Link} to="/organization/projects" size="sm">
              Projects
            </Anchor>
            <Text size="sm">{project.data.name}</Text>
          </Breadcrumbs>
        }
        title={project.data.name}
        description={project.data.description || 'Secrets, folders and rotations of this environment.'}
        actions={actions}
      />
      <Paper withBorder radius="md" p="sm" mb="md">
        <Group justify="space-between" gap="sm" wrap="wrap">
          <Group gap="md" wrap="wrap">
            <SegmentedControl
              aria-label="Environment"
              value={envSlug}
              onChange={(slug) => navigate(`/projects/${projectId}/secrets/${slug}${secretPath !== '/' ? `?path=${encodeURIComponent(secretPath)}` : ''}`)}
              data={project.data.environments.map((env) => ({ value: env.slug, label: env.name }))}
            />
            <FolderBreadcrumbs path={secretPath} onNavigate={goToPath} />
          </Group>
          <TextInput
            aria-label="Search secrets, folders and rotations"
            placeholder="Search by name"
            leftSection={<IconSearch size={16} />}
            value={search}
            onChange={(event) => setSearch(event.currentTarget.value)}
            w={260}
          />
        </Group>
      </Paper>

      {rotations.isError ? <ErrorState error={rotations.error} title="Could not load the secret rotations" onRetry={() => void rotations.refetch()} /> : null}
      {visibleRotations.length > 0 ? (
        <RotationsTable rotations={visibleRotations} projectId={projectId} permissions={rotationPermissions} highlightId={highlightId} onEdit={setEditing} />
      ) : null}

      {loadError ? (
        <ErrorState error={loadError} title="Could not load the secrets" onRetry={() => void Promise.all([secrets.refetch(), folders.refetch()])} />
      ) : isLoadingContent ? (
        <LoadingState label="Loading secrets…" />
      ) : isEmpty ? (
        needle ? (
          <EmptyState icon={<IconSearch />} title="Nothing matches" description={`No secret, folder or rotation here matches “${search}”.`} />
        ) : (
          <EmptyState
            icon={<IconKey />}
            title="This folder is empty"
            description={`No secrets in ${environment.name} at ${secretPath} yet. Add a secret, or let a secret rotation create and maintain them.`}
            action={
              <Group>
                {canAddSecret ? (
                  <Button variant="light" onClick={() => setDialog('secret')}>
                    Add Secret
                  </Button>
                ) : null}
                {canAddRotation ? (
                  <Button variant="light" onClick={() => setDialog('rotation')}>
                    Add Secret Rotation
                  </Button>
                ) : null}
              </Group>
            }
          />
        )
      ) : (
        <Paper withBorder radius="md">
          <Group px="md" pt="md" pb="xs" justify="space-between">
            <Text fw={650} component="h2" size="md" m={0}>
              Secrets
            </Text>
            <Text size="xs" c="dimmed">
              {visibleSecrets.length} secret{visibleSecrets.length === 1 ? '' : 's'}
              {visibleFolders.length > 0 ? ` · ${visibleFolders.length} folder${visibleFolders.length === 1 ? '' : 's'}` : ''}
            </Text>
          </Group>
          <Table.ScrollContainer minWidth={720}>
            <Table verticalSpacing="xs" aria-label="Secrets" highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w="32%">Key</Table.Th>
                  <Table.Th>Value</Table.Th>
                  <Table.Th w={120}>Updated</Table.Th>
                  <Table.Th w={170}>
                    <span className="visually-hidden">Actions</span>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {visibleFolders.map((folder) => (
                  <Table.Tr key={folder.id}>
                    <Table.Td colSpan={4}>
                      <UnstyledButton onClick={() => goToPath(joinPath(secretPath, folder.name))} aria-label={`Open folder ${folder.name}`}>
                        <Group gap={8}>
                          <span style={{ display: 'inline-flex', color: 'var(--mantine-color-yellow-7)' }}>
                            <IconFolder size={18} />
                          </span>
                          <Text size="sm" fw={500}>
                            {folder.name}
                          </Text>
                        </Group>
                      </UnstyledButton>
                    </Table.Td>
                  </Table.Tr>
                ))}
                {visibleSecrets.map((secret) => (
                  <SecretRow
                    key={secret.id}
                    secret={secret}
                    location={location}
                    rotation={secret.rotationId ? rotationById.get(secret.rotationId) : undefined}
                    canRead={can('secrets', 'read')}
                    canEdit={can('secrets', 'edit')}
                    canDelete={can('secrets', 'delete')}
                    onHistory={() => setHistoryOf(secret)}
                    onDelete={() => setDeletingSecret(secret)}
                  />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}

      <Stack gap={0}>
        <AddSecretModal opened={dialog === 'secret'} onClose={() => setDialog(null)} location={location} />
        <AddFolderModal opened={dialog === 'folder'} onClose={() => setDialog(null)} location={location} />
        <RotationWizard
          opened={dialog === 'rotation' || editing !== null}
          onClose={() => {
            setDialog(null);
            setEditing(null);
          }}
          projectId={projectId}
          environment={envSlug}
          secretPath={secretPath}
          rotation={editing}
          onCreated={(created) => {
            const next = new URLSearchParams(searchParams);
            next.set('rotation', created.id);
            setSearchParams(next, { replace: true });
          }}
        />
        <VersionHistoryDrawer secret={historyOf} canRestore={can('secrets', 'edit')} onClose={() => setHistoryOf(null)} />
        <ConfirmModal
          opened={deletingSecret !== null}
          onClose={() => setDeletingSecret(null)}
          onConfirm={() => deletingSecret && removeSecret.mutate(deletingSecret)}
          title="Delete secret"
          confirmLabel="Delete secret"
          loading={removeSecret.isPending}
        >
          <Text size="sm">
            Delete <strong className="mono">{deletingSecret?.secretKey}</strong> from {environment.name} at {secretPath}? Applications reading it will no longer
            find it. Its version history is kept for the audit trail.
          </Text>
        </ConfirmModal>
      </Stack>
    </>
  );
}
