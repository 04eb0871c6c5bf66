import { AppShell, Avatar, Box, Burger, Divider, Group, Menu, NavLink, ScrollArea, Text, ThemeIcon, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { Link, Outlet, useLocation, useMatch } from 'react-router';
import { useProject } from '../api/queries';
import { IconChevronDown, IconGrid, IconKey, IconList, IconLogout, IconPlug, IconRobot, IconShield, IconUsers } from '../components/icons';
import { notifyError } from '../lib/notify';
import { useProjectPermissions } from '../lib/permissions';
import { useMe, useSession } from '../session/session';

type Item = { to: string; label: string; icon: ReactNode; match?: (pathname: string) => boolean };

function NavItems({ items, onNavigate }: { items: Item[]; onNavigate(): void }) {
  const { pathname } = useLocation();
  return (
    <>
      {items.map((item) => {
        const active = item.match ? item.match(pathname) : pathname === item.to || pathname.startsWith(`${item.to}/`);
        return (
          <NavLink
            key={item.to}
            component={Link}
            to={item.to}
            label={item.label}
            leftSection={item.icon}
            active={active}
            aria-current={active ? 'page' : undefined}
            onClick={onNavigate}
            variant="light"
            style={{ borderRadius: 'var(--mantine-radius-md)' }}
          />
        );
      })}
    </>
  );
}

function ProjectNav({ projectId, onNavigate }: { projectId: string; onNavigate(): void }) {
  const project = useProject(projectId);
  const permissions = useProjectPermissions(projectId);
  const env = project.data?.environments[0]?.slug ?? 'dev';
  return (
    <>
      <Divider my="sm" />
      <Text size="xs" fw={600} c="dimmed" tt="uppercase" px="sm" mb={4} truncate>
        {project.data ? project.data.name : 'Project'}
      </Text>
      <NavItems
        onNavigate={onNavigate}
        items={[
          {
            to: `/projects/${projectId}/secrets/${env}`,
            label: 'Secrets',
            icon: <IconKey />,
            match: (pathname) => pathname.startsWith(`/projects/${projectId}/secrets`) || pathname.startsWith(`/projects/${projectId}/rotations`),
          },
          ...(permissions.can('members', 'read') ? [{ to: `/projects/${projectId}/access`, label: 'Access control', icon: <IconShield /> }] : []),
        ]}
      />
    </>
  );
}

function UserMenu() {
  const me = useMe();
  const { signOut } = useSession();
  const initials = me.user.email.slice(0, 2).toUpperCase();
  return (
    <Menu position="bottom-end" width={240} shadow="md">
      <Menu.Target>
        <UnstyledButton aria-label="Account menu" px="xs" py={4} style={{ borderRadius: 'var(--mantine-radius-md)' }}>
          <Group gap="xs" wrap="nowrap">
            <Avatar size="sm" radius="xl" color="indigo">
              {initials}
            </Avatar>
            <Box visibleFrom="sm">
              <Text size="sm" fw={500} lh={1.2}>
                {me.user.email}
              </Text>
              <Text size="xs" c="dimmed" lh={1.2}>
                {me.organization.name} · {me.organization.role}
              </Text>
            </Box>
            <IconChevronDown size={14} />
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>Signed in as {me.user.email}</Menu.Label>
        <Menu.Item
          leftSection={<IconLogout size={16} />}
          onClick={() => {
            signOut().catch((error: unknown) => notifyError('Could not sign out', error));
          }}
        >
          Sign out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

/** The app shell: header with account menu, navbar with the organization's and the current project's pages. */
export function AppLayout() {
  const [opened, { toggle, close }] = useDisclosure();
  const projectMatch = useMatch('/projects/:projectId/*');
  const projectId = projectMatch?.params.projectId;
  const me = useMe();
  // Members, identities and the organization's audit log are for organization admins; the API enforces it.
  const isOrgAdmin = me.organization.role === 'admin';
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 248, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="lg">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <UnstyledButton component={Link} to="/" aria-label="Rekey home">
              <Group gap={8} wrap="nowrap">
                <ThemeIcon size={30} radius="md" variant="filled" color="indigo">
                  <IconKey size={18} />
                </ThemeIcon>
                <Text fw={700} size="lg">
                  Rekey
                </Text>
              </Group>
            </UnstyledButton>
          </Group>
          <UserMenu />
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" aria-label="Main navigation">
        <AppShell.Section grow component={ScrollArea}>
          <Text size="xs" fw={600} c="dimmed" tt="uppercase" px="sm" mb={4} truncate>
            {me.organization.name}
          </Text>
          <NavItems
            onNavigate={close}
            items={[
              { to: '/organization/projects', label: 'Projects', icon: <IconGrid /> },
              { to: '/organization/app-connections', label: 'App Connections', icon: <IconPlug /> },
              ...(isOrgAdmin
                ? [
                    { to: '/organization/identities', label: 'Machine Identities', icon: <IconRobot /> },
                    { to: '/organization/members', label: 'Members', icon: <IconUsers /> },
                    { to: '/organization/audit-logs', label: 'Audit Logs', icon: <IconList /> },
                  ]
                : []),
            ]}
          />
          {projectId ? <ProjectNav projectId={projectId} onNavigate={close} /> : null}
        </AppShell.Section>
        <AppShell.Section>
          <Text size="xs" c="dimmed" px="sm" pt="sm">
            Self-hosted secrets with zero-downtime rotation
          </Text>
        </AppShell.Section>
      </AppShell.Navbar>
      <AppShell.Main>
        <Box maw={1280} mx="auto">
          <Outlet />
        </Box>
      </AppShell.Main>
    </AppShell>
  );
}
