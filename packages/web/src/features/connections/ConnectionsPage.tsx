import { ActionIcon, Badge, Button, Card, Group, Menu, Modal, Paper, SimpleGrid, Table, Text, Tooltip, UnstyledButton } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client';
import { keys, useAzureConnections, useConnectionOptions } from '../../api/queries';
import type { AppConnection } from '../../api/types';
import { ConfirmModal } from '../../components/ConfirmModal';
import { CopyValueButton } from '../../components/CopyValueButton';
import { AzureLogo, IconDots, IconPencil, IconPlug, IconPlus, IconTrash } from '../../components/icons';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { notifyError, notifySuccess } from '../../lib/notify';
import { formatLocalDate } from '../../lib/time';
import { useIsOrgAdmin } from '../../session/session';
import { ConnectionFormModal, methodLabels } from './ConnectionFormModal';

/** "Add connection": pick the kind of system to connect (Azure Client Secrets for now). */
function PickAppModal({ opened, onClose, onPick }: { opened: boolean; onClose(): void; onPick(): void }) {
  const options = useConnectionOptions();
  return (
    <Modal opened={opened} onClose={onClose} title="Add connection" size="lg">
      <Text size="sm" c="dimmed" mb="md">
        Select the system to connect.
      </Text>
      {options.isPending ? (
        <LoadingState minHeight={80} />
      ) : options.isError ? (
        <ErrorState error={options.error} />
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {options.data.map((option) => (
            <UnstyledButton key={option.app} onClick={onPick} aria-label={option.name}>
              <Card withBorder padding="md" radius="md">
                <Group gap="sm" wrap="nowrap">
                  <AzureLogo size={28} />
                  <div>
                    <Text fw={600}>{option.name}</Text>
                    <Text size="xs" c="dimmed">
                      {option.methods.map((method) => methodLabels[method]).join(' · ')}
                    </Text>
                  </div>
                </Group>
              </Card>
            </UnstyledButton>
          ))}
        </SimpleGrid>
      )}
    </Modal>
  );
}

function ConnectionRow({ connection, canManage, onEdit, onDelete }: { connection: AppConnection; canManage: boolean; onEdit(): void; onDelete(): void }) {
  return (
    <Table.Tr>
      <Table.Td>
        <Group gap="sm" wrap="nowrap">
          <AzureLogo size={18} />
          <div>
            <Text fw={500} size="sm">
              {connection.name}
            </Text>
            {connection.description ? (
              <Text size="xs" c="dimmed" lineClamp={1}>
                {connection.description}
              </Text>
            ) : null}
          </div>
        </Group>
      </Table.Td>
      <Table.Td>
        <Badge variant="light" color="gray">
          {methodLabels[connection.method]}
        </Badge>
      </Table.Td>
      <Table.Td>
        <Group gap={4} wrap="nowrap">
          <Text className="mono" size="xs">
            {connection.credentials.tenantId}
          </Text>
          <CopyValueButton value={connection.credentials.tenantId} label="Copy tenant ID" />
        </Group>
      </Table.Td>
      <Table.Td>
        <Text className="mono" size="xs">
          {connection.credentials.clientId ?? '—'}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{formatLocalDate(connection.createdAt)}</Text>
      </Table.Td>
      <Table.Td>
        {canManage ? (
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <Tooltip label="Connection actions">
                <ActionIcon variant="subtle" color="gray" aria-label={`Actions for connection ${connection.name}`}>
                  <IconDots />
                </ActionIcon>
              </Tooltip>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item leftSection={<IconPencil size={16} />} onClick={onEdit}>
                Edit
              </Menu.Item>
              <Menu.Item leftSection={<IconTrash size={16} />} color="red" onClick={onDelete}>
                Delete
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        ) : null}
      </Table.Td>
    </Table.Tr>
  );
}

export function ConnectionsPage() {
  const connections = useAzureConnections();
  const canManage = useIsOrgAdmin();
  const [picking, setPicking] = useState(false);
  const [form, setForm] = useState<{ opened: boolean; connection: AppConnection | null }>({ opened: false, connection: null });
  const [deleting, setDeleting] = useState<AppConnection | null>(null);
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: (connection: AppConnection) => api('delete', '/api/v1/app-connections/azure-client-secrets/{connectionId}', { params: { connectionId: connection.id } }),
    onSuccess: async ({ appConnection }) => {
      await queryClient.invalidateQueries({ queryKey: keys.connections });
      notifySuccess(`Deleted connection ${appConnection.name}`);
      setDeleting(null);
    },
    onError: (error) => notifyError('Failed to delete connection', error),
  });

  const addButton = canManage ? (
    <Button leftSection={<IconPlus size={16} />} onClick={() => setPicking(true)}>
      Add connection
    </Button>
  ) : null;

  return (
    <>
      <PageHeader
        title="App Connections"
        description="Connections let Rekey act on external systems. An Azure connection signs in to your Entra ID tenant to add and remove application client secrets."
        actions={addButton}
      />
      {connections.isPending ? (
        <LoadingState label="Loading connections…" />
      ) : connections.isError ? (
        <ErrorState error={connections.error} onRetry={() => void connections.refetch()} />
      ) : connections.data.length === 0 ? (
        <EmptyState
          icon={<IconPlug />}
          title="No connections yet"
          description="Add an Azure Client Secrets connection to rotate your applications' client secrets automatically."
          action={addButton}
        />
      ) : (
        <Paper withBorder radius="md">
          <Table.ScrollContainer minWidth={760}>
            <Table verticalSpacing="sm" highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Method</Table.Th>
                  <Table.Th>Tenant ID</Table.Th>
                  <Table.Th>Client ID</Table.Th>
                  <Table.Th>Created</Table.Th>
                  <Table.Th w={48}>
                    <span className="visually-hidden">Actions</span>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {connections.data.map((connection) => (
                  <ConnectionRow
                    key={connection.id}
                    connection={connection}
                    canManage={canManage}
                    onEdit={() => setForm({ opened: true, connection })}
                    onDelete={() => setDeleting(connection)}
                  />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
      <PickAppModal
        opened={picking}
        onClose={() => setPicking(false)}
        onPick={() => {
          setPicking(false);
          setForm({ opened: true, connection: null });
        }}
      />
      <ConnectionFormModal opened={form.opened} connection={form.connection} onClose={() => setForm({ opened: false, connection: null })} />
      <ConfirmModal
        opened={deleting !== null}
        onClose={() => setDeleting(null)}
        onConfirm={() => deleting && remove.mutate(deleting)}
        title="Delete connection"
        confirmLabel="Delete connection"
        loading={remove.isPending}
        typeToConfirm={deleting?.name}
      >
        <Text size="sm">
          Rekey forgets the credentials of <strong>{deleting?.name}</strong>. Nothing changes in Azure. A connection that secret rotations still use cannot be
          deleted: delete those rotations first.
        </Text>
      </ConfirmModal>
    </>
  );
}
