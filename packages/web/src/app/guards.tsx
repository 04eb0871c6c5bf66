import { Button, Center, Stack } from '@mantine/core';
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { ErrorState, LoadingState } from '../components/states';
import { useSession } from '../session/session';

/** Paths whose query string must not travel into the sign-in redirect (they carry one-time codes). */
const sensitivePaths = ['/organization/app-connections/azure/oauth/callback'];

function FullPage({ children }: { children: ReactNode }) {
  return (
    <Center mih="100vh" p="md">
      {children}
    </Center>
  );
}

/** Renders its children only with a session; otherwise sends the person to set-up or sign-in. */
export function RequireSession({ children }: { children: ReactNode }) {
  const { state, reload } = useSession();
  const location = useLocation();
  if (state.status === 'loading') {
    return (
      <FullPage>
        <LoadingState label="Loading Rekey…" />
      </FullPage>
    );
  }
  if (state.status === 'unreachable') {
    return (
      <FullPage>
        <Stack maw={480} w="100%">
          <ErrorState error={new Error(state.message)} title="Rekey is not reachable" onRetry={() => void reload()} />
        </Stack>
      </FullPage>
    );
  }
  if (state.status === 'needs-bootstrap') return <Navigate to="/setup" replace />;
  if (state.status === 'signed-out') {
    const keepSearch = !sensitivePaths.includes(location.pathname);
    const from = `${location.pathname}${keepSearch ? location.search : ''}`;
    return <Navigate to="/login" replace state={{ from, reason: state.reason }} />;
  }
  return <>{children}</>;
}

/** Sign-in and set-up pages: only without a session. */
export function PublicOnly({ children, page }: { children: ReactNode; page: 'login' | 'setup' }) {
  const { state, reload } = useSession();
  if (state.status === 'loading') {
    return (
      <FullPage>
        <LoadingState label="Loading Rekey…" />
      </FullPage>
    );
  }
  if (state.status === 'unreachable') {
    return (
      <FullPage>
        <Stack maw={480} w="100%">
          <ErrorState error={new Error(state.message)} title="Rekey is not reachable" onRetry={() => void reload()} />
          <Button variant="default" onClick={() => void reload()}>
            Try again
          </Button>
        </Stack>
      </FullPage>
    );
  }
  if (state.status === 'signed-in') return <Navigate to="/" replace />;
  if (page === 'login' && state.status === 'needs-bootstrap') return <Navigate to="/setup" replace />;
  if (page === 'setup' && state.status !== 'needs-bootstrap') return <Navigate to="/login" replace />;
  return <>{children}</>;
}
