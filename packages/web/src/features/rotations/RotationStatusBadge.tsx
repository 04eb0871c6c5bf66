import { Badge, Group, Loader, Stack, Text, Tooltip } from '@mantine/core';
import type { SecretRotation } from '../../api/types';
import { AzureLogo } from '../../components/icons';
import { type RotationStatus, readableMessage, rotationStatus } from '../../lib/rotation-status';
import { formatLocalDateTime } from '../../lib/time';

function tooltipFor(rotation: SecretRotation, status: RotationStatus) {
  if (status.kind === 'failed') {
    return (
      <Stack gap={4} maw={360}>
        <Text size="xs" fw={700}>
          Failure Reason
        </Text>
        <Text size="xs" style={{ whiteSpace: 'pre-wrap' }}>
          {rotation.lastRotationMessage ? readableMessage(rotation.lastRotationMessage) : 'No reason was recorded.'}
        </Text>
        {rotation.nextRotationAt ? <Text size="xs">Next rotation attempt on {formatLocalDateTime(rotation.nextRotationAt)}.</Text> : null}
      </Stack>
    );
  }
  if (status.kind === 'disabled') return 'Secrets are only rotated when someone selects Rotate now.';
  if (status.kind === 'rotating') return 'A rotation attempt is running or about to start.';
  return `Rotates on ${formatLocalDateTime(rotation.nextRotationAt)} (your local time).`;
}

export function RotationStatusBadge({ rotation }: { rotation: SecretRotation }) {
  const status = rotationStatus(rotation);
  return (
    <Tooltip label={tooltipFor(rotation, status)} multiline maw={380} events={{ hover: true, focus: true, touch: true }}>
      <Badge
        color={status.color}
        variant={status.kind === 'failed' ? 'filled' : 'light'}
        leftSection={status.kind === 'rotating' ? <Loader size={10} color="blue" /> : null}
        tabIndex={0}
        style={{ cursor: 'help' }}
        data-status={status.kind}
      >
        {status.label}
      </Badge>
    </Tooltip>
  );
}

/** The failure reason and the next attempt, spelled out (for rows and the rotation page). */
export function FailureDetails({ rotation }: { rotation: SecretRotation }) {
  if (rotation.rotationStatus !== 'failed') return null;
  return (
    <Stack gap={2}>
      <Text size="xs" c="red.8" lineClamp={2} title={rotation.lastRotationMessage ?? undefined}>
        {rotation.lastRotationMessage ?? 'The last attempt failed.'}
      </Text>
      {rotation.nextRotationAt ? (
        <Text size="xs" c="dimmed">
          Next attempt {formatLocalDateTime(rotation.nextRotationAt)}
        </Text>
      ) : null}
    </Stack>
  );
}

export const providerNames: Record<string, string> = { 'azure-client-secret': 'Azure Client Secret' };

export function ProviderBadge({ type }: { type: string }) {
  return (
    <Badge variant="outline" color="gray" radius="sm" leftSection={<AzureLogo size={12} />} styles={{ label: { textTransform: 'none' } }}>
      <Group gap={4} component="span">
        {providerNames[type] ?? type}
      </Group>
    </Badge>
  );
}
