import { Center, Group, Paper, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { IconKey } from '../../components/icons';
import { useDocumentTitle } from '../../components/PageHeader';

/** The frame of the pages shown without a session: brand, title, one card. */
export function AuthCard({ title, description, children }: { title: string; description?: ReactNode; children: ReactNode }) {
  useDocumentTitle(title);
  return (
    <Center mih="100vh" p="md" component="main">
      <Stack w="100%" maw={440} gap="lg">
        <Group gap={10} justify="center">
          <ThemeIcon size={36} radius="md" color="indigo">
            <IconKey size={20} />
          </ThemeIcon>
          <Text fw={700} size="xl">
            Rekey
          </Text>
        </Group>
        <Paper withBorder shadow="sm" radius="lg" p="xl">
          <Stack gap="md">
            <div>
              <Title order={1} size="h3">
                {title}
              </Title>
              {description ? (
                <Text size="sm" c="dimmed" mt={4}>
                  {description}
                </Text>
              ) : null}
            </div>
            {children}
          </Stack>
        </Paper>
      </Stack>
    </Center>
  );
}
