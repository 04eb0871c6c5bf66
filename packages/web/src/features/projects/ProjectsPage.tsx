import { Badge, Button, Card, Group, Modal, SimpleGrid, Stack, Text, Textarea, TextInput, UnstyledButton } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { ApiError, api } from '../../api/client';
import { keys, useProjects } from '../../api/queries';
import type { Project } from '../../api/types';
import { IconGrid, IconPlus } from '../../components/icons';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { formatLocalDate } from '../../lib/time';
import { notifyError, notifySuccess } from '../../lib/notify';

function CreateProjectModal({ opened, onClose }: { opened: boolean; onClose(): void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [error, setError] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const create = useMutation({
    mutationFn: () =>
      api('post', '/api/v2/workspace', { body: { projectName: name.trim(), ...(description.trim() ? { projectDescription: description.trim() } : {}) } }),
    onSuccess: async ({ project }) => {
      await queryClient.invalidateQueries({ queryKey: keys.projects });
      notifySuccess(`Project ${project.name} created with environments ${project.environments.map((env) => env.slug).join(', ')}`);
      close();
      navigate(`/projects/${project.id}/secrets/${project.environments[0]?.slug ?? 'dev'}`);
    },
    onError: (caught) => {
      if (caught instanceof ApiError && caught.status === 400) setError(caught.fieldMessage('projectName') ?? caught.message);
      else notifyError('Failed to create project', caught);
    },
  });
  const close = () => {
    setName('');
    setDescription('');
    setError(null);
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) {
      setError('Name the project');
      return;
    }
    create.mutate();
  };
  return (
    <Modal opened={opened} onClose={close} title="Create project" centered>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <TextInput
            label="Project name"
            placeholder="Payments"
            required
            value={name}
            onChange={(event) => {
              setName(event.currentTarget.value);
              setError(null);
            }}
            error={error}
            data-autofocus
          />
          <Textarea label="Description" placeholder="What this project holds (optional)" value={description} onChange={(event) => setDescription(event.currentTarget.value)} autosize minRows={2} />
          <Text size="xs" c="dimmed">
            New projects start with the environments Development, Staging and Production.
          </Text>
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create project
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function ProjectCard({ project }: { project: Project }) {
  const env = project.environments[0]?.slug ?? 'dev';
  return (
    <UnstyledButton component={Link} to={`/projects/${project.id}/secrets/${env}`} aria-label={`Open project ${project.name}`}>
      <Card withBorder radius="md" padding="lg" h="100%">
        <Stack gap="xs">
          <Group justify="space-between" wrap="nowrap">
            <Text fw={600} truncate>
              {project.name}
            </Text>
            <Text size="xs" c="dimmed">
              {formatLocalDate(project.createdAt)}
            </Text>
          </Group>
          <Text size="sm" c="dimmed" lineClamp={2} mih={40}>
            {project.description || 'No description'}
          </Text>
          <Group gap={6}>
            {project.environments.map((environment) => (
              <Badge key={environment.id} variant="light" color="gray" size="sm">
                {environment.slug}
              </Badge>
            ))}
          </Group>
        </Stack>
      </Card>
    </UnstyledButton>
  );
}

export function ProjectsPage() {
  const projects = useProjects();
  const [creating, setCreating] = useState(false);
  const createButton = (
    <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
      Create project
    </Button>
  );
  return (
    <>
      <PageHeader title="Projects" description="Each project holds secrets per environment and folder, and the rotations that keep them fresh." actions={createButton} />
      {projects.isPending ? (
        <LoadingState label="Loading projects…" />
      ) : projects.isError ? (
        <ErrorState error={projects.error} onRetry={() => void projects.refetch()} />
      ) : projects.data.length === 0 ? (
        <EmptyState
          icon={<IconGrid />}
          title="No projects yet"
          description="Create a project to store secrets and set up Azure client secret rotation."
          action={createButton}
        />
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md">
          {projects.data.map((project) => (
            <ProjectCard key={project.id} project={project} />
          ))}
        </SimpleGrid>
      )}
      <CreateProjectModal opened={creating} onClose={() => setCreating(false)} />
    </>
  );
}
