import { ActionIcon, Badge, Button, Drawer, Group, Paper, Stack, Text, Tooltip } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client';
import { keys } from '../../api/queries';
import type { Secret, SecretVersion } from '../../api/types';
import { CopyValueButton } from '../../components/CopyValueButton';
import { IconEye, IconEyeOff, IconHistory } from '../../components/icons';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { notifyError, notifySuccess } from '../../lib/notify';
import { formatLocalDateTime } from '../../lib/time';

const changeColors: Record<SecretVersion['change'], string> = { created: 'teal', updated: 'blue', restored: 'grape', rotated: 'indigo' };

function VersionCard({ version, isCurrent, canRestore, onRestore, restoring }: { version: SecretVersion; isCurrent: boolean; canRestore: boolean; onRestore(): void; restoring: boolean }) {
  const [shown, setShown] = useState(false);
  const actor = version.actor.actorType === 'system' ? 'Rekey (rotation)' : (version.actor.name ?? version.actor.actorType);
  const isHidden = version.secretValue === '<hidden-by-rekey>';
  return (
    <Paper withBorder p="sm" radius="md" data-testid="secret-version">
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap">
          <Group gap={6}>
            <Text fw={600} size="sm">
              v{version.version}
            </Text>
            <Badge size="sm" variant="light" color={changeColors[version.change]}>
              {version.change}
            </Badge>
            {isCurrent ? (
              <Badge size="sm" variant="outline" color="gray">
                current
              </Badge>
            ) : null}
          </Group>
          <Text size="xs" c="dimmed">
            {formatLocalDateTime(version.createdAt)}
          </Text>
        </Group>
        <Text size="xs" c="dimmed">
          by {actor}
        </Text>
        <Group justify="space-between" wrap="nowrap" gap="xs">
          <Text size="sm" className={shown ? 'secret-value' : 'masked'} style={{ minWidth: 0 }}>
            {isHidden ? 'Value hidden' : shown ? version.secretValue : '••••••••••••'}
          </Text>
          {!isHidden ? (
            <Group gap={2} wrap="nowrap">
              <Tooltip label={shown ? 'Hide value' : 'Reveal value'}>
                <ActionIcon variant="subtle" color="gray" onClick={() => setShown((current) => !current)} aria-label={shown ? `Hide version ${version.version}` : `Reveal version ${version.version}`}>
                  {shown ? <IconEyeOff size={16} /> : <IconEye size={16} />}
                </ActionIcon>
              </Tooltip>
              <CopyValueButton value={version.secretValue} label={`Copy version ${version.version}`} />
            </Group>
          ) : null}
        </Group>
        {version.secretComment ? (
          <Text size="xs" c="dimmed">
            Comment: {version.secretComment}
          </Text>
        ) : null}
        {canRestore && !isCurrent ? (
          <Group justify="flex-end">
            <Button size="compact-xs" variant="light" onClick={onRestore} loading={restoring}>
              Restore this version
            </Button>
          </Group>
        ) : null}
      </Stack>
    </Paper>
  );
}

/** A secret's versions, newest first, with who changed it and how; values masked until revealed. */
export function VersionHistoryDrawer({ secret, canRestore, onClose }: { secret: Secret | null; canRestore: boolean; onClose(): void }) {
  const secretId = secret?.id ?? '';
  const queryClient = useQueryClient();
  const versions = useQuery({
    queryKey: keys.secretVersions(secretId),
    queryFn: async () => (await api('get', '/api/v1/secret/{secretId}/secret-versions', { params: { secretId }, query: { limit: 50 } })).secretVersions,
    enabled: secret !== null,
    gcTime: 0,
  });
  const restore = useMutation({
    mutationFn: (version: number) => api('post', '/api/v1/secret/{secretId}/secret-versions/{version}/restore', { params: { secretId, version } }),
    onSuccess: async ({ secret: restored }) => {
      notifySuccess(`Restored ${restored.secretKey} (now version ${restored.version})`);
      await queryClient.invalidateQueries({ queryKey: keys.secretVersions(secretId) });
      await queryClient.invalidateQueries({ queryKey: keys.allSecrets(restored.workspace) });
    },
    onError: (error) => notifyError('Failed to restore the version', error),
  });
  const restoreAllowed = canRestore && secret?.isRotatedSecret === false;
  return (
    <Drawer opened={secret !== null} onClose={onClose} position="right" size="md" title={<Text fw={600}>Version history · <span className="mono">{secret?.secretKey}</span></Text>}>
      {versions.isPending ? (
        <LoadingState label="Loading versions…" />
      ) : versions.isError ? (
        <ErrorState error={versions.error} title="Could not load the versions" />
      ) : versions.data.length === 0 ? (
        <EmptyState icon={<IconHistory />} title="No versions" />
      ) : (
        <Stack gap="sm">
          {secret?.isRotatedSecret ? (
            <Text size="xs" c="dimmed">
              Rotation writes a new version of this secret on every rotation.
            </Text>
          ) : null}
          {versions.data.map((version) => (
            <VersionCard
              key={version.id}
              version={version}
              isCurrent={version.version === secret?.version}
              canRestore={restoreAllowed}
              restoring={restore.isPending && restore.variables === version.version}
              onRestore={() => restore.mutate(version.version)}
            />
          ))}
        </Stack>
      )}
    </Drawer>
  );
}
