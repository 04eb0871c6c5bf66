import { ActionIcon, Alert, Badge, Button, Group, Modal, Paper, Select, Stack, Table, TagsInput, Text, Tooltip } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../../api/client';
import { keys, useOrgMembers } from '../../api/queries';
import type { OrgMembership } from '../../api/types';
import { ConfirmModal } from '../../components/ConfirmModal';
import { CopyValueButton } from '../../components/CopyValueButton';
import { IconInfo, IconPlus, IconTrash, IconUsers } from '../../components/icons';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { notifyError, notifySuccess } from '../../lib/notify';
import { formatLocalDate } from '../../lib/time';
import { useIsOrgAdmin, useMe } from '../../session/session';

const orgRoles = [
  { value: 'admin', label: 'Admin' },
  { value: 'member', label: 'Member' },
  { value: 'no-access', label: 'No Access' },
];

type InviteLink = { email: string; link: string };

function InviteModal({ opened, onClose }: { opened: boolean; onClose(): void }) {
  const me = useMe();
  const [emails, setEmails] = useState<string[]>([]);
  const [role, setRole] = useState<string | null>('member');
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<{ message: string; links: InviteLink[] } | null>(null);
  const queryClient = useQueryClient();
  const invite = useMutation({
    mutationFn: () =>
      api('post', '/api/v1/invite-org/signup', {
        body: { inviteeEmails: emails, organizationId: me.organization.id, organizationRoleSlug: (role ?? 'member') as 'admin' | 'member' | 'no-access' },
      }),
    onSuccess: async (response) => {
      setResult({ message: response.message, links: response.completeInviteLinks });
      await queryClient.invalidateQueries({ queryKey: keys.orgMembers(me.organization.id) });
    },
    onError: (caught) => {
      if (caught instanceof ApiError && caught.status === 400) setError(caught.message);
      else notifyError('Failed to invite', caught);
    },
  });
  const close = () => {
    setEmails([]);
    setRole('member');
    setError(null);
    setResult(null);
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const bad = emails.find((email) => !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email));
    if (emails.length === 0) setError('Enter at least one email address');
    else if (bad) setError(`${bad} is not an email address`);
    else invite.mutate();
  };
  return (
    <Modal opened={opened} onClose={close} title="Invite members" size="lg">
      {result ? (
        <Stack gap="sm">
          <Alert color="teal" variant="light" icon={<IconInfo />}>
            {result.message}
          </Alert>
          <Text size="sm">Each link works once and expires in 7 days. Send it to the person over a channel you trust.</Text>
          {result.links.map((link) => (
            <Paper key={link.email} withBorder p="xs" radius="md">
              <Group justify="space-between" wrap="nowrap">
                <Stack gap={0} style={{ minWidth: 0 }}>
                  <Text size="sm" fw={500}>
                    {link.email}
                  </Text>
                  <Text size="xs" c="dimmed" truncate data-testid="invite-link">
                    {link.link}
                  </Text>
                </Stack>
                <CopyValueButton value={link.link} label={`Copy invitation link for ${link.email}`} />
              </Group>
            </Paper>
          ))}
          <Group justify="flex-end">
            <Button onClick={close}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack gap="sm">
            <TagsInput
              label="Email addresses"
              description="Press Enter after each address"
              placeholder="name@example.com"
              value={emails}
              onChange={(value) => {
                setEmails(value.map((email) => email.trim()).filter(Boolean));
                setError(null);
              }}
              error={error}
              splitChars={[',', ' ', ';']}
              acceptValueOnBlur
              data-autofocus
            />
            <Select label="Organization role" data={orgRoles} value={role} onChange={setRole} allowDeselect={false} description="Members see only the projects they are added to." />
            <Group justify="flex-end" mt="xs">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={invite.isPending}>
                Invite
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

export function MembersPage() {
  const me = useMe();
  const isAdmin = useIsOrgAdmin();
  const members = useOrgMembers(me.organization.id);
  const [inviting, setInviting] = useState(false);
  const [removing, setRemoving] = useState<OrgMembership | null>(null);
  const queryClient = useQueryClient();
  const invalidate = () => queryClient.invalidateQueries({ queryKey: keys.orgMembers(me.organization.id) });
  const changeRole = useMutation({
    mutationFn: (input: { membershipId: string; role: 'admin' | 'member' | 'no-access' }) =>
      api('patch', '/api/v2/organizations/{organizationId}/memberships/{membershipId}', {
        params: { organizationId: me.organization.id, membershipId: input.membershipId },
        body: { role: input.role },
      }),
    onSuccess: async ({ membership }) => {
      notifySuccess(`${membership.user.email} is now ${membership.role}`);
      await invalidate();
    },
    onError: (error) => notifyError('Failed to change the role', error),
  });
  const remove = useMutation({
    mutationFn: (membership: OrgMembership) =>
      api('delete', '/api/v2/organizations/{organizationId}/memberships/{membershipId}', { params: { organizationId: me.organization.id, membershipId: membership.id } }),
    onSuccess: async ({ membership }) => {
      notifySuccess(`Removed ${membership.user.email} from the organization`);
      setRemoving(null);
      await invalidate();
    },
    onError: (error) => notifyError('Failed to remove the member', error),
  });

  const inviteButton = isAdmin ? (
    <Button leftSection={<IconPlus size={16} />} onClick={() => setInviting(true)}>
      Invite members
    </Button>
  ) : null;

  return (
    <>
      <PageHeader title="Members" description="People in this organization and their organization roles. Project access is granted per project." actions={inviteButton} />
      {members.isPending ? (
        <LoadingState label="Loading members…" />
      ) : members.isError ? (
        <ErrorState error={members.error} onRetry={() => void members.refetch()} />
      ) : members.data.length === 0 ? (
        <EmptyState icon={<IconUsers />} title="No members" action={inviteButton} />
      ) : (
        <Paper withBorder radius="md">
          <Table.ScrollContainer minWidth={640}>
            <Table verticalSpacing="sm" aria-label="Organization members">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Member</Table.Th>
                  <Table.Th>Role</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Since</Table.Th>
                  <Table.Th w={48}>
                    <span className="visually-hidden">Actions</span>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {members.data.map((membership) => {
                  const isSelf = membership.user.id === me.user.id;
                  const name = [membership.user.firstName, membership.user.lastName].filter(Boolean).join(' ');
                  return (
                    <Table.Tr key={membership.id}>
                      <Table.Td>
                        <Text size="sm" fw={500}>
                          {membership.user.email}
                          {isSelf ? (
                            <Text span size="xs" c="dimmed">
                              {' '}
                              (you)
                            </Text>
                          ) : null}
                        </Text>
                        {name ? (
                          <Text size="xs" c="dimmed">
                            {name}
                          </Text>
                        ) : null}
                      </Table.Td>
                      <Table.Td>
                        {isAdmin && !isSelf ? (
                          <Select
                            aria-label={`Organization role of ${membership.user.email}`}
                            data={orgRoles}
                            value={membership.role}
                            onChange={(role) =>
                              role && role !== membership.role && changeRole.mutate({ membershipId: membership.id, role: role as 'admin' | 'member' | 'no-access' })
                            }
                            allowDeselect={false}
                            size="xs"
                            w={140}
                          />
                        ) : (
                          <Badge variant="light">{membership.role}</Badge>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Badge variant="dot" color={membership.status === 'accepted' ? 'teal' : 'yellow'}>
                          {membership.status === 'accepted' ? 'Active' : 'Invited'}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{formatLocalDate(membership.createdAt)}</Text>
                      </Table.Td>
                      <Table.Td>
                        {isAdmin && !isSelf ? (
                          <Tooltip label="Remove from organization">
                            <ActionIcon variant="subtle" color="red" aria-label={`Remove ${membership.user.email}`} onClick={() => setRemoving(membership)}>
                              <IconTrash size={16} />
                            </ActionIcon>
                          </Tooltip>
                        ) : null}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
      <InviteModal opened={inviting} onClose={() => setInviting(false)} />
      <ConfirmModal
        opened={removing !== null}
        onClose={() => setRemoving(null)}
        onConfirm={() => removing && remove.mutate(removing)}
        title="Remove member"
        confirmLabel="Remove member"
        loading={remove.isPending}
      >
        <Text size="sm">
          <strong>{removing?.user.email}</strong> loses access to the organization and all its projects, and their sessions end.
        </Text>
      </ConfirmModal>
    </>
  );
}
