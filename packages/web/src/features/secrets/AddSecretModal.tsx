import { Button, Group, Modal, Stack, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { ApiError, api } from '../../api/client';
import { keys } from '../../api/queries';
import { notifyError, notifySuccess } from '../../lib/notify';
import { folderNameProblem, secretNameProblem } from '../../lib/validation';
import type { SecretLocation } from './location';

export function AddSecretModal({ opened, onClose, location }: { opened: boolean; onClose(): void; location: SecretLocation }) {
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [comment, setComment] = useState('');
  const [errors, setErrors] = useState<{ key?: string; value?: string }>({});
  const queryClient = useQueryClient();
  useEffect(() => {
    if (opened) {
      setKey('');
      setValue('');
      setComment('');
      setErrors({});
    }
  }, [opened]);
  const create = useMutation({
    mutationFn: () =>
      api('post', '/api/v3/secrets/raw/{secretName}', {
        params: { secretName: key },
        body: { workspaceId: location.projectId, environment: location.environment, secretPath: location.secretPath, secretValue: value, secretComment: comment, type: 'shared' },
      }),
    onSuccess: async ({ secret }) => {
      notifySuccess(`Created secret ${secret.secretKey}`);
      await queryClient.invalidateQueries({ queryKey: keys.secrets(location.projectId, location.environment, location.secretPath) });
      onClose();
    },
    onError: (error) => {
      if (error instanceof ApiError && (error.status === 400 || error.status === 409)) {
        const valueProblem = error.fieldMessage('secretValue');
        setErrors(valueProblem ? { value: valueProblem } : { key: error.fieldMessage('secretName') ?? error.message });
      } else notifyError('Failed to create secret', error);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problem = secretNameProblem(key);
    setErrors(problem ? { key: problem } : {});
    if (!problem) create.mutate();
  };
  return (
    <Modal opened={opened} onClose={onClose} title="Add secret" size="lg">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <TextInput label="Key" placeholder="DATABASE_URL" required value={key} onChange={(e) => setKey(e.currentTarget.value)} error={errors.key} classNames={{ input: 'mono' }} autoComplete="off" data-autofocus />
          <Textarea
            label="Value"
            value={value}
            onChange={(e) => setValue(e.currentTarget.value)}
            error={errors.value}
            autosize
            minRows={2}
            maxRows={10}
            classNames={{ input: 'mono' }}
            autoComplete="off"
            spellCheck={false}
          />
          <TextInput label="Comment" placeholder="Where this value comes from (optional)" value={comment} onChange={(e) => setComment(e.currentTarget.value)} />
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Add secret
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function AddFolderModal({ opened, onClose, location }: { opened: boolean; onClose(): void; location: SecretLocation }) {
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const queryClient = useQueryClient();
  useEffect(() => {
    if (opened) {
      setName('');
      setError(null);
    }
  }, [opened]);
  const create = useMutation({
    mutationFn: () =>
      api('post', '/api/v1/folders', { body: { workspaceId: location.projectId, environment: location.environment, path: location.secretPath, name: name.trim() } }),
    onSuccess: async ({ folder }) => {
      notifySuccess(`Created folder ${folder.name}`);
      await queryClient.invalidateQueries({ queryKey: keys.folders(location.projectId, location.environment, location.secretPath) });
      onClose();
    },
    onError: (caught) => {
      if (caught instanceof ApiError && (caught.status === 400 || caught.status === 409)) setError(caught.message);
      else notifyError('Failed to create folder', caught);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problem = folderNameProblem(name.trim());
    setError(problem);
    if (!problem) create.mutate();
  };
  return (
    <Modal opened={opened} onClose={onClose} title="Add folder">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <TextInput
            label="Folder name"
            description={`Created inside ${location.secretPath} in ${location.environment}`}
            placeholder="api"
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={error}
            data-autofocus
          />
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Add folder
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
