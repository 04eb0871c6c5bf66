import { ActionIcon, Alert, Badge, Button, Code, Drawer, Group, Modal, NumberInput, Paper, Select, Stack, Table, Text, TextInput, Title, Tooltip, UnstyledButton } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../../api/client';
import { keys, useIdentities } from '../../api/queries';
import type { ClientSecretData, Identity } from '../../api/types';
import { ConfirmModal } from '../../components/ConfirmModal';
import { CopyValueButton } from '../../components/CopyValueButton';
import { IconAlert, IconPlus, IconRobot, IconTrash } from '../../components/icons';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { notifyError, notifySuccess } from '../../lib/notify';
import { formatLocalDate, formatLocalDateTime } from '../../lib/time';
import { useIsOrgAdmin, useMe } from '../../session/session';

const orgRoles = [
  { value: 'no-access', label: 'No Access (project access only)' },
  { value: 'member', label: 'Member' },
  { value: 'admin', label: 'Admin' },
];

function CreateIdentityModal({ opened, onClose, onCreated }: { opened: boolean; onClose(): void; onCreated(identity: Identity): void }) {
  const me = useMe();
  const [name, setName] = useState('');
  const [role, setRole] = useState<string | null>('no-access');
  const [error, setError] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: async () => {
      const { identity } = await api('post', '/api/v1/identities', {
        body: { name: name.trim(), organizationId: me.organization.id, role: (role ?? 'no-access') as 'admin' | 'member' | 'no-access' },
      });
      // Universal Auth with Infisical's defaults: 30-day tokens, from any address.
      await api('post', '/api/v1/auth/universal-auth/identities/{identityId}', { params: { identityId: identity.id }, body: {} });
      return identity;
    },
    onSuccess: async (identity) => {
      notifySuccess(`Created machine identity ${identity.name}`);
      await queryClient.invalidateQueries({ queryKey: keys.identities });
      setName('');
      onClose();
      onCreated(identity);
    },
    onError: (caught) => {
      if (caught instanceof ApiError && caught.status === 400) setError(caught.message);
      else notifyError('Failed to create machine identity', caught);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) setError('Name the identity, e.g. ci-deploy');
    else create.mutate();
  };
  return (
    <Modal opened={opened} onClose={onClose} title="Create machine identity">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <TextInput label="Name" placeholder="ci-deploy" required value={name} onChange={(e) => { setName(e.currentTarget.value); setError(null); }} error={error} data-autofocus />
          <Select label="Organization role" data={orgRoles} value={role} onChange={setRole} allowDeselect={false} description="Give it project roles from each project's Access control page." />
          <Text size="xs" c="dimmed">
            Universal Auth is enabled: create a client secret next to let the identity sign in.
          </Text>
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Shows a new client secret exactly once; nothing keeps it after the dialog closes. */
function NewClientSecretModal({ identityId, opened, onClose }: { identityId: string; opened: boolean; onClose(): void }) {
  const [description, setDescription] = useState('');
  const [ttlDays, setTtlDays] = useState<number | string>(0);
  const [secret, setSecret] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: () =>
      api('post', '/api/v1/auth/universal-auth/identities/{identityId}/client-secrets', {
        params: { identityId },
        body: { description: description.trim(), ttl: Math.max(0, Math.round(Number(ttlDays) || 0)) * 86_400 },
      }),
    onSuccess: async (result) => {
      setSecret(result.clientSecret);
      await queryClient.invalidateQueries({ queryKey: [...keys.identity(identityId), 'client-secrets'] });
    },
    onError: (error) => notifyError('Failed to create client secret', error),
  });
  const close = () => {
    setSecret(null);
    setDescription('');
    setTtlDays(0);
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title="Create client secret" closeOnClickOutside={secret === null}>
      {secret ? (
        <Stack gap="sm">
          <Alert color="yellow" variant="light" icon={<IconAlert />} title="Copy it now">
            This is the only time the client secret is shown. Rekey stores only a hash of it.
          </Alert>
          <Paper withBorder p="xs" radius="md">
            <Group justify="space-between" wrap="nowrap">
              <Code style={{ wordBreak: 'break-all' }} data-testid="new-client-secret">
                {secret}
              </Code>
              <CopyValueButton value={secret} label="Copy client secret" />
            </Group>
          </Paper>
          <Group justify="flex-end">
            <Button onClick={close}>I have copied it</Button>
          </Group>
        </Stack>
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            create.mutate();
          }}
        >
          <Stack gap="sm">
            <TextInput label="Description" placeholder="GitHub Actions, production deploy" value={description} onChange={(e) => setDescription(e.currentTarget.value)} data-autofocus />
            <NumberInput label="Expires after (days)" description="0 means it never expires" min={0} max={3650} value={ttlDays} onChange={setTtlDays} allowDecimal={false} />
            <Group justify="flex-end" mt="xs">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending}>
                Create client secret
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

function IdentityDrawer({ identity, onClose }: { identity: Identity | null; onClose(): void }) {
  const identityId = identity?.id ?? '';
  const isAdmin = useIsOrgAdmin();
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ClientSecretData | null>(null);
  const auth = useQuery({
    queryKey: [...keys.identity(identityId), 'universal-auth'],
    queryFn: async () => (await api('get', '/api/v1/auth/universal-auth/identities/{identityId}', { params: { identityId } })).identityUniversalAuth,
    enabled: identity !== null,
    retry: false,
  });
  const secrets = useQuery({
    queryKey: [...keys.identity(identityId), 'client-secrets'],
    queryFn: async () => (await api('get', '/api/v1/auth/universal-auth/identities/{identityId}/client-secrets', { params: { identityId } })).clientSecretData,
    enabled: identity !== null && auth.isSuccess,
  });
  const attach = useMutation({
    mutationFn: () => api('post', '/api/v1/auth/universal-auth/identities/{identityId}', { params: { identityId }, body: {} }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: keys.identity(identityId) });
      await queryClient.invalidateQueries({ queryKey: keys.identities });
    },
    onError: (error) => notifyError('Failed to enable Universal Auth', error),
  });
  const revoke = useMutation({
    mutationFn: (secret: ClientSecretData) =>
      api('post', '/api/v1/auth/universal-auth/identities/{identityId}/client-secrets/{clientSecretId}/revoke', { params: { identityId, clientSecretId: secret.id } }),
    onSuccess: async () => {
      notifySuccess('Client secret revoked');
      setRevoking(null);
      await queryClient.invalidateQueries({ queryKey: [...keys.identity(identityId), 'client-secrets'] });
    },
    onError: (error) => notifyError('Failed to revoke the client secret', error),
  });
  const notAttached = auth.isError && auth.error instanceof ApiError && auth.error.status === 404;
  return (
    <Drawer opened={identity !== null} onClose={onClose} position="right" size="lg" title={<Text fw={600}>{identity?.name}</Text>}>
      <Stack gap="md">
        <Title order={2} size="h5">
          Universal Auth
        </Title>
        {auth.isPending ? (
          <LoadingState minHeight={80} />
        ) : notAttached ? (
          <Stack gap="xs" align="flex-start">
            <Text size="sm">Universal Auth is not enabled. Enable it to let this identity sign in with a client ID and client secret.</Text>
            {isAdmin ? (
              <Button size="xs" onClick={() => attach.mutate()} loading={attach.isPending}>
                Enable Universal Auth
              </Button>
            ) : null}
          </Stack>
        ) : auth.isError ? (
          <ErrorState error={auth.error} />
        ) : (
          <>
            <Paper withBorder p="sm" radius="md">
              <Group justify="space-between" wrap="nowrap">
                <Stack gap={0}>
                  <Text size="xs" c="dimmed">
                    Client ID
                  </Text>
                  <Text className="mono" size="sm">
                    {auth.data.clientId}
                  </Text>
                </Stack>
                <CopyValueButton value={auth.data.clientId} label="Copy client ID" />
              </Group>
              <Text size="xs" c="dimmed" mt="xs">
                Access tokens live {Math.round(auth.data.accessTokenTTL / 3600)} h (at most {Math.round(auth.data.accessTokenMaxTTL / 3600)} h).
              </Text>
            </Paper>
            <Group justify="space-between">
              <Text fw={600} size="sm">
                Client secrets
              </Text>
              {isAdmin ? (
                <Button size="xs" leftSection={<IconPlus size={14} />} onClick={() => setCreating(true)}>
                  Create client secret
                </Button>
              ) : null}
            </Group>
            {secrets.isPending ? (
              <LoadingState minHeight={60} />
            ) : secrets.isError ? (
              <ErrorState error={secrets.error} />
            ) : secrets.data.length === 0 ? (
              <Text size="sm" c="dimmed">
                No client secrets yet.
              </Text>
            ) : (
              <Table verticalSpacing="xs" fz="sm" aria-label="Client secrets">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Description</Table.Th>
                    <Table.Th>Secret</Table.Th>
                    <Table.Th>Created</Table.Th>
                    <Table.Th>Uses</Table.Th>
                    <Table.Th w={40}>
                      <span className="visually-hidden">Actions</span>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {secrets.data.map((secret) => (
                    <Table.Tr key={secret.id}>
                      <Table.Td>{secret.description || '—'}</Table.Td>
                      <Table.Td>
                        <Group gap={4}>
                          <Text className="mono" size="xs">
                            {secret.clientSecretPrefix}…
                          </Text>
                          {secret.isClientSecretRevoked ? (
                            <Badge color="gray" size="xs">
                              revoked
                            </Badge>
                          ) : null}
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        <Tooltip label={formatLocalDateTime(secret.createdAt)}>
                          <Text size="xs" tabIndex={0}>
                            {formatLocalDate(secret.createdAt)}
                          </Text>
                        </Tooltip>
                      </Table.Td>
                      <Table.Td>
                        {secret.clientSecretNumUses}
                        {secret.clientSecretNumUsesLimit ? ` / ${secret.clientSecretNumUsesLimit}` : ''}
                      </Table.Td>
                      <Table.Td>
                        {isAdmin && !secret.isClientSecretRevoked ? (
                          <Tooltip label="Revoke">
                            <ActionIcon variant="subtle" color="red" aria-label={`Revoke client secret ${secret.clientSecretPrefix}`} onClick={() => setRevoking(secret)}>
                              <IconTrash size={16} />
                            </ActionIcon>
                          </Tooltip>
                        ) : null}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </>
        )}
      </Stack>
      <NewClientSecretModal identityId={identityId} opened={creating} onClose={() => setCreating(false)} />
      <ConfirmModal
        opened={revoking !== null}
        onClose={() => setRevoking(null)}
        onConfirm={() => revoking && revoke.mutate(revoking)}
        title="Revoke client secret"
        confirmLabel="Revoke"
        loading={revoke.isPending}
      >
        <Text size="sm">Anything signing in with the secret starting {revoking?.clientSecretPrefix} stops working. Access tokens it already obtained also stop.</Text>
      </ConfirmModal>
    </Drawer>
  );
}

export function IdentitiesPage() {
  const identities = useIdentities();
  const isAdmin = useIsOrgAdmin();
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [selected, setSelected] = useState<Identity | null>(null);
  const [deleting, setDeleting] = useState<Identity | null>(null);
  const remove = useMutation({
    mutationFn: (identity: Identity) => api('delete', '/api/v1/identities/{identityId}', { params: { identityId: identity.id } }),
    onSuccess: async ({ identity }) => {
      notifySuccess(`Deleted machine identity ${identity.name}`);
      setDeleting(null);
      await queryClient.invalidateQueries({ queryKey: keys.identities });
    },
    onError: (error) => notifyError('Failed to delete machine identity', error),
  });
  const createButton = isAdmin ? (
    <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
      Create identity
    </Button>
  ) : null;
  return (
    <>
      <PageHeader
        title="Machine Identities"
        description="Non-human identities for CI jobs and applications. They sign in with Universal Auth (client ID and client secret) and get short-lived access tokens."
        actions={createButton}
      />
      {identities.isPending ? (
        <LoadingState label="Loading identities…" />
      ) : identities.isError ? (
        <ErrorState error={identities.error} onRetry={() => void identities.refetch()} />
      ) : identities.data.length === 0 ? (
        <EmptyState icon={<IconRobot />} title="No machine identities" description="Create one for each application or pipeline that reads secrets." action={createButton} />
      ) : (
        <Paper withBorder radius="md">
          <Table verticalSpacing="sm" highlightOnHover aria-label="Machine identities">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Organization role</Table.Th>
                <Table.Th>Authentication</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th w={48}>
                  <span className="visually-hidden">Actions</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {identities.data.map((identity) => (
                <Table.Tr key={identity.id}>
                  <Table.Td>
                    <UnstyledButton onClick={() => setSelected(identity)} aria-label={`Open machine identity ${identity.name}`}>
                      <Text size="sm" fw={500} c="indigo.7">
                        {identity.name}
                      </Text>
                    </UnstyledButton>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light">{identity.role}</Badge>
                  </Table.Td>
                  <Table.Td>
                    {identity.authMethod ? (
                      <Badge variant="outline" color="gray">
                        {identity.authMethod === 'universal-auth' ? 'Universal Auth' : 'Token'}
                      </Badge>
                    ) : (
                      <Text size="xs" c="dimmed">
                        none
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{formatLocalDate(identity.createdAt)}</Text>
                  </Table.Td>
                  <Table.Td>
                    {isAdmin ? (
                      <Tooltip label="Delete identity">
                        <ActionIcon variant="subtle" color="red" aria-label={`Delete ${identity.name}`} onClick={() => setDeleting(identity)}>
                          <IconTrash size={16} />
                        </ActionIcon>
                      </Tooltip>
                    ) : null}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
      <CreateIdentityModal opened={creating} onClose={() => setCreating(false)} onCreated={setSelected} />
      <IdentityDrawer identity={selected} onClose={() => setSelected(null)} />
      <ConfirmModal
        opened={deleting !== null}
        onClose={() => setDeleting(null)}
        onConfirm={() => deleting && remove.mutate(deleting)}
        title="Delete machine identity"
        confirmLabel="Delete identity"
        loading={remove.isPending}
        typeToConfirm={deleting?.name}
      >
        <Text size="sm">Deleting <strong>{deleting?.name}</strong> revokes its client secrets and access tokens at once.</Text>
      </ConfirmModal>
    </>
  );
}
