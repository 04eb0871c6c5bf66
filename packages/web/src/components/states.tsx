import { Alert, Button, Center, Group, Loader, Paper, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { ApiError, errorMessage } from '../api/client';
import { IconAlert } from './icons';

/** A centred spinner with a label screen readers announce. */
export function LoadingState({ label = 'Loading…', minHeight = 160 }: { label?: string; minHeight?: number }) {
  return (
    <Center mih={minHeight} role="status" aria-live="polite">
      <Stack align="center" gap="xs">
        <Loader size="sm" />
        <Text size="sm" c="dimmed">
          {label}
        </Text>
      </Stack>
    </Center>
  );
}

/** What to say about a failed load, with what the person can do about it. */
function advice(error: unknown): string | null {
  if (!(error instanceof ApiError)) return null;
  if (error.status === 0) return 'Check that the Rekey server is running and reachable, then retry.';
  if (error.status === 403) return 'Ask an administrator of this organization or project for access.';
  if (error.status === 404) return 'It may have been deleted, or the link is out of date.';
  if (error.status >= 500) return error.requestId ? `The server logged this failure with request id ${error.requestId}.` : null;
  return null;
}

export function ErrorState({ error, title = 'Could not load this page', onRetry }: { error: unknown; title?: string; onRetry?: () => void }) {
  const hint = advice(error);
  return (
    <Alert color="red" variant="light" title={title} icon={<IconAlert />} role="alert">
      <Stack gap="xs">
        <Text size="sm">{errorMessage(error)}</Text>
        {hint ? (
          <Text size="sm" c="dimmed">
            {hint}
          </Text>
        ) : null}
        {onRetry ? (
          <Group>
            <Button size="xs" variant="light" color="red" onClick={onRetry}>
              Retry
            </Button>
          </Group>
        ) : null}
      </Stack>
    </Alert>
  );
}

export function EmptyState({ icon, title, description, action }: { icon?: ReactNode; title: string; description?: ReactNode; action?: ReactNode }) {
  return (
    <Paper withBorder radius="md" p="xl">
      <Stack align="center" gap="sm" py="md">
        {icon ? (
          <ThemeIcon size={44} radius="xl" variant="light" color="gray">
            {icon}
          </ThemeIcon>
        ) : null}
        <Title order={3} size="h4" ta="center">
          {title}
        </Title>
        {description ? (
          <Text size="sm" c="dimmed" ta="center" maw={460}>
            {description}
          </Text>
        ) : null}
        {action}
      </Stack>
    </Paper>
  );
}
