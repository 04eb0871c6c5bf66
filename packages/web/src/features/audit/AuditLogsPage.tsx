import { ActionIcon, Badge, Button, Code, Collapse, Group, Paper, Select, Stack, Table, Text, TextInput, Tooltip } from '@mantine/core';
import { DatePickerInput, type DatesRangeValue } from '@mantine/dates';
import '@mantine/dates/styles.css';
import { useQuery } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { api } from '../../api/client';
import { keys, useProjects } from '../../api/queries';
import type { AuditLogEntry } from '../../api/types';
import { IconChevronDown, IconChevronRight, IconList, IconSearch } from '../../components/icons';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { formatLocalDateTime } from '../../lib/time';

const pageSize = 25;

const eventGroups = [
  { value: '', label: 'All events' },
  {
    value: 'create-secret-rotation,update-secret-rotation,delete-secret-rotation,secret-rotation-rotate-secrets,secret-rotation-rollback,secret-rotation-revoke-credential',
    label: 'Secret rotations',
  },
  { value: 'secret-rotation-rotate-secrets', label: 'Rotation attempts' },
  { value: 'get-secret-rotation-generated-credentials', label: 'Generated credentials viewed' },
  { value: 'create-app-connection,update-app-connection,delete-app-connection', label: 'App connections' },
  { value: 'create-secret,create-secrets,update-secret,update-secrets,delete-secret,delete-secrets,restore-secret-version', label: 'Secret changes' },
  { value: 'get-secrets,get-secret,get-secret-versions', label: 'Secret reads' },
  { value: 'login,logout,change-password,refresh-token-reuse-detected', label: 'Sign-ins and sessions' },
  {
    value: 'invite-org-member,accept-org-invitation,update-org-membership,remove-org-member,create-identity,update-identity,delete-identity',
    label: 'Members and identities',
  },
];

type Filters = { projectId: string | null; eventType: string; actorType: string | null; range: DatesRangeValue<string> };

function toIso(date: string | null, endOfDay: boolean): string | undefined {
  if (!date) return undefined;
  const [year, month, day] = date.split('-').map(Number);
  if (!year || !month || !day) return undefined;
  const local = endOfDay ? new Date(year, month - 1, day, 23, 59, 59, 999) : new Date(year, month - 1, day, 0, 0, 0, 0);
  return local.toISOString();
}

function actorLabel(entry: AuditLogEntry): string {
  const metadata = entry.actor.metadata;
  const pick = (name: string) => (typeof metadata[name] === 'string' ? (metadata[name] as string) : undefined);
  if (entry.actor.type === 'system') return 'Rekey';
  return pick('email') ?? pick('name') ?? pick('identityId') ?? pick('userId') ?? entry.actor.type;
}

function AuditRow({ entry, projectName }: { entry: AuditLogEntry; projectName: string | undefined }) {
  const [open, setOpen] = useState(false);
  const detailsId = `audit-${entry.id}`;
  return (
    <Fragment>
      <Table.Tr>
        <Table.Td w={36}>
          <Tooltip label={open ? 'Hide details' : 'Show details'}>
            <ActionIcon variant="subtle" color="gray" size="sm" onClick={() => setOpen((current) => !current)} aria-expanded={open} aria-controls={detailsId} aria-label={`Details of ${entry.event.type}`}>
              {open ? <IconChevronDown size={14} /> : <IconChevronRight size={14} />}
            </ActionIcon>
          </Tooltip>
        </Table.Td>
        <Table.Td style={{ whiteSpace: 'nowrap' }}>
          <Text size="sm">{formatLocalDateTime(entry.createdAt)}</Text>
        </Table.Td>
        <Table.Td>
          <Badge variant="light" color={entry.event.type.includes('delete') ? 'red' : entry.event.type.startsWith('get') ? 'gray' : 'indigo'} styles={{ label: { textTransform: 'none' } }}>
            {entry.event.type}
          </Badge>
        </Table.Td>
        <Table.Td>
          <Text size="sm">{actorLabel(entry)}</Text>
          <Text size="xs" c="dimmed">
            {entry.actor.type}
          </Text>
        </Table.Td>
        <Table.Td>
          <Text size="sm">{entry.projectId ? (projectName ?? entry.projectId.slice(0, 8)) : '—'}</Text>
        </Table.Td>
        <Table.Td>
          <Text size="xs" c="dimmed">
            {entry.ipAddress ?? '—'}
          </Text>
        </Table.Td>
      </Table.Tr>
      <Table.Tr id={detailsId} style={{ display: open ? undefined : 'none' }}>
        <Table.Td colSpan={6} bg="gray.0">
          <Collapse expanded={open}>
            <Stack gap={4} py="xs">
              {entry.resourceType ? (
                <Text size="xs">
                  Resource: {entry.resourceType} <span className="mono">{entry.resourceId}</span>
                </Text>
              ) : null}
              {entry.userAgent ? (
                <Text size="xs" c="dimmed">
                  {entry.userAgent}
                </Text>
              ) : null}
              <Code block>{JSON.stringify(entry.event.metadata, null, 2)}</Code>
            </Stack>
          </Collapse>
        </Table.Td>
      </Table.Tr>
    </Fragment>
  );
}

/** Who did what, when and from where: newest first, filterable, paged. Values are never logged. */
export function AuditLogsPage() {
  const projects = useProjects();
  const [filters, setFilters] = useState<Filters>({ projectId: null, eventType: '', actorType: null, range: [null, null] });
  const [customEvent, setCustomEvent] = useState('');
  const [page, setPage] = useState(0);
  const eventType = customEvent.trim() || filters.eventType;
  const query = {
    ...(eventType ? { eventType } : {}),
    ...(filters.actorType ? { actorType: filters.actorType as 'user' | 'identity' | 'system' } : {}),
    ...(toIso(filters.range[0], false) ? { startDate: toIso(filters.range[0], false) } : {}),
    ...(toIso(filters.range[1], true) ? { endDate: toIso(filters.range[1], true) } : {}),
    offset: page * pageSize,
    limit: pageSize,
  };
  const logs = useQuery({
    queryKey: [...keys.auditLogs, filters.projectId, query],
    queryFn: async () =>
      filters.projectId
        ? (await api('get', '/api/v1/workspace/{projectId}/audit-logs', { params: { projectId: filters.projectId }, query })).auditLogs
        : (await api('get', '/api/v1/organization/audit-logs', { query })).auditLogs,
    placeholderData: (previous) => previous,
  });
  const update = (patch: Partial<Filters>) => {
    setFilters((current) => ({ ...current, ...patch }));
    setPage(0);
  };
  const projectNames = new Map((projects.data ?? []).map((project) => [project.id, project.name]));
  const rows = logs.data ?? [];

  return (
    <>
      <PageHeader title="Audit Logs" description="Every change, every read of secret values and every rotation attempt, with who did it and from where. Secret values are never recorded." />
      <Paper withBorder radius="md" p="sm" mb="md">
        <Group gap="sm" align="flex-end" wrap="wrap">
          <Select
            label="Project"
            placeholder="All projects"
            data={(projects.data ?? []).map((project) => ({ value: project.id, label: project.name }))}
            value={filters.projectId}
            onChange={(projectId) => update({ projectId })}
            clearable
            w={200}
          />
          <Select label="Events" data={eventGroups} value={filters.eventType} onChange={(value) => update({ eventType: value ?? '' })} allowDeselect={false} w={230} />
          <TextInput
            label="Event type"
            placeholder="e.g. create-secret"
            leftSection={<IconSearch size={14} />}
            value={customEvent}
            onChange={(event) => {
              setCustomEvent(event.currentTarget.value);
              setPage(0);
            }}
            w={200}
          />
          <Select
            label="Actor"
            placeholder="Anyone"
            data={[
              { value: 'user', label: 'Users' },
              { value: 'identity', label: 'Machine identities' },
              { value: 'system', label: 'Rekey (scheduler)' },
            ]}
            value={filters.actorType}
            onChange={(actorType) => update({ actorType })}
            clearable
            w={180}
          />
          <DatePickerInput type="range" label="Dates" placeholder="Any time" value={filters.range} onChange={(range) => update({ range: range as DatesRangeValue<string> })} clearable w={240} />
        </Group>
      </Paper>
      {logs.isPending ? (
        <LoadingState label="Loading audit logs…" />
      ) : logs.isError ? (
        <ErrorState error={logs.error} onRetry={() => void logs.refetch()} />
      ) : rows.length === 0 && page === 0 ? (
        <EmptyState icon={<IconList />} title="No events" description="Nothing matches these filters." />
      ) : (
        <Paper withBorder radius="md">
          <Table.ScrollContainer minWidth={760}>
            <Table verticalSpacing="xs" aria-label="Audit log">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>
                    <span className="visually-hidden">Details</span>
                  </Table.Th>
                  <Table.Th>Time</Table.Th>
                  <Table.Th>Event</Table.Th>
                  <Table.Th>Actor</Table.Th>
                  <Table.Th>Project</Table.Th>
                  <Table.Th>IP address</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((entry) => (
                  <AuditRow key={entry.id} entry={entry} projectName={entry.projectId ? projectNames.get(entry.projectId) : undefined} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Group justify="space-between" p="sm">
            <Text size="xs" c="dimmed">
              {rows.length === 0 ? 'No more events' : `Events ${page * pageSize + 1}–${page * pageSize + rows.length}`}
            </Text>
            <Group gap="xs">
              <Button size="xs" variant="default" disabled={page === 0 || logs.isFetching} onClick={() => setPage((current) => Math.max(0, current - 1))}>
                Newer
              </Button>
              <Button size="xs" variant="default" disabled={rows.length < pageSize || logs.isFetching} onClick={() => setPage((current) => current + 1)}>
                Older
              </Button>
            </Group>
          </Group>
        </Paper>
      )}
    </>
  );
}
