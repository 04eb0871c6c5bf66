import { ActionIcon, Alert, Badge, Button, Drawer, Group, Modal, Pagination, Paper, Stack, Switch, Table, Text, Tooltip } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import { keys } from '../../api/queries';
import type { RotationAttempt, SecretRotation } from '../../api/types';
import { ConfirmModal } from '../../components/ConfirmModal';
import { CopyValueButton } from '../../components/CopyValueButton';
import { IconEye, IconEyeOff, IconInfo } from '../../components/icons';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { notifyError, notifyInfo, notifySuccess } from '../../lib/notify';
import { formatDuration, formatLocalDateTime } from '../../lib/time';
import { readableMessage } from '../../lib/rotation-status';
import { providerNames } from './RotationStatusBadge';

function invalidateRotation(queryClient: ReturnType<typeof useQueryClient>, rotation: SecretRotation) {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: keys.rotations(rotation.projectId) }),
    queryClient.invalidateQueries({ queryKey: keys.rotation(rotation.id) }),
    queryClient.invalidateQueries({ queryKey: keys.allSecrets(rotation.projectId) }),
  ]);
}

// ---- Rotate now ------------------------------------------------------------------------------------

export function RotateModal({ rotation, onClose }: { rotation: SecretRotation | null; onClose(): void }) {
  const queryClient = useQueryClient();
  const rotate = useMutation({
    mutationFn: (target: SecretRotation) =>
      api('post', '/api/v2/secret-rotations/azure-client-secret/{rotationId}/rotate-secrets', { params: { rotationId: target.id } }),
    // The server answers once the attempt ends, or after a while with the attempt still running.
    onSuccess: async ({ secretRotation }) => {
      if (secretRotation.rotationStatus === 'failed') {
        notifyError('Failed to rotate secrets', new Error(secretRotation.lastRotationMessage ?? 'The rotation attempt failed'));
      } else if (secretRotation.rotationStatus === 'rotating') {
        notifyInfo(`Rotation of ${secretRotation.name} is still running (Azure is slow to answer); its status updates here when it ends.`, 'Rotating');
      } else {
        notifySuccess(`Rotated the secrets of ${secretRotation.name}`, 'Secrets rotated');
      }
      onClose();
      await invalidateRotation(queryClient, secretRotation);
      await queryClient.invalidateQueries({ queryKey: keys.rotationHistory(secretRotation.id) });
    },
    onError: async (error, target) => {
      notifyError('Failed to rotate secrets', error);
      await invalidateRotation(queryClient, target);
    },
  });
  return (
    <ConfirmModal
      opened={rotation !== null}
      onClose={onClose}
      onConfirm={() => rotation && rotate.mutate(rotation)}
      title="Rotate Secrets"
      confirmLabel="Rotate Secrets"
      color="indigo"
      loading={rotate.isPending}
    >
      <Stack gap="xs">
        <Text size="sm">
          Are you sure you want to rotate the secrets for this {providerNames[rotation?.type ?? ''] ?? 'secret'} Rotation <strong>{rotation?.name}</strong>?
        </Text>
        <Text size="sm" c="dimmed">
          Rekey issues a new client secret, checks that it works, then publishes it. The current secret stays valid until the next rotation, so running
          applications keep working.
        </Text>
      </Stack>
    </ConfirmModal>
  );
}

// ---- Delete ----------------------------------------------------------------------------------------

export function DeleteRotationModal({ rotation, onClose, onDeleted }: { rotation: SecretRotation | null; onClose(): void; onDeleted?(): void }) {
  const [revoke, setRevoke] = useState(false);
  const [deleteSecrets, setDeleteSecrets] = useState(false);
  const queryClient = useQueryClient();
  useEffect(() => {
    if (rotation) {
      setRevoke(false);
      setDeleteSecrets(false);
    }
  }, [rotation]);
  const remove = useMutation({
    mutationFn: (target: SecretRotation) =>
      api('delete', '/api/v2/secret-rotations/azure-client-secret/{rotationId}', {
        params: { rotationId: target.id },
        query: { revokeGeneratedCredentials: revoke ? 'true' : 'false', deleteSecrets: deleteSecrets ? 'true' : 'false' },
      }),
    onSuccess: async ({ secretRotation }) => {
      notifySuccess(`Deleted secret rotation ${secretRotation.name}`);
      onClose();
      onDeleted?.();
      await invalidateRotation(queryClient, secretRotation);
    },
    onError: (error) => notifyError('Failed to delete secret rotation', error),
  });
  return (
    <ConfirmModal
      opened={rotation !== null}
      onClose={onClose}
      onConfirm={() => rotation && remove.mutate(rotation)}
      title="Delete Secret Rotation"
      confirmLabel="Delete Secret Rotation"
      loading={remove.isPending}
      typeToConfirm={rotation?.name}
    >
      <Stack gap="md">
        <Text size="sm">
          This deletes the rotation <strong>{rotation?.name}</strong>. Choose what happens to what it created:
        </Text>
        <Switch
          label="Revoke Credentials"
          checked={revoke}
          onChange={(event) => setRevoke(event.currentTarget.checked)}
          description={
            revoke
              ? 'Generated credentials will be revoked on deletion: applications still using them stop working.'
              : 'Generated credentials will not be revoked on deletion and remain active in Azure.'
          }
        />
        <Switch
          label="Delete Secrets"
          checked={deleteSecrets}
          onChange={(event) => setDeleteSecrets(event.currentTarget.checked)}
          description={
            deleteSecrets
              ? 'Rotation secrets will be removed from your project on deletion.'
              : 'Rotation secrets will not be removed from your project on deletion; they become ordinary, editable secrets.'
          }
        />
      </Stack>
    </ConfirmModal>
  );
}

// ---- Generated credentials -------------------------------------------------------------------------

function MaskedField({ label, value }: { label: string; value: string }) {
  const [shown, setShown] = useState(false);
  return (
    <Group justify="space-between" wrap="nowrap" gap="xs">
      <Stack gap={0} style={{ minWidth: 0 }}>
        <Text size="xs" c="dimmed">
          {label}
        </Text>
        <Text className={shown ? 'secret-value' : 'masked'} size="sm" data-testid={`credential-${label}`}>
          {shown ? value : '••••••••••••••••••••'}
        </Text>
      </Stack>
      <Group gap={2} wrap="nowrap">
        <Tooltip label={shown ? `Hide ${label}` : `Reveal ${label}`}>
          <ActionIcon variant="subtle" color="gray" onClick={() => setShown((current) => !current)} aria-label={shown ? `Hide ${label}` : `Reveal ${label}`}>
            {shown ? <IconEyeOff size={16} /> : <IconEye size={16} />}
          </ActionIcon>
        </Tooltip>
        <CopyValueButton value={value} label={`Copy ${label}`} />
      </Group>
    </Group>
  );
}

function PlainField({ label, value }: { label: string; value: string }) {
  return (
    <Group justify="space-between" wrap="nowrap" gap="xs">
      <Stack gap={0} style={{ minWidth: 0 }}>
        <Text size="xs" c="dimmed">
          {label}
        </Text>
        <Text className="mono" size="sm">
          {value}
        </Text>
      </Stack>
      <CopyValueButton value={value} label={`Copy ${label}`} />
    </Group>
  );
}

function CredentialCard({ credential, expiresAt }: { credential: Record<string, unknown>; expiresAt: string | null }) {
  const text = (name: string) => (typeof credential[name] === 'string' ? (credential[name] as string) : '');
  return (
    <Paper withBorder p="sm" radius="md">
      <Stack gap="xs">
        <PlainField label="Client ID" value={text('clientId')} />
        <MaskedField label="Client Secret" value={text('clientSecret')} />
        {text('keyId') ? <PlainField label="Key ID" value={text('keyId')} /> : null}
        <Text size="xs" c="dimmed">
          Expires in Azure: {formatLocalDateTime(expiresAt)}
        </Text>
      </Stack>
    </Paper>
  );
}

export function GeneratedCredentialsModal({ rotation, onClose }: { rotation: SecretRotation | null; onClose(): void }) {
  const rotationId = rotation?.id ?? '';
  const credentials = useQuery({
    queryKey: ['rotations', rotationId, 'generated-credentials'],
    queryFn: () => api('get', '/api/v2/secret-rotations/azure-client-secret/{rotationId}/generated-credentials', { params: { rotationId } }),
    enabled: rotation !== null,
    // Credentials are fetched when the dialog opens and dropped when it closes.
    gcTime: 0,
    staleTime: 0,
    retry: false,
  });
  const active = credentials.data?.generatedCredentials.find((slot) => slot.isActive);
  const retired = credentials.data?.generatedCredentials.filter((slot) => !slot.isActive) ?? [];
  return (
    <Modal opened={rotation !== null} onClose={onClose} title={`Generated credentials · ${rotation?.name ?? ''}`} size="lg">
      {credentials.isPending ? (
        <LoadingState minHeight={100} />
      ) : credentials.isError ? (
        <ErrorState error={credentials.error} title="Could not read the generated credentials" />
      ) : (
        <Stack gap="md">
          <div>
            <Text fw={600} size="sm" mb={4}>
              Current Credentials
            </Text>
            <Text size="xs" c="dimmed" mb="xs">
              What the mapped secrets hold now.
            </Text>
            {active ? <CredentialCard credential={active.credential} expiresAt={active.expiresAt} /> : <Text size="sm">No active credential.</Text>}
          </div>
          <div>
            <Text fw={600} size="sm" mb={4}>
              Retired Credentials
            </Text>
            <Text size="xs" c="dimmed" mb="xs">
              Still valid so applications that cached them keep working; they will be revoked during the next rotation cycle.
            </Text>
            {retired.length > 0 ? (
              retired.map((slot) => <CredentialCard key={slot.slot} credential={slot.credential} expiresAt={slot.expiresAt} />)
            ) : (
              <Text size="sm" c="dimmed">
                None yet: the first rotation after creation retires the current credential.
              </Text>
            )}
          </div>
        </Stack>
      )}
    </Modal>
  );
}

// ---- History ---------------------------------------------------------------------------------------

const outcomeColors: Record<RotationAttempt['outcome'], string> = { success: 'teal', failed: 'red', abandoned: 'gray', 'in-progress': 'blue' };
const triggerLabels: Record<string, string> = { create: 'Creation', scheduled: 'Scheduled', manual: 'Manual', rollback: 'Rollback' };
const pageSize = 10;

export function RotationHistory({ rotationId }: { rotationId: string }) {
  const [page, setPage] = useState(1);
  const history = useQuery({
    queryKey: [...keys.rotationHistory(rotationId), page],
    queryFn: () =>
      api('get', '/api/v2/secret-rotations/{rotationId}/history', { params: { rotationId }, query: { offset: (page - 1) * pageSize, limit: pageSize } }),
  });
  if (history.isPending) return <LoadingState label="Loading history…" minHeight={100} />;
  if (history.isError) return <ErrorState error={history.error} title="Could not load the history" onRetry={() => void history.refetch()} />;
  if (history.data.history.length === 0) return <EmptyState title="No attempts yet" description="Attempts appear here when the rotation runs." />;
  const pages = Math.max(1, Math.ceil(history.data.totalCount / pageSize));
  return (
    <Stack gap="sm">
      <Table.ScrollContainer minWidth={640}>
        <Table verticalSpacing="xs" fz="sm" aria-label="Rotation attempts">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Started</Table.Th>
              <Table.Th>Trigger</Table.Th>
              <Table.Th>Outcome</Table.Th>
              <Table.Th>Verified after</Table.Th>
              <Table.Th>Details</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {history.data.history.map((attempt) => (
              <Table.Tr key={attempt.id} data-testid="history-row">
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatLocalDateTime(attempt.startedAt)}</Table.Td>
                <Table.Td>{triggerLabels[attempt.trigger] ?? attempt.trigger}</Table.Td>
                <Table.Td>
                  <Badge color={outcomeColors[attempt.outcome]} variant="light">
                    {attempt.outcome === 'in-progress' ? `In progress (${attempt.step})` : attempt.outcome}
                  </Badge>
                </Table.Td>
                <Table.Td>{formatDuration(attempt.verificationWaitMs)}</Table.Td>
                <Table.Td>
                  <Stack gap={2}>
                    {attempt.keyId ? (
                      <Text size="xs" className="mono">
                        new key {attempt.keyId.slice(0, 8)}
                        {attempt.replacedKeyId ? ` · retires ${attempt.replacedKeyId.slice(0, 8)}` : ''}
                      </Text>
                    ) : null}
                    {attempt.message ? (
                      <Text size="xs" c={attempt.outcome === 'failed' ? 'red.8' : 'dimmed'} style={{ whiteSpace: 'pre-wrap' }}>
                        {readableMessage(attempt.message)}
                      </Text>
                    ) : null}
                  </Stack>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {pages > 1 ? <Pagination total={pages} value={page} onChange={setPage} size="sm" /> : null}
    </Stack>
  );
}

export function HistoryDrawer({ rotation, onClose }: { rotation: SecretRotation | null; onClose(): void }) {
  return (
    <Drawer opened={rotation !== null} onClose={onClose} position="right" size="xl" title={`Rotation history · ${rotation?.name ?? ''}`}>
      {rotation ? (
        <Stack gap="md">
          <Alert color="gray" variant="light" icon={<IconInfo />}>
            Every attempt to issue, verify and publish a new credential, newest first. Values are never recorded.
          </Alert>
          <RotationHistory rotationId={rotation.id} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Close
            </Button>
          </Group>
        </Stack>
      ) : null}
    </Drawer>
  );
}
