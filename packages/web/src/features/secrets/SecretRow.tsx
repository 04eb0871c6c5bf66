import { ActionIcon, Anchor, Badge, Button, Group, Stack, Table, Text, Textarea, TextInput, Tooltip } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { ApiError, api } from '../../api/client';
import { keys } from '../../api/queries';
import type { Secret, SecretRotation } from '../../api/types';
import { IconCheck, IconCopy, IconEye, IconEyeOff, IconHistory, IconKey, IconLock, IconPencil, IconTrash } from '../../components/icons';
import { notifyError, notifySuccess } from '../../lib/notify';
import { formatLocalDateTime, formatRelative } from '../../lib/time';
import { fetchSecretValue, type SecretLocation } from './location';

/** How long a revealed value stays on screen before it is masked again. */
const revealMs = 60_000;

type SecretRowProps = {
  secret: Secret;
  location: SecretLocation;
  rotation: SecretRotation | undefined;
  canRead: boolean;
  canEdit: boolean;
  canDelete: boolean;
  onHistory(): void;
  onDelete(): void;
};

export function SecretRow({ secret, location, rotation, canRead, canEdit, canDelete, onHistory, onDelete }: SecretRowProps) {
  const [revealed, setRevealed] = useState<{ value: string; comment: string } | null>(null);
  const value = revealed?.value ?? null;
  const [loadingValue, setLoadingValue] = useState(false);
  const [copied, setCopied] = useState(false);
  const [editing, setEditing] = useState<{ value: string; comment: string } | null>(null);
  const [editError, setEditError] = useState<string | null>(null);
  const hideTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const queryClient = useQueryClient();
  const isLocked = secret.isRotatedSecret;

  useEffect(() => () => clearTimeout(hideTimer.current), []);
  // A newer version (a rotation, someone else's edit) replaces what was revealed.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when the version changes
  useEffect(() => setRevealed(null), [secret.version]);

  const loadValue = async (): Promise<{ value: string; comment: string } | null> => {
    setLoadingValue(true);
    try {
      return await fetchSecretValue(location, secret.secretKey, secret.type);
    } catch (error) {
      notifyError(`Could not read ${secret.secretKey}`, error);
      return null;
    } finally {
      setLoadingValue(false);
    }
  };

  const reveal = async () => {
    if (revealed !== null) {
      setRevealed(null);
      return;
    }
    const loaded = await loadValue();
    if (loaded === null) return;
    setRevealed(loaded);
    clearTimeout(hideTimer.current);
    hideTimer.current = setTimeout(() => setRevealed(null), revealMs);
  };

  const copy = async () => {
    const loaded = revealed ?? (await loadValue());
    if (loaded === null) return;
    try {
      await navigator.clipboard.writeText(loaded.value);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
      notifySuccess(`Copied ${secret.secretKey} to the clipboard`);
    } catch {
      notifyError('Could not copy', new Error('The browser refused clipboard access'));
    }
  };

  const startEdit = async () => {
    const loaded = revealed ?? (await loadValue());
    if (loaded === null) return;
    setEditError(null);
    setEditing(loaded);
  };

  const save = useMutation({
    mutationFn: (changes: { value: string; comment: string }) =>
      api('patch', '/api/v3/secrets/raw/{secretName}', {
        params: { secretName: secret.secretKey },
        body: {
          workspaceId: location.projectId,
          environment: location.environment,
          secretPath: location.secretPath,
          type: secret.type,
          secretValue: changes.value,
          secretComment: changes.comment,
        },
      }),
    onSuccess: async ({ secret: saved }) => {
      setEditing(null);
      setRevealed(null);
      notifySuccess(`Saved ${saved.secretKey} (version ${saved.version})`);
      await queryClient.invalidateQueries({ queryKey: keys.secrets(location.projectId, location.environment, location.secretPath) });
      await queryClient.invalidateQueries({ queryKey: keys.secretVersions(secret.id) });
    },
    onError: (error) => {
      if (error instanceof ApiError && error.status === 400) setEditError(error.message);
      else notifyError(`Failed to save ${secret.secretKey}`, error);
    },
  });

  const onEditKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      setEditing(null);
    }
    if (event.key === 'Enter' && (event.metaKey || event.ctrlKey) && editing) save.mutate(editing);
  };

  return (
    <Table.Tr data-testid={`secret-row-${secret.secretKey}`} data-rotated={isLocked ? 'true' : 'false'}>
      <Table.Td style={{ verticalAlign: 'top' }}>
        <Group gap={8} wrap="nowrap" mt={4}>
          {isLocked ? (
            <Tooltip label={`Managed by rotation ${rotation?.name ?? ''}: Rekey writes this value on every rotation, so it cannot be edited or deleted here.`} multiline w={280}>
              <span role="img" aria-label="Locked: managed by a secret rotation" style={{ display: 'inline-flex', color: 'var(--mantine-color-indigo-6)' }}>
                <IconLock size={16} />
              </span>
            </Tooltip>
          ) : (
            <span style={{ display: 'inline-flex', color: 'var(--mantine-color-gray-5)' }}>
              <IconKey size={16} />
            </span>
          )}
          <Stack gap={2} style={{ minWidth: 0 }}>
            <Text className="mono" fw={500} style={{ wordBreak: 'break-all' }}>
              {secret.secretKey}
            </Text>
            {isLocked && secret.rotationId ? (
              <Anchor component={Link} to={`/projects/${location.projectId}/rotations/${secret.rotationId}`} size="xs">
                Managed by {rotation ? rotation.name : 'a secret rotation'}
              </Anchor>
            ) : null}
          </Stack>
        </Group>
      </Table.Td>
      <Table.Td style={{ verticalAlign: 'top' }}>
        {editing ? (
          <Stack gap="xs" onKeyDown={onEditKeyDown}>
            <Textarea
              aria-label={`Value of ${secret.secretKey}`}
              value={editing.value}
              onChange={(event) => setEditing({ ...editing, value: event.currentTarget.value })}
              autosize
              minRows={1}
              maxRows={8}
              classNames={{ input: 'mono' }}
              error={editError}
              autoComplete="off"
              spellCheck={false}
              data-autofocus
            />
            <TextInput
              aria-label={`Comment of ${secret.secretKey}`}
              placeholder="Comment (optional)"
              value={editing.comment}
              onChange={(event) => setEditing({ ...editing, comment: event.currentTarget.value })}
              size="xs"
            />
            <Group gap="xs">
              <Button size="compact-sm" onClick={() => save.mutate(editing)} loading={save.isPending}>
                Save
              </Button>
              <Button size="compact-sm" variant="default" onClick={() => setEditing(null)} disabled={save.isPending}>
                Cancel
              </Button>
              <Text size="xs" c="dimmed">
                Ctrl+Enter saves · Esc cancels
              </Text>
            </Group>
          </Stack>
        ) : (
          <Stack gap={2} mt={4}>
            <Text size="sm" className={value !== null ? 'secret-value' : 'masked'} data-testid="secret-value" aria-live="polite">
              {value !== null ? value : '••••••••••••••••'}
            </Text>
            {revealed?.comment ? (
              <Text size="xs" c="dimmed" lineClamp={2}>
                {revealed.comment}
              </Text>
            ) : null}
          </Stack>
        )}
      </Table.Td>
      <Table.Td style={{ verticalAlign: 'top' }}>
        <Stack gap={2} mt={4}>
          <Tooltip label={formatLocalDateTime(secret.updatedAt)}>
            <Text size="xs" c="dimmed" tabIndex={0}>
              {formatRelative(secret.updatedAt)}
            </Text>
          </Tooltip>
          <Group gap={4}>
            <Badge size="xs" variant="light" color="gray">
              v{secret.version}
            </Badge>
            {secret.type === 'personal' ? (
              <Tooltip label="Your personal override: only you see this value">
                <Badge size="xs" variant="light" color="grape" tabIndex={0}>
                  personal
                </Badge>
              </Tooltip>
            ) : null}
          </Group>
        </Stack>
      </Table.Td>
      <Table.Td style={{ verticalAlign: 'top' }}>
        <Group gap={2} wrap="nowrap" justify="flex-end">
          {canRead ? (
            <>
              <Tooltip label={value !== null ? 'Hide value' : 'Reveal value'}>
                <ActionIcon variant="subtle" color="gray" onClick={() => void reveal()} loading={loadingValue && !editing} aria-label={value !== null ? `Hide ${secret.secretKey}` : `Reveal ${secret.secretKey}`}>
                  {value !== null ? <IconEyeOff size={16} /> : <IconEye size={16} />}
                </ActionIcon>
              </Tooltip>
              <Tooltip label={copied ? 'Copied' : 'Copy value'}>
                <ActionIcon variant="subtle" color={copied ? 'teal' : 'gray'} onClick={() => void copy()} aria-label={`Copy ${secret.secretKey}`}>
                  {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                </ActionIcon>
              </Tooltip>
            </>
          ) : null}
          {canEdit && !isLocked && !editing ? (
            <Tooltip label="Edit value and comment">
              <ActionIcon variant="subtle" color="gray" onClick={() => void startEdit()} aria-label={`Edit ${secret.secretKey}`}>
                <IconPencil size={16} />
              </ActionIcon>
            </Tooltip>
          ) : null}
          <Tooltip label="Version history">
            <ActionIcon variant="subtle" color="gray" onClick={onHistory} aria-label={`History of ${secret.secretKey}`}>
              <IconHistory size={16} />
            </ActionIcon>
          </Tooltip>
          {canDelete && !isLocked ? (
            <Tooltip label="Delete secret">
              <ActionIcon variant="subtle" color="red" onClick={onDelete} aria-label={`Delete ${secret.secretKey}`}>
                <IconTrash size={16} />
              </ActionIcon>
            </Tooltip>
          ) : null}
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}
