import { Alert, Anchor, Button, FileButton, Group, Modal, PasswordInput, Select, Stack, Switch, Text, Textarea, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { ApiError, api } from '../../api/client';
import { keys, useConnectionOptions } from '../../api/queries';
import type { AppConnection, AzureConnectionMethod } from '../../api/types';
import { AzureLogo, IconAlert, IconInfo } from '../../components/icons';
import { notifyError, notifySuccess } from '../../lib/notify';
import { guidProblem, slugProblem } from '../../lib/validation';
import { saveOAuthDraft } from './oauth-draft';

export const methodLabels: Record<AzureConnectionMethod, string> = {
  'client-secret': 'Client Secret',
  certificate: 'Certificate',
  oauth: 'OAuth (Connect to Azure)',
};

type Fields = {
  name: string;
  description: string;
  method: AzureConnectionMethod;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  certificateBody: string;
  privateKey: string;
};
type FieldName = keyof Fields;
type Errors = Partial<Record<FieldName, string>>;

const empty: Fields = { name: '', description: '', method: 'client-secret', tenantId: '', clientId: '', clientSecret: '', certificateBody: '', privateKey: '' };

function validate(fields: Fields, withCredentials: boolean): Errors {
  const errors: Errors = {};
  const name = slugProblem(fields.name);
  if (name) errors.name = name;
  if (fields.description.length > 256) errors.description = 'Description must be at most 256 characters';
  if (!withCredentials) return errors;
  const tenant = guidProblem(fields.tenantId, 'Tenant ID');
  if (tenant) errors.tenantId = tenant;
  if (fields.method !== 'oauth') {
    const client = guidProblem(fields.clientId, 'Client ID');
    if (client) errors.clientId = client;
  }
  if (fields.method === 'client-secret' && fields.clientSecret.trim() === '') errors.clientSecret = 'Client secret is required';
  if (fields.method === 'certificate') {
    if (fields.certificateBody.trim() === '') errors.certificateBody = 'Paste or upload the certificate (PEM)';
    if (fields.privateKey.trim() === '') errors.privateKey = 'Paste or upload the private key (PEM)';
  }
  return errors;
}

/** Maps the server's field paths (`body.credentials.clientSecret`) onto the form's fields. */
function errorsFromServer(error: ApiError): Errors {
  const found: Errors = {};
  for (const detail of error.details) {
    const field = detail.path.split('.').at(-1) as FieldName | undefined;
    if (field && field in empty) found[field] = detail.message;
  }
  if (Object.keys(found).length === 0 && error.status === 409 && /name/i.test(error.message)) found.name = error.message;
  return found;
}

function credentialsOf(fields: Fields) {
  const tenantId = fields.tenantId.trim();
  if (fields.method === 'certificate') {
    return { tenantId, clientId: fields.clientId.trim(), certificateBody: fields.certificateBody.trim(), privateKey: fields.privateKey.trim() };
  }
  return { tenantId, clientId: fields.clientId.trim(), clientSecret: fields.clientSecret.trim() };
}

async function readFile(file: File | null): Promise<string | null> {
  return file ? file.text() : null;
}

type ConnectionFormModalProps = {
  opened: boolean;
  onClose(): void;
  /** The connection being edited; absent to create one. */
  connection?: AppConnection | null;
  onSaved?(connection: AppConnection): void;
  /** Where the OAuth method returns after consent (defaults to the connections page). */
  oauthReturnTo?: string;
};

/** Create or edit an Azure Client Secrets connection: client secret, certificate or OAuth consent. */
export function ConnectionFormModal({ opened, onClose, connection, onSaved, oauthReturnTo }: ConnectionFormModalProps) {
  const isEdit = Boolean(connection);
  const [fields, setFields] = useState<Fields>(empty);
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [updateCredentials, setUpdateCredentials] = useState(!isEdit);
  const [submitting, setSubmitting] = useState(false);
  const options = useConnectionOptions();
  const azureOption = options.data?.find((option) => option.app === 'azure-client-secrets');
  const oauthAvailable = Boolean(azureOption?.oauthClientId);
  const queryClient = useQueryClient();

  useEffect(() => {
    if (!opened) return;
    setFields(
      connection
        ? { ...empty, name: connection.name, description: connection.description ?? '', method: connection.method, tenantId: connection.credentials.tenantId, clientId: connection.credentials.clientId ?? '' }
        : empty,
    );
    setErrors({});
    setFormError(null);
    setUpdateCredentials(!connection);
    setSubmitting(false);
  }, [opened, connection]);

  const set = (name: FieldName) => (value: string) => {
    setFields((current) => ({ ...current, [name]: value }));
    setErrors((current) => ({ ...current, [name]: undefined }));
  };
  const input = (name: FieldName) => ({
    value: fields[name],
    onChange: (event: { currentTarget: { value: string } }) => set(name)(event.currentTarget.value),
    error: errors[name],
  });

  const startOAuth = async () => {
    const { url } = await api('get', '/api/v1/app-connections/azure-client-secrets/oauth/authorize-url', { query: { tenantId: fields.tenantId.trim() } });
    saveOAuthDraft({
      connectionId: connection?.id ?? null,
      name: fields.name.trim(),
      description: fields.description.trim(),
      tenantId: fields.tenantId.trim(),
      returnTo: oauthReturnTo ?? '/organization/app-connections',
    });
    window.location.assign(url);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = validate(fields, updateCredentials);
    setErrors(found);
    setFormError(null);
    if (Object.keys(found).length > 0) return;
    setSubmitting(true);
    try {
      if (updateCredentials && fields.method === 'oauth') {
        await startOAuth();
        return;
      }
      const description = fields.description.trim() || null;
      const saved = connection
        ? (
            await api('patch', '/api/v1/app-connections/azure-client-secrets/{connectionId}', {
              params: { connectionId: connection.id },
              body: { name: fields.name.trim(), description, ...(updateCredentials ? { credentials: credentialsOf(fields) } : {}) },
            })
          ).appConnection
        : (
            await api('post', '/api/v1/app-connections/azure-client-secrets', {
              body:
                fields.method === 'certificate'
                  ? { name: fields.name.trim(), description, method: 'certificate', credentials: credentialsOf(fields) as { tenantId: string; clientId: string; certificateBody: string; privateKey: string } }
                  : { name: fields.name.trim(), description, method: 'client-secret', credentials: credentialsOf(fields) as { tenantId: string; clientId: string; clientSecret: string } },
            })
          ).appConnection;
      await queryClient.invalidateQueries({ queryKey: keys.connections });
      notifySuccess(`${isEdit ? 'Updated' : 'Created'} Azure connection ${saved.name}`);
      onSaved?.(saved);
      onClose();
    } catch (error) {
      setSubmitting(false);
      if (error instanceof ApiError && error.status < 500 && error.status !== 0) {
        const fromServer = errorsFromServer(error);
        setErrors(fromServer);
        // Azure's answer (wrong secret, missing permission) is about the credentials as a whole: show it above them.
        if (Object.keys(fromServer).length === 0) setFormError(error.message);
      } else {
        notifyError(`Failed to ${isEdit ? 'update' : 'create'} Azure connection`, error);
      }
    }
  };

  const methodOptions = (['client-secret', 'certificate', 'oauth'] as const).map((method) => ({
    value: method,
    label: methodLabels[method],
    disabled: method === 'oauth' && !oauthAvailable && connection?.method !== 'oauth',
  }));

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      size="lg"
      title={
        <Group gap={8}>
          <AzureLogo size={18} />
          <Text fw={600}>{isEdit ? `Edit connection ${connection?.name ?? ''}` : 'Add Azure Client Secrets connection'}</Text>
        </Group>
      }
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Text size="sm" c="dimmed">
            Rekey uses this connection to add and remove client secrets on your applications through Microsoft Graph. The connection’s app needs the
            Application.ReadWrite.OwnedBy permission (and must own the applications it rotates) or Application.ReadWrite.All.
          </Text>
          {formError ? (
            <Alert color="red" variant="light" icon={<IconAlert />} title="Azure did not accept this connection" role="alert">
              {formError}
            </Alert>
          ) : null}
          <TextInput label="Name" description="Must be slug-friendly" placeholder="my-azure-connection" required {...input('name')} data-autofocus />
          <Textarea label="Description" placeholder="Which tenant or team this connection is for (optional)" autosize minRows={2} {...input('description')} />
          <Select
            label="Method"
            data={methodOptions}
            value={fields.method}
            onChange={(value) => value && set('method')(value)}
            allowDeselect={false}
            disabled={isEdit}
            description={isEdit ? 'The method cannot be changed after creation' : undefined}
          />
          {isEdit ? (
            <Switch
              label="Replace credentials"
              description={updateCredentials ? 'The new credentials are checked against Azure before they are saved.' : 'The current credentials stay as they are.'}
              checked={updateCredentials}
              onChange={(event) => setUpdateCredentials(event.currentTarget.checked)}
            />
          ) : null}
          {updateCredentials ? (
            <>
              <TextInput label="Tenant ID" description="Directory (tenant) ID from the app registration's overview" placeholder="00000000-0000-0000-0000-000000000000" required className="mono" {...input('tenantId')} />
              {fields.method !== 'oauth' ? (
                <TextInput label="Client ID" description="Application (client) ID of the app Rekey signs in as" placeholder="00000000-0000-0000-0000-000000000000" required {...input('clientId')} />
              ) : null}
              {fields.method === 'client-secret' ? (
                <PasswordInput label="Client Secret" description="The secret's Value (not its ID); it is stored encrypted and never shown again" required autoComplete="off" {...input('clientSecret')} />
              ) : null}
              {fields.method === 'certificate' ? (
                <>
                  <Textarea
                    label="Certificate"
                    description="X.509 certificate (PEM) uploaded to the app registration"
                    placeholder="-----BEGIN CERTIFICATE-----"
                    required
                    autosize
                    minRows={3}
                    maxRows={8}
                    classNames={{ input: 'mono' }}
                    {...input('certificateBody')}
                  />
                  <Group justify="flex-end" mt={-6}>
                    <FileButton onChange={(file) => void readFile(file).then((text) => text !== null && set('certificateBody')(text))} accept=".pem,.crt,.cer">
                      {(props) => (
                        <Anchor component="button" type="button" size="xs" {...props}>
                          Load certificate from file
                        </Anchor>
                      )}
                    </FileButton>
                  </Group>
                  <Textarea
                    label="Private Key"
                    description="Unencrypted private key (PEM, PKCS#8 or PKCS#1); stored encrypted"
                    placeholder="-----BEGIN PRIVATE KEY-----"
                    required
                    autosize
                    minRows={3}
                    maxRows={8}
                    classNames={{ input: 'mono' }}
                    autoComplete="off"
                    {...input('privateKey')}
                  />
                  <Group justify="flex-end" mt={-6}>
                    <FileButton onChange={(file) => void readFile(file).then((text) => text !== null && set('privateKey')(text))} accept=".pem,.key">
                      {(props) => (
                        <Anchor component="button" type="button" size="xs" {...props}>
                          Load private key from file
                        </Anchor>
                      )}
                    </FileButton>
                  </Group>
                </>
              ) : null}
              {fields.method === 'oauth' ? (
                <Alert color="blue" variant="light" icon={<IconInfo />}>
                  You will be sent to Microsoft to sign in and consent; Entra ID then returns you to Rekey, which finishes the connection. Rekey keeps the
                  refresh token encrypted and never shows it.
                </Alert>
              ) : null}
            </>
          ) : null}
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={onClose} disabled={submitting}>
              Cancel
            </Button>
            <Button type="submit" loading={submitting}>
              {updateCredentials && fields.method === 'oauth'
                ? isEdit
                  ? 'Reconnect to Azure'
                  : 'Connect to Azure'
                : isEdit
                  ? 'Save changes'
                  : 'Create connection'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
