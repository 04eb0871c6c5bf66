import { Alert, Anchor, Badge, Breadcrumbs, Button, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useProject, useRotation } from '../../api/queries';
import type { SecretRotation } from '../../api/types';
import { IconAlert, IconEye, IconPencil, IconRotate, IconTrash } from '../../components/icons';
import { useDocumentTitle } from '../../components/PageHeader';
import { ErrorState, LoadingState } from '../../components/states';
import { useProjectPermissions } from '../../lib/permissions';
import { formatLocalDateTime, formatTimeOfDay, zoneLabel } from '../../lib/time';
import { RotationHistory } from './RotationModals';
import { readableMessage } from '../../lib/rotation-status';
import { ProviderBadge, RotationStatusBadge } from './RotationStatusBadge';
import { RotationWizard } from './RotationWizard';
import { useRotationDialogs } from './RotationsTable';

function Facts({ title, rows }: { title: string; rows: Array<[string, ReactNode]> }) {
  return (
    <Paper withBorder radius="md" p="md">
      <Title order={2} size="h5" mb="sm">
        {title}
      </Title>
      <Table variant="vertical" fz="sm" withRowBorders={false} verticalSpacing={4}>
        <Table.Tbody>
          {rows.map(([label, value]) => (
            <Table.Tr key={label}>
              <Table.Th w={112} bg="transparent" fw={500} c="dimmed" style={{ verticalAlign: 'top' }}>
                {label}
              </Table.Th>
              <Table.Td style={{ wordBreak: 'break-word' }}>{value}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}

function scheduleText(rotation: SecretRotation): string {
  return `${formatTimeOfDay(rotation.rotateAt)} ${zoneLabel(rotation.rotateAt.timeZone)}`;
}

/** One rotation: configuration, status, mapped secrets, actions and the history of every attempt. */
export function RotationPage() {
  const { projectId = '', rotationId = '' } = useParams();
  const rotation = useRotation(rotationId);
  const project = useProject(projectId);
  const permissions = useProjectPermissions(projectId);
  const navigate = useNavigate();
  const [editing, setEditing] = useState<SecretRotation | null>(null);
  useDocumentTitle(rotation.data ? `${rotation.data.name} · Secret rotation` : 'Secret rotation');
  const { openFor, dialogs } = useRotationDialogs(setEditing, () => navigate(`/projects/${projectId}`));

  if (rotation.isPending) return <LoadingState label="Loading rotation…" />;
  if (rotation.isError) return <ErrorState error={rotation.error} title="Could not load this rotation" onRetry={() => void rotation.refetch()} />;
  const data = rotation.data;
  const open = openFor(data);
  const parameters = data.parameters as { objectId?: string; clientId?: string; appName?: string };
  const dashboardLink = `/projects/${projectId}/secrets/${data.environment.slug}${data.secretPath !== '/' ? `?path=${encodeURIComponent(data.secretPath)}&` : '?'}rotation=${data.id}`;
  const can = permissions.can;

  return (
    <>
      <Stack gap={4} mb="lg">
        <Breadcrumbs separator="›">
          <Anchor component={Link} to="/organization/projects" size="sm">
            Projects
          </Anchor>
          <Anchor component={Link} to={dashboardLink} size="sm">
            {project.data?.name ?? 'Project'}
          </Anchor>
          <Text size="sm">{data.name}</Text>
        </Breadcrumbs>
        <Group justify="space-between" align="flex-start">
          <Stack gap={6}>
            <Group gap="sm">
              <Title order={1} size="h2">
                {data.name}
              </Title>
              <ProviderBadge type={data.type} />
              <RotationStatusBadge rotation={data} />
            </Group>
            <Text size="sm" c="dimmed">
              {data.description || 'No description'}
            </Text>
          </Stack>
          <Group gap="sm">
            {can('secret-rotations', 'read-generated-credentials') ? (
              <Button variant="default" leftSection={<IconEye size={16} />} onClick={() => open('credentials')}>
                View Generated Credentials
              </Button>
            ) : null}
            {can('secret-rotations', 'rotate-secrets') ? (
              <Button leftSection={<IconRotate size={16} />} onClick={() => open('rotate')}>
                Rotate Now
              </Button>
            ) : null}
            {can('secret-rotations', 'edit') ? (
              <Button variant="default" leftSection={<IconPencil size={16} />} onClick={() => open('edit')}>
                Edit
              </Button>
            ) : null}
            {can('secret-rotations', 'delete') ? (
              <Button variant="light" color="red" leftSection={<IconTrash size={16} />} onClick={() => open('delete')}>
                Delete
              </Button>
            ) : null}
          </Group>
        </Group>
      </Stack>

      {data.rotationStatus === 'failed' ? (
        <Alert color="red" variant="light" icon={<IconAlert />} title="Rotation Failed" mb="lg" role="alert">
          <Stack gap={4}>
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
              {data.lastRotationMessage ? readableMessage(data.lastRotationMessage) : 'The last attempt failed without a message.'}
            </Text>
            <Text size="sm" c="dimmed">
              The mapped secrets still hold the last working credential.
              {data.nextRotationAt ? ` Next rotation attempt on ${formatLocalDateTime(data.nextRotationAt)}.` : ''}
              {data.consecutiveFailures > 1 ? ` ${data.consecutiveFailures} attempts in a row have failed.` : ''}
            </Text>
          </Stack>
        </Alert>
      ) : null}

      <SimpleGrid cols={{ base: 1, md: 2, xl: 3 }} spacing="md" mb="lg">
        <Facts
          title="Schedule"
          rows={[
            ['Auto-rotation', data.isAutoRotationEnabled ? 'Enabled' : 'Disabled'],
            ['Interval', `${data.rotationInterval} day${data.rotationInterval === 1 ? '' : 's'}`],
            ['Rotate at', scheduleText(data)],
            ['Next rotation', data.isAutoRotationEnabled ? formatLocalDateTime(data.nextRotationAt) : 'Manual only'],
            ['Last rotated', formatLocalDateTime(data.lastRotatedAt)],
            ['Last attempt', formatLocalDateTime(data.lastRotationAttemptedAt)],
          ]}
        />
        <Facts
          title="Azure"
          rows={[
            ['Connection', data.connection.name],
            ['Application', parameters.appName || '—'],
            ['Client ID', <Text key="c" className="mono" size="xs">{parameters.clientId ?? '—'}</Text>],
            ['Object ID', <Text key="o" className="mono" size="xs">{parameters.objectId ?? '—'}</Text>],
          ]}
        />
        <Facts
          title="Secrets"
          rows={[
            ['Environment', data.environment.name],
            ['Folder', <span key="p" className="mono">{data.secretPath}</span>],
            ...Object.entries(data.secretsMapping).map(([credential, name]): [string, ReactNode] => [
              credential === 'clientId' ? 'Client ID' : credential === 'clientSecret' ? 'Client Secret' : credential,
              <Anchor key={name} component={Link} to={dashboardLink} className="mono" size="sm">
                {name}
              </Anchor>,
            ]),
          ]}
        />
      </SimpleGrid>

      <Paper withBorder radius="md" p="md">
        <Group justify="space-between" mb="sm">
          <Title order={2} size="h5">
            History
          </Title>
          <Badge variant="light" color="gray">
            Times in your local time zone
          </Badge>
        </Group>
        <RotationHistory rotationId={data.id} />
      </Paper>

      {dialogs}
      <RotationWizard
        opened={editing !== null}
        onClose={() => setEditing(null)}
        projectId={projectId}
        environment={data.environment.slug}
        secretPath={data.secretPath}
        rotation={editing}
      />
    </>
  );
}
