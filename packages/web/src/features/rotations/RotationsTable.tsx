import { ActionIcon, Anchor, Badge, Group, Menu, Paper, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import type { SecretRotation } from '../../api/types';
import { IconDots, IconEye, IconHistory, IconInfo, IconPencil, IconRotate, IconTrash } from '../../components/icons';
import { formatLocalDateTime } from '../../lib/time';
import { DeleteRotationModal, GeneratedCredentialsModal, HistoryDrawer, RotateModal } from './RotationModals';
import { FailureDetails, ProviderBadge, RotationStatusBadge } from './RotationStatusBadge';

export type RotationPermissions = { canReadCredentials: boolean; canRotate: boolean; canEdit: boolean; canDelete: boolean };

type Dialog = 'credentials' | 'rotate' | 'delete' | 'history' | null;

/** The row menu; items the person may not use are left out entirely. */
export function RotationActionsMenu({
  rotation,
  permissions,
  onOpen,
}: {
  rotation: SecretRotation;
  permissions: RotationPermissions;
  onOpen(dialog: Exclude<Dialog, null> | 'edit'): void;
}) {
  return (
    <Menu position="bottom-end" withinPortal shadow="md" width={240}>
      <Menu.Target>
        <Tooltip label="Rotation actions">
          <ActionIcon variant="subtle" color="gray" aria-label={`Actions for rotation ${rotation.name}`}>
            <IconDots />
          </ActionIcon>
        </Tooltip>
      </Menu.Target>
      <Menu.Dropdown>
        {permissions.canReadCredentials ? (
          <Menu.Item leftSection={<IconEye size={16} />} onClick={() => onOpen('credentials')}>
            View Generated Credentials
          </Menu.Item>
        ) : null}
        {permissions.canRotate ? (
          <Menu.Item leftSection={<IconRotate size={16} />} onClick={() => onOpen('rotate')}>
            Rotate Now
          </Menu.Item>
        ) : null}
        <Menu.Item leftSection={<IconHistory size={16} />} onClick={() => onOpen('history')}>
          History
        </Menu.Item>
        {permissions.canEdit ? (
          <Menu.Item leftSection={<IconPencil size={16} />} onClick={() => onOpen('edit')}>
            Edit
          </Menu.Item>
        ) : null}
        {permissions.canDelete ? (
          <>
            <Menu.Divider />
            <Menu.Item leftSection={<IconTrash size={16} />} color="red" onClick={() => onOpen('delete')}>
              Delete
            </Menu.Item>
          </>
        ) : null}
      </Menu.Dropdown>
    </Menu>
  );
}

/** Holds the dialogs a rotation's actions open, so rows and the rotation page share them. */
export function useRotationDialogs(onEdit: (rotation: SecretRotation) => void, onDeleted?: () => void) {
  const [open, setOpen] = useState<{ dialog: Dialog; rotation: SecretRotation | null }>({ dialog: null, rotation: null });
  const close = () => setOpen({ dialog: null, rotation: null });
  const openFor = (rotation: SecretRotation) => (dialog: Exclude<Dialog, null> | 'edit') => {
    if (dialog === 'edit') onEdit(rotation);
    else setOpen({ dialog, rotation });
  };
  const pick = (dialog: Dialog) => (open.dialog === dialog ? open.rotation : null);
  const dialogs = (
    <>
      <GeneratedCredentialsModal rotation={pick('credentials')} onClose={close} />
      <RotateModal rotation={pick('rotate')} onClose={close} />
      <DeleteRotationModal rotation={pick('delete')} onClose={close} {...(onDeleted ? { onDeleted } : {})} />
      <HistoryDrawer rotation={pick('history')} onClose={close} />
    </>
  );
  return { openFor, dialogs };
}

function RotationRow({
  rotation,
  projectId,
  permissions,
  highlighted,
  onOpen,
}: {
  rotation: SecretRotation;
  projectId: string;
  permissions: RotationPermissions;
  highlighted: boolean;
  onOpen(dialog: Exclude<Dialog, null> | 'edit'): void;
}) {
  const ref = useRef<HTMLTableRowElement>(null);
  useEffect(() => {
    if (highlighted) ref.current?.scrollIntoView({ block: 'center', behavior: 'smooth' });
  }, [highlighted]);
  return (
    <Table.Tr ref={ref} className={highlighted ? 'row-highlight' : undefined} data-testid={`rotation-row-${rotation.name}`}>
      <Table.Td>
        <Group gap={8} wrap="nowrap">
          <span style={{ display: 'inline-flex', color: 'var(--mantine-color-indigo-6)' }}>
            <IconRotate size={18} />
          </span>
          <Stack gap={2} style={{ minWidth: 0 }}>
            <Group gap={4} wrap="nowrap">
              <Anchor component={Link} to={`/projects/${projectId}/rotations/${rotation.id}`} fw={600} size="sm">
                {rotation.name}
              </Anchor>
              {rotation.description ? (
                <Tooltip label={rotation.description} multiline w={280}>
                  <ActionIcon variant="transparent" color="gray" size="xs" aria-label={`Description: ${rotation.description}`}>
                    <IconInfo size={14} />
                  </ActionIcon>
                </Tooltip>
              ) : null}
            </Group>
            <Group gap={4}>
              {Object.values(rotation.secretsMapping).map((name) => (
                <Badge key={name} size="xs" variant="light" color="gray" className="mono" styles={{ label: { textTransform: 'none' } }}>
                  {name}
                </Badge>
              ))}
            </Group>
          </Stack>
        </Group>
      </Table.Td>
      <Table.Td>
        <ProviderBadge type={rotation.type} />
      </Table.Td>
      <Table.Td>
        <Stack gap={4}>
          <RotationStatusBadge rotation={rotation} />
          <FailureDetails rotation={rotation} />
        </Stack>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{rotation.isAutoRotationEnabled && rotation.nextRotationAt ? formatLocalDateTime(rotation.nextRotationAt) : '—'}</Text>
        <Text size="xs" c="dimmed">
          every {rotation.rotationInterval} day{rotation.rotationInterval === 1 ? '' : 's'}
        </Text>
      </Table.Td>
      <Table.Td>
        <RotationActionsMenu rotation={rotation} permissions={permissions} onOpen={onOpen} />
      </Table.Td>
    </Table.Tr>
  );
}

type RotationsTableProps = {
  rotations: SecretRotation[];
  projectId: string;
  permissions: RotationPermissions;
  highlightId: string | null;
  onEdit(rotation: SecretRotation): void;
};

/** The folder's secret rotations: provider, status, next rotation (local time) and actions. */
export function RotationsTable({ rotations, projectId, permissions, highlightId, onEdit }: RotationsTableProps) {
  const { openFor, dialogs } = useRotationDialogs(onEdit);
  return (
    <Paper withBorder radius="md" mb="lg">
      <Group px="md" pt="md" pb="xs" justify="space-between">
        <Title order={2} size="h5">
          Secret rotations
        </Title>
        <Text size="xs" c="dimmed">
          Times are shown in your local time zone
        </Text>
      </Group>
      <Table.ScrollContainer minWidth={760}>
        <Table verticalSpacing="sm" aria-label="Secret rotations">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Rotation</Table.Th>
              <Table.Th w={190}>Provider</Table.Th>
              <Table.Th w={200}>Status</Table.Th>
              <Table.Th w={210}>Next rotation</Table.Th>
              <Table.Th w={48}>
                <span className="visually-hidden">Actions</span>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rotations.map((rotation) => (
              <RotationRow
                key={rotation.id}
                rotation={rotation}
                projectId={projectId}
                permissions={permissions}
                highlighted={rotation.id === highlightId}
                onOpen={openFor(rotation)}
              />
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {dialogs}
    </Paper>
  );
}
