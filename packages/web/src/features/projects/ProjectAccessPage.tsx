import { ActionIcon, Anchor, Badge, Breadcrumbs, Button, Group, Modal, Paper, Select, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../../api/client';
import { keys, useIdentities, useOrgMembers, useProject } from '../../api/queries';
import { ConfirmModal } from '../../components/ConfirmModal';
import { IconPlus, IconTrash } from '../../components/icons';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useProjectPermissions } from '../../lib/permissions';
import { formatLocalDate } from '../../lib/time';
import { useMe } from '../../session/session';

function useRoleOptions(projectId: string) {
  const roles = useQuery({
    queryKey: ['projects', projectId, 'roles'],
    queryFn: async () => (await api('get', '/api/v1/workspace/{projectId}/roles', { params: { projectId } })).roles,
    staleTime: 60_000,
  });
  const fallback = [
    { value: 'admin', label: 'Admin' },
    { value: 'member', label: 'Developer' },
    { value: 'viewer', label: 'Viewer' },
    { value: 'no-access', label: 'No Access' },
  ];
  return roles.data ? roles.data.map((role) => ({ value: role.slug, label: role.name })) : fallback;
}

type AddTarget = 'user' | 'identity';

function AddMemberModal({ projectId, target, onClose, existing }: { projectId: string; target: AddTarget | null; onClose(): void; existing: Set<string> }) {
  const me = useMe();
  const orgMembers = useOrgMembers(me.organization.id);
  const identities = useIdentities();
  const roleOptions = useRoleOptions(projectId);
  const [who, setWho] = useState<string | null>(null);
  const [role, setRole] = useState<string | null>('viewer');
  const [error, setError] = useState<string | null>(null);
  const queryClient = useQueryClient();
  useEffect(() => {
    if (target) {
      setWho(null);
      setRole(target === 'user' ? 'viewer' : 'member');
      setError(null);
    }
  }, [target]);
  const add = useMutation({
    mutationFn: async () => {
      if (!who || !role) throw new Error('Choose who to add and their role');
      if (target === 'identity') {
        await api('post', '/api/v2/workspace/{projectId}/identity-memberships/{identityId}', { params: { projectId, identityId: who }, body: { roles: [{ role }] } });
      } else {
        await api('post', '/api/v2/workspace/{projectId}/memberships', { params: { projectId }, body: { emails: [who], roleSlugs: [role] } });
      }
    },
    onSuccess: async () => {
      notifySuccess(target === 'identity' ? 'Machine identity added to the project' : `Added ${who} to the project`);
      await queryClient.invalidateQueries({ queryKey: keys.projectMembers(projectId) });
      onClose();
    },
    onError: (caught) => notifyError('Failed to add to the project', caught),
  });
  const options =
    target === 'identity'
      ? (identities.data ?? []).filter((identity) => !existing.has(identity.id)).map((identity) => ({ value: identity.id, label: identity.name }))
      : (orgMembers.data ?? []).filter((member) => !existing.has(member.user.id)).map((member) => ({ value: member.user.email, label: member.user.email }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!who) {
      setError(target === 'identity' ? 'Choose a machine identity' : 'Choose an organization member');
      return;
    }
    add.mutate();
  };
  return (
    <Modal opened={target !== null} onClose={onClose} title={target === 'identity' ? 'Add machine identity' : 'Add member'}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Select
            label={target === 'identity' ? 'Machine identity' : 'Organization member'}
            description={target === 'identity' ? undefined : 'Invite people to the organization first from the Members page.'}
            data={options}
            value={who}
            onChange={(value) => {
              setWho(value);
              setError(null);
            }}
            searchable
            nothingFoundMessage="Nobody left to add"
            error={error}
            data-autofocus
          />
          <Select label="Role" data={roleOptions} value={role} onChange={setRole} allowDeselect={false} />
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={add.isPending}>
              Add to project
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Who may do what in a project: users and machine identities with their project roles. */
export function ProjectAccessPage() {
  const { projectId = '' } = useParams();
  const project = useProject(projectId);
  const permissions = useProjectPermissions(projectId);
  const roleOptions = useRoleOptions(projectId);
  const queryClient = useQueryClient();
  const [adding, setAdding] = useState<AddTarget | null>(null);
  const [removing, setRemoving] = useState<{ kind: AddTarget; id: string; label: string } | null>(null);
  const members = useQuery({
    queryKey: [...keys.projectMembers(projectId), 'users'],
    queryFn: async () => (await api('get', '/api/v1/workspace/{projectId}/memberships', { params: { projectId } })).memberships,
  });
  const identityMembers = useQuery({
    queryKey: [...keys.projectMembers(projectId), 'identities'],
    queryFn: async () => (await api('get', '/api/v2/workspace/{projectId}/identity-memberships', { params: { projectId } })).identityMemberships,
  });
  const canEdit = permissions.can('members', 'edit');
  const invalidate = () => queryClient.invalidateQueries({ queryKey: keys.projectMembers(projectId) });

  const changeRole = useMutation({
    mutationFn: async (input: { kind: AddTarget; id: string; role: string }) => {
      if (input.kind === 'user') {
        await api('patch', '/api/v1/workspace/{projectId}/memberships/{membershipId}', { params: { projectId, membershipId: input.id }, body: { roles: [{ role: input.role }] } });
      } else {
        await api('patch', '/api/v2/workspace/{projectId}/identity-memberships/{identityId}', { params: { projectId, identityId: input.id }, body: { roles: [{ role: input.role }] } });
      }
    },
    onSuccess: async () => {
      notifySuccess('Role changed');
      await invalidate();
    },
    onError: (error) => notifyError('Failed to change the role', error),
  });
  const remove = useMutation({
    mutationFn: async (input: { kind: AddTarget; id: string }) => {
      if (input.kind === 'user') await api('delete', '/api/v1/workspace/{projectId}/memberships/{membershipId}', { params: { projectId, membershipId: input.id } });
      else await api('delete', '/api/v2/workspace/{projectId}/identity-memberships/{identityId}', { params: { projectId, identityId: input.id } });
    },
    onSuccess: async () => {
      notifySuccess('Removed from the project');
      setRemoving(null);
      await invalidate();
    },
    onError: (error) => notifyError('Failed to remove from the project', error),
  });

  const roleCell = (kind: AddTarget, id: string, roles: Array<{ role: string; customRoleSlug: string | null }>, label: string) => {
    const current = roles[0]?.customRoleSlug ?? roles[0]?.role ?? '';
    return canEdit ? (
      <Select
        aria-label={`Role of ${label}`}
        data={roleOptions}
        value={current}
        onChange={(role) => role && role !== current && changeRole.mutate({ kind, id, role })}
        allowDeselect={false}
        size="xs"
        w={160}
      />
    ) : (
      <Badge variant="light">{roleOptions.find((option) => option.value === current)?.label ?? current}</Badge>
    );
  };

  const existingUsers = new Set((members.data ?? []).map((membership) => membership.user.id));
  const existingIdentities = new Set((identityMembers.data ?? []).map((membership) => membership.identityId));

  return (
    <>
      <PageHeader
        above={
          <Breadcrumbs separator="›">
            <Anchor component={Link} to="/organization/projects" size="sm">
              Projects
            </Anchor>
            <Anchor component={Link} to={`/projects/${projectId}`} size="sm">
              {project.data?.name ?? 'Project'}
            </Anchor>
            <Text size="sm">Access control</Text>
          </Breadcrumbs>
        }
        title="Access control"
        description="Project roles decide who may read secrets, change them, and manage rotations. Organization admins are admins of every project."
      />
      <Stack gap="lg">
        <Paper withBorder radius="md" p="md">
          <Group justify="space-between" mb="sm">
            <Title order={2} size="h5">
              Users
            </Title>
            {permissions.can('members', 'create') ? (
              <Button size="xs" leftSection={<IconPlus size={14} />} onClick={() => setAdding('user')}>
                Add member
              </Button>
            ) : null}
          </Group>
          {members.isPending ? (
            <LoadingState minHeight={80} />
          ) : members.isError ? (
            <ErrorState error={members.error} title="Could not load the members" />
          ) : members.data.length === 0 ? (
            <EmptyState title="No members" description="Add organization members to give them access to this project." />
          ) : (
            <Table verticalSpacing="sm" aria-label="Project members">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Email</Table.Th>
                  <Table.Th>Role</Table.Th>
                  <Table.Th>Added</Table.Th>
                  <Table.Th w={48}>
                    <span className="visually-hidden">Actions</span>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {members.data.map((membership) => (
                  <Table.Tr key={membership.id}>
                    <Table.Td>
                      <Text size="sm">{membership.user.email}</Text>
                    </Table.Td>
                    <Table.Td>{roleCell('user', membership.id, membership.roles, membership.user.email)}</Table.Td>
                    <Table.Td>
                      <Text size="sm">{formatLocalDate(membership.createdAt)}</Text>
                    </Table.Td>
                    <Table.Td>
                      {permissions.can('members', 'delete') ? (
                        <Tooltip label="Remove from project">
                          <ActionIcon variant="subtle" color="red" aria-label={`Remove ${membership.user.email}`} onClick={() => setRemoving({ kind: 'user', id: membership.id, label: membership.user.email })}>
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
        </Paper>
        <Paper withBorder radius="md" p="md">
          <Group justify="space-between" mb="sm">
            <Title order={2} size="h5">
              Machine identities
            </Title>
            {permissions.can('members', 'create') ? (
              <Button size="xs" variant="light" leftSection={<IconPlus size={14} />} onClick={() => setAdding('identity')}>
                Add machine identity
              </Button>
            ) : null}
          </Group>
          {identityMembers.isPending ? (
            <LoadingState minHeight={80} />
          ) : identityMembers.isError ? (
            <ErrorState error={identityMembers.error} title="Could not load the machine identities" />
          ) : identityMembers.data.length === 0 ? (
            <Text size="sm" c="dimmed">
              No machine identity has access. Add one so CI jobs and applications can read this project's secrets.
            </Text>
          ) : (
            <Table verticalSpacing="sm" aria-label="Project machine identities">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Role</Table.Th>
                  <Table.Th>Added</Table.Th>
                  <Table.Th w={48}>
                    <span className="visually-hidden">Actions</span>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {identityMembers.data.map((membership) => (
                  <Table.Tr key={membership.id}>
                    <Table.Td>
                      <Text size="sm">{membership.identity.name}</Text>
                    </Table.Td>
                    <Table.Td>{roleCell('identity', membership.identityId, membership.roles, membership.identity.name)}</Table.Td>
                    <Table.Td>
                      <Text size="sm">{formatLocalDate(membership.createdAt)}</Text>
                    </Table.Td>
                    <Table.Td>
                      {permissions.can('members', 'delete') ? (
                        <Tooltip label="Remove from project">
                          <ActionIcon
                            variant="subtle"
                            color="red"
                            aria-label={`Remove ${membership.identity.name}`}
                            onClick={() => setRemoving({ kind: 'identity', id: membership.identityId, label: membership.identity.name })}
                          >
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
        </Paper>
      </Stack>
      <AddMemberModal projectId={projectId} target={adding} onClose={() => setAdding(null)} existing={adding === 'identity' ? existingIdentities : existingUsers} />
      <ConfirmModal
        opened={removing !== null}
        onClose={() => setRemoving(null)}
        onConfirm={() => removing && remove.mutate(removing)}
        title="Remove from project"
        confirmLabel="Remove"
        loading={remove.isPending}
      >
        <Text size="sm">
          <strong>{removing?.label}</strong> loses access to this project's secrets and rotations.
        </Text>
      </ConfirmModal>
    </>
  );
}
