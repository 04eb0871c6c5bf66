import {
  Alert,
  Anchor,
  Button,
  Card,
  Group,
  Modal,
  NumberInput,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Stepper,
  Switch,
  Table,
  Text,
  Textarea,
  TextInput,
  Tooltip,
  UnstyledButton,
} from '@mantine/core';
import { TimeInput } from '@mantine/dates';
import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useEffect, useMemo, useState } from 'react';
import { ApiError, api } from '../../api/client';
import { keys, useAzureClients, useAzureConnections, useRotationOptions } from '../../api/queries';
import type { AppConnection, AzureClient, RotationOption, SecretRotation } from '../../api/types';
import { AzureLogo, IconAlert, IconArrowLeft, IconInfo, IconPlus } from '../../components/icons';
import { ErrorState, LoadingState } from '../../components/states';
import { notifyError, notifySuccess } from '../../lib/notify';
import { browserTimeZone, formatTimeOfDay, localMidnightUtc, parseTimeOfDay, zoneLabel } from '../../lib/time';
import { secretNameProblem, slugProblem } from '../../lib/validation';
import { useIsOrgAdmin } from '../../session/session';
import { ConnectionFormModal } from '../connections/ConnectionFormModal';

const createConnectionValue = '__create_connection__';
const stepLabels = ['Configuration', 'Parameters', 'Mappings', 'Details', 'Review'] as const;

type Draft = {
  connectionId: string | null;
  rotationInterval: number | string;
  rotateAt: string;
  /** The zone Rotate At is in: the browser's for a new rotation, the rotation's own when editing. */
  timeZone: string;
  isAutoRotationEnabled: boolean;
  application: { objectId: string; clientId: string; appName: string } | null;
  clientIdSecret: string;
  clientSecretSecret: string;
  name: string;
  description: string;
};

type Field = 'connectionId' | 'rotationInterval' | 'rotateAt' | 'application' | 'clientIdSecret' | 'clientSecretSecret' | 'name' | 'description';
type Errors = Partial<Record<Field, string>>;

const fieldStep: Record<Field, number> = {
  connectionId: 0,
  rotationInterval: 0,
  rotateAt: 0,
  application: 1,
  clientIdSecret: 2,
  clientSecretSecret: 2,
  name: 3,
  description: 3,
};

function intervalProblem(value: number | string): string | null {
  if (value === '' || value === null) return 'Rotation interval is required';
  const number = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(number)) return 'Rotation interval must be a whole number of days';
  if (number < 1) return 'Rotation interval must be at least 1 day';
  if (number > 909) return 'Rotation interval must be at most 909 days (Azure secrets live two intervals plus 3 days, at most about 5 years)';
  return null;
}

function validateStep(step: number, draft: Draft, isEdit: boolean): Errors {
  const errors: Errors = {};
  if (step === 0) {
    if (!draft.connectionId) errors.connectionId = 'Select the Azure connection that performs the rotation';
    const interval = intervalProblem(draft.rotationInterval);
    if (interval) errors.rotationInterval = interval;
    if (!parseTimeOfDay(draft.rotateAt)) errors.rotateAt = 'Enter a time of day, e.g. 02:00';
  }
  if (step === 1 && !isEdit && !draft.application) errors.application = 'Select the application whose client secret Rekey should rotate';
  if (step === 2 && !isEdit) {
    const clientId = secretNameProblem(draft.clientIdSecret);
    const clientSecret = secretNameProblem(draft.clientSecretSecret);
    if (clientId) errors.clientIdSecret = clientId;
    if (clientSecret) errors.clientSecretSecret = clientSecret;
    if (!clientId && !clientSecret && draft.clientIdSecret === draft.clientSecretSecret) errors.clientSecretSecret = 'The two secrets need different names';
  }
  if (step === 3) {
    const name = slugProblem(draft.name);
    if (name) errors.name = name;
    if (draft.description.length > 256) errors.description = 'Description must be at most 256 characters';
  }
  return errors;
}

/** Server field paths (`body.secretsMapping.clientSecret`) to wizard fields; message heuristics for errors without paths. */
function errorsFromServer(error: ApiError): Errors {
  const found: Errors = {};
  for (const detail of error.details) {
    const path = detail.path.replace(/^body\./, '');
    if (path === 'name') found.name = detail.message;
    else if (path === 'description') found.description = detail.message;
    else if (path === 'rotationInterval') found.rotationInterval = detail.message;
    else if (path.startsWith('rotateAt') || path === 'timeZone') found.rotateAt = detail.message;
    else if (path === 'connectionId') found.connectionId = detail.message;
    else if (path === 'secretsMapping.clientId') found.clientIdSecret = detail.message;
    else if (path === 'secretsMapping.clientSecret') found.clientSecretSecret = detail.message;
    else if (path.startsWith('parameters')) found.application = detail.message;
  }
  if (Object.keys(found).length > 0) return found;
  if (/rotation named|name/i.test(error.message) && error.status === 409) found.name = error.message;
  else if (/secrets? .*already exist|secretsMapping|mapping/i.test(error.message)) found.clientSecretSecret = error.message;
  return found;
}

function draftFor(rotation: SecretRotation | null, option: RotationOption | undefined): Draft {
  if (rotation) {
    const parameters = rotation.parameters as { objectId?: string; clientId?: string; appName?: string };
    return {
      connectionId: rotation.connectionId,
      rotationInterval: rotation.rotationInterval,
      rotateAt: formatTimeOfDay(rotation.rotateAt),
      timeZone: rotation.rotateAt.timeZone,
      isAutoRotationEnabled: rotation.isAutoRotationEnabled,
      application: { objectId: parameters.objectId ?? '', clientId: parameters.clientId ?? '', appName: parameters.appName ?? '' },
      clientIdSecret: rotation.secretsMapping.clientId ?? '',
      clientSecretSecret: rotation.secretsMapping.clientSecret ?? '',
      name: rotation.name,
      description: rotation.description ?? '',
    };
  }
  return {
    connectionId: null,
    rotationInterval: 30,
    rotateAt: formatTimeOfDay(localMidnightUtc()),
    timeZone: browserTimeZone(),
    isAutoRotationEnabled: true,
    application: null,
    clientIdSecret: option?.template.secretsMapping.clientId ?? 'AZURE_CLIENT_ID',
    clientSecretSecret: option?.template.secretsMapping.clientSecret ?? 'AZURE_CLIENT_SECRET',
    name: '',
    description: '',
  };
}

// ---- Provider picker -------------------------------------------------------------------------------

function ProviderPicker({ onPick }: { onPick(option: RotationOption): void }) {
  const options = useRotationOptions();
  if (options.isPending) return <LoadingState label="Loading providers…" minHeight={120} />;
  if (options.isError) return <ErrorState error={options.error} title="Could not load the rotation providers" />;
  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed">
        Select a provider to create a secret rotation for.
      </Text>
      <SimpleGrid cols={{ base: 2, sm: 3 }} spacing="sm">
        {options.data.map((option) => (
          <UnstyledButton key={option.type} onClick={() => onPick(option)} aria-label={option.name} data-testid={`provider-${option.type}`}>
            <Card withBorder radius="md" padding="lg" h="100%">
              <Stack align="center" gap="sm">
                <AzureLogo size={36} />
                <Text fw={600} size="sm" ta="center">
                  {option.name}
                </Text>
              </Stack>
            </Card>
          </UnstyledButton>
        ))}
      </SimpleGrid>
    </Stack>
  );
}

// ---- Steps -----------------------------------------------------------------------------------------

type StepProps = {
  draft: Draft;
  errors: Errors;
  update(patch: Partial<Draft>): void;
  isEdit: boolean;
};

function ConfigurationStep({ draft, errors, update, isEdit, onCreateConnection }: StepProps & { onCreateConnection(): void }) {
  const isAdmin = useIsOrgAdmin();
  const connections = useAzureConnections();
  const { timeZone } = draft;
  const data = [
    ...(isAdmin && !isEdit ? [{ value: createConnectionValue, label: '+ Create connection' }] : []),
    ...(connections.data ?? []).map((connection) => ({ value: connection.id, label: connection.name })),
  ];
  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed">
        Configure the connection and rotation strategy for this Secret Rotation.
      </Text>
      <Select
        label="Azure Client Secrets Connection"
        placeholder={connections.isPending ? 'Loading connections…' : 'Select connection...'}
        description={
          isEdit
            ? 'Cannot be updated'
            : 'The connection that will perform the rotation of the specified application’s Client Secret. App Connections can also be created from the App Connections page.'
        }
        data={data}
        value={draft.connectionId}
        onChange={(value) => {
          if (value === createConnectionValue) onCreateConnection();
          else update({ connectionId: value, ...(value !== draft.connectionId ? { application: null } : {}) });
        }}
        error={errors.connectionId ?? (connections.isError ? 'Could not load the connections' : undefined)}
        disabled={isEdit}
        allowDeselect={false}
        required
        searchable
        nothingFoundMessage="No connection matches"
        data-testid="connection-select"
      />
      {connections.isSuccess && connections.data.length === 0 && !isEdit ? (
        <Alert color="yellow" variant="light" icon={<IconAlert />}>
          {isAdmin
            ? 'This organization has no Azure connection yet. Choose “Create connection” above to add one.'
            : 'This organization has no Azure connection yet. Ask an organization admin to add one.'}
        </Alert>
      ) : null}
      <Group grow align="flex-start">
        <NumberInput
          label="Rotation Interval (In Days)"
          description="The interval, in days, that once elapsed will trigger a rotation."
          placeholder="30"
          min={1}
          max={909}
          clampBehavior="none"
          allowDecimal={false}
          allowNegative={false}
          value={draft.rotationInterval}
          onChange={(value) => update({ rotationInterval: value })}
          error={errors.rotationInterval}
          required
        />
        <TimeInput
          label="Rotate At (Local Time)"
          description={`The local time of day to rotate at once the interval has elapsed. Time zone: ${zoneLabel(timeZone)}.`}
          value={draft.rotateAt}
          onChange={(event) => update({ rotateAt: event.currentTarget.value })}
          error={errors.rotateAt}
          required
        />
      </Group>
      <Paper withBorder p="md" radius="md">
        <Switch
          label={draft.isAutoRotationEnabled ? 'Auto-Rotation Enabled' : 'Auto-Rotation Disabled'}
          checked={draft.isAutoRotationEnabled}
          onChange={(event) => update({ isAutoRotationEnabled: event.currentTarget.checked })}
          description={
            draft.isAutoRotationEnabled
              ? 'Secrets will automatically be rotated when the rotation interval specified above has elapsed.'
              : 'Secrets will not be rotated automatically. You can still rotate secrets manually.'
          }
        />
      </Paper>
    </Stack>
  );
}

function ParametersStep({ draft, errors, update, isEdit }: StepProps) {
  const clients = useAzureClients(isEdit ? null : draft.connectionId);
  const [search, setSearch] = useState('');
  if (isEdit) {
    return (
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          The application cannot be changed after creation: its client secrets belong to this rotation. Create a new rotation for another application.
        </Text>
        <ReviewTable rows={[['Application', draft.application?.appName || '—'], ['Application (client) ID', draft.application?.clientId ?? '—'], ['Object ID', draft.application?.objectId ?? '—']]} />
      </Stack>
    );
  }
  const data = (clients.data ?? []).map((client: AzureClient) => ({ value: client.id, label: client.name }));
  const selected = clients.data?.find((client) => client.id === draft.application?.objectId);
  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed">
        Select the Azure application whose Client Secret you want to rotate.
      </Text>
      <Select
        label="Application"
        placeholder={clients.isPending ? 'Loading applications…' : 'Select an application...'}
        data={data}
        value={draft.application?.objectId ?? null}
        onChange={(value) => {
          const client = clients.data?.find((item) => item.id === value);
          update({ application: client ? { objectId: client.id, clientId: client.appId, appName: client.name } : null });
        }}
        searchable
        searchValue={search}
        onSearchChange={setSearch}
        nothingFoundMessage="No application matches"
        disabled={!draft.connectionId || clients.isPending}
        error={errors.application ?? (clients.isError ? (clients.error instanceof Error ? clients.error.message : 'Could not list the applications') : undefined)}
        required
        maxDropdownHeight={280}
        data-testid="application-select"
      />
      {selected ? (
        <Text size="xs" c="dimmed">
          Application (client) ID <span className="mono">{selected.appId}</span> · Object ID <span className="mono">{selected.id}</span>
        </Text>
      ) : null}
      <Group gap={6}>
        <Tooltip
          multiline
          w={320}
          label="The connection's app must own the application (with Application.ReadWrite.OwnedBy) or hold Application.ReadWrite.All to see and change it."
        >
          <Text size="xs" c="dimmed" tabIndex={0} style={{ cursor: 'help' }}>
            <IconInfo size={12} /> Don’t see the application you’re looking for?
          </Text>
        </Tooltip>
      </Group>
    </Stack>
  );
}

function MappingsStep({ draft, errors, update, isEdit }: StepProps) {
  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed">
        Specify the secret names that the client credentials should be mapped to.
        {isEdit ? ' Secret names cannot be changed after creation.' : ''}
      </Text>
      <Table verticalSpacing="sm" withTableBorder>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w="35%">Credential</Table.Th>
            <Table.Th>Secret name</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          <Table.Tr>
            <Table.Td>
              <Text size="sm" fw={500}>
                Client ID
              </Text>
              <Text size="xs" c="dimmed">
                The application's Client ID
              </Text>
            </Table.Td>
            <Table.Td>
              <TextInput
                aria-label="Client ID secret name"
                value={draft.clientIdSecret}
                onChange={(event) => update({ clientIdSecret: event.currentTarget.value })}
                error={errors.clientIdSecret}
                disabled={isEdit}
                classNames={{ input: 'mono' }}
              />
            </Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Td>
              <Text size="sm" fw={500}>
                Client Secret
              </Text>
              <Text size="xs" c="dimmed">
                The rotated Client Secret
              </Text>
            </Table.Td>
            <Table.Td>
              <TextInput
                aria-label="Client Secret secret name"
                value={draft.clientSecretSecret}
                onChange={(event) => update({ clientSecretSecret: event.currentTarget.value })}
                error={errors.clientSecretSecret}
                disabled={isEdit}
                classNames={{ input: 'mono' }}
              />
            </Table.Td>
          </Table.Tr>
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

function DetailsStep({ draft, errors, update }: StepProps) {
  // Checked as the person types, once there is something to check.
  const liveNameError = draft.name !== '' ? slugProblem(draft.name) : null;
  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed">
        Give your rotation a name and an optional description.
      </Text>
      <TextInput
        label="Name"
        description="Must be slug-friendly: lowercase letters, digits and hyphens"
        placeholder="my-secret-rotation"
        value={draft.name}
        onChange={(event) => update({ name: event.currentTarget.value })}
        error={errors.name ?? liveNameError}
        required
        autoComplete="off"
        data-autofocus
      />
      <Textarea
        label="Description"
        placeholder="Describe the purpose of this rotation..."
        value={draft.description}
        onChange={(event) => update({ description: event.currentTarget.value })}
        error={errors.description}
        autosize
        minRows={3}
      />
    </Stack>
  );
}

function ReviewTable({ rows }: { rows: Array<[string, ReactNode]> }) {
  return (
    <Table variant="vertical" layout="fixed" withTableBorder fz="sm">
      <Table.Tbody>
        {rows.map(([label, value]) => (
          <Table.Tr key={label}>
            <Table.Th w={220}>{label}</Table.Th>
            <Table.Td style={{ wordBreak: 'break-word' }}>{value}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function ReviewStep({ draft, connection, environment, secretPath }: { draft: Draft; connection: AppConnection | undefined; environment: string; secretPath: string }) {
  const zone = draft.timeZone;
  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed">
        Review your configuration, then create the rotation. Rekey issues the first client secret at once and writes both secrets.
      </Text>
      <Text fw={600} size="sm">
        Configuration
      </Text>
      <ReviewTable
        rows={[
          ['Name', draft.name],
          ['Description', draft.description || '—'],
          ['Azure Connection', connection?.name ?? '—'],
          ['Environment / path', `${environment} · ${secretPath}`],
          ['Rotation Interval', `${draft.rotationInterval} day${Number(draft.rotationInterval) === 1 ? '' : 's'}`],
          ['Rotate At', `${draft.rotateAt} local time · ${zoneLabel(zone)}`],
          ['Auto-Rotation', draft.isAutoRotationEnabled ? 'Enabled' : 'Disabled'],
        ]}
      />
      <Text fw={600} size="sm">
        Parameters
      </Text>
      <ReviewTable
        rows={[
          ['Application', draft.application?.appName || '—'],
          ['Application (client) ID', <span key="c" className="mono">{draft.application?.clientId ?? '—'}</span>],
          ['Object ID', <span key="o" className="mono">{draft.application?.objectId ?? '—'}</span>],
        ]}
      />
      <Text fw={600} size="sm">
        Secrets Mapping
      </Text>
      <ReviewTable
        rows={[
          ['Client ID', <span key="i" className="mono">{draft.clientIdSecret}</span>],
          ['Client Secret', <span key="s" className="mono">{draft.clientSecretSecret}</span>],
        ]}
      />
    </Stack>
  );
}

// ---- The modal -------------------------------------------------------------------------------------

type RotationWizardProps = {
  opened: boolean;
  onClose(): void;
  projectId: string;
  environment: string;
  secretPath: string;
  /** Edit this rotation instead of creating one. */
  rotation?: SecretRotation | null;
  onCreated?(rotation: SecretRotation): void;
};

/**
 * "Add Secret Rotation": provider picker, then five steps (Configuration, Parameters, Mappings, Details,
 * Review). Next validates the current step; a later step is reachable only when every earlier one is valid.
 */
export function RotationWizard({ opened, onClose, projectId, environment, secretPath, rotation = null, onCreated }: RotationWizardProps) {
  const isEdit = rotation !== null;
  const options = useRotationOptions();
  const connections = useAzureConnections(opened);
  const [option, setOption] = useState<RotationOption | null>(null);
  const [step, setStep] = useState(0);
  const [draft, setDraft] = useState<Draft>(() => draftFor(rotation, undefined));
  const [errors, setErrors] = useState<Errors>({});
  const [submitting, setSubmitting] = useState(false);
  const [creatingConnection, setCreatingConnection] = useState(false);
  const queryClient = useQueryClient();

  // Reset only when the dialog opens or the rotation changes: options arriving later must not wipe a draft.
  // biome-ignore lint/correctness/useExhaustiveDependencies: deliberately not keyed on options.data
  useEffect(() => {
    if (!opened) return;
    const editOption = rotation ? options.data?.find((item) => item.type === rotation.type) : undefined;
    setOption(rotation ? (editOption ?? { name: 'Azure Client Secret', type: rotation.type, connection: 'azure-client-secrets', template: { secretsMapping: {} } }) : null);
    setDraft(draftFor(rotation, undefined));
    setStep(0);
    setErrors({});
    setSubmitting(false);
  }, [opened, rotation]);

  const update = (patch: Partial<Draft>) => {
    setDraft((current) => ({ ...current, ...patch }));
    setErrors((current) => {
      const next = { ...current };
      for (const field of Object.keys(patch)) {
        if (field === 'clientIdSecret' || field === 'clientSecretSecret') {
          delete next.clientIdSecret;
          delete next.clientSecretSecret;
        } else delete next[field as Field];
      }
      return next;
    });
  };

  const pick = (picked: RotationOption) => {
    setOption(picked);
    setDraft(draftFor(null, picked));
    setStep(0);
    setErrors({});
  };

  const firstInvalidStep = (upTo: number): number | null => {
    for (let index = 0; index < upTo; index += 1) {
      const found = validateStep(index, draft, isEdit);
      if (Object.keys(found).length > 0) return index;
    }
    return null;
  };

  const next = () => {
    const found = validateStep(step, draft, isEdit);
    setErrors(found);
    if (Object.keys(found).length === 0) setStep((current) => Math.min(current + 1, stepLabels.length - 1));
  };

  const back = () => {
    setErrors({});
    if (step === 0 && !isEdit) setOption(null);
    else setStep((current) => Math.max(0, current - 1));
  };

  const goTo = (target: number) => {
    if (target <= step) {
      setErrors({});
      setStep(target);
      return;
    }
    const invalid = firstInvalidStep(target);
    if (invalid === null) {
      setErrors({});
      setStep(target);
    } else {
      setStep(invalid);
      setErrors(validateStep(invalid, draft, isEdit));
    }
  };

  const showServerError = (error: unknown) => {
    const found = error instanceof ApiError && error.status < 500 && error.status !== 0 ? errorsFromServer(error) : {};
    const fields = Object.keys(found) as Field[];
    if (fields.length > 0) {
      setErrors(found);
      setStep(Math.min(...fields.map((field) => fieldStep[field])));
    } else {
      notifyError(`Failed to ${isEdit ? 'update' : 'create'} ${option?.name ?? 'Secret'} Rotation`, error);
    }
  };

  const submit = async () => {
    const invalid = firstInvalidStep(stepLabels.length - 1);
    if (invalid !== null) {
      setStep(invalid);
      setErrors(validateStep(invalid, draft, isEdit));
      return;
    }
    const time = parseTimeOfDay(draft.rotateAt) ?? { hours: 0, minutes: 0 };
    const schedule = {
      isAutoRotationEnabled: draft.isAutoRotationEnabled,
      rotationInterval: Number(draft.rotationInterval),
      rotateAt: time,
      timeZone: draft.timeZone,
    };
    setSubmitting(true);
    try {
      if (rotation) {
        const { secretRotation } = await api('patch', '/api/v2/secret-rotations/azure-client-secret/{rotationId}', {
          params: { rotationId: rotation.id },
          body: { name: draft.name.trim(), description: draft.description.trim() || null, ...schedule },
        });
        notifySuccess(`Successfully updated ${option?.name ?? 'Azure Client Secret'} Rotation`);
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: keys.rotations(projectId) }),
          queryClient.invalidateQueries({ queryKey: keys.rotation(secretRotation.id) }),
        ]);
      } else {
        const application = draft.application ?? { objectId: '', clientId: '', appName: '' };
        const { secretRotation } = await api('post', '/api/v2/secret-rotations/azure-client-secret', {
          body: {
            name: draft.name.trim(),
            ...(draft.description.trim() ? { description: draft.description.trim() } : {}),
            connectionId: draft.connectionId ?? '',
            projectId,
            environment,
            secretPath,
            ...schedule,
            parameters: { objectId: application.objectId, clientId: application.clientId, appName: application.appName },
            secretsMapping: { clientId: draft.clientIdSecret, clientSecret: draft.clientSecretSecret },
          },
        });
        notifySuccess(`Successfully created ${option?.name ?? 'Azure Client Secret'} Rotation`);
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: keys.rotations(projectId) }),
          queryClient.invalidateQueries({ queryKey: keys.allSecrets(projectId) }),
        ]);
        onCreated?.(secretRotation);
      }
      onClose();
    } catch (error) {
      showServerError(error);
    } finally {
      setSubmitting(false);
    }
  };

  const connection = useMemo(() => connections.data?.find((item) => item.id === draft.connectionId), [connections.data, draft.connectionId]);
  const stepProps: StepProps = { draft, errors, update, isEdit };
  const title = isEdit ? `Edit ${rotation?.name ?? ''}` : option ? `Add ${option.name} Rotation` : 'Add Secret Rotation';
  const isLast = step === stepLabels.length - 1;

  return (
    <>
      <Modal
        opened={opened}
        onClose={onClose}
        size={960}
        title={
          <Group gap={8}>
            {option ? <AzureLogo size={18} /> : null}
            <Text fw={600}>{title}</Text>
          </Group>
        }
        // A draft is work: a stray click must not discard it, nor Escape meant for the connection dialog on top.
        closeOnClickOutside={false}
        closeOnEscape={!creatingConnection}
      >
        {!option ? (
          <ProviderPicker onPick={pick} />
        ) : (
          <Stack gap="lg">
            <Stepper active={step} onStepClick={goTo} size="sm" allowNextStepsSelect={false} aria-label="Secret rotation steps">
              {stepLabels.map((label, index) => (
                <Stepper.Step key={label} label={label} aria-label={`Step ${index + 1}: ${label}`} />
              ))}
            </Stepper>
            <div data-testid={`wizard-step-${step + 1}`} aria-live="polite">
              {step === 0 ? <ConfigurationStep {...stepProps} onCreateConnection={() => setCreatingConnection(true)} /> : null}
              {step === 1 ? <ParametersStep {...stepProps} /> : null}
              {step === 2 ? <MappingsStep {...stepProps} /> : null}
              {step === 3 ? <DetailsStep {...stepProps} /> : null}
              {step === 4 ? <ReviewStep draft={draft} connection={connection} environment={environment} secretPath={isEdit ? (rotation?.secretPath ?? secretPath) : secretPath} /> : null}
            </div>
            <Group justify="space-between">
              {isEdit && step === 0 ? (
                <Button variant="default" onClick={onClose}>
                  Cancel
                </Button>
              ) : (
                <Button variant="default" leftSection={<IconArrowLeft size={16} />} onClick={back} disabled={submitting}>
                  Back
                </Button>
              )}
              <Group gap="sm">
                {isEdit && !isLast ? (
                  <Anchor component="button" type="button" size="sm" onClick={() => goTo(stepLabels.length - 1)}>
                    Skip to review
                  </Anchor>
                ) : null}
                {isLast ? (
                  <Button onClick={() => void submit()} loading={submitting} leftSection={isEdit ? null : <IconPlus size={16} />}>
                    {isEdit ? 'Update Secret Rotation' : 'Create Secret Rotation'}
                  </Button>
                ) : (
                  <Button onClick={next}>Next</Button>
                )}
              </Group>
            </Group>
          </Stack>
        )}
      </Modal>
      <ConnectionFormModal
        opened={creatingConnection}
        onClose={() => setCreatingConnection(false)}
        onSaved={(saved) => update({ connectionId: saved.id, application: null })}
        oauthReturnTo={window.location.pathname + window.location.search}
      />
    </>
  );
}
