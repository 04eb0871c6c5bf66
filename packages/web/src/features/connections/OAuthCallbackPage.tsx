import { Alert, Button, Group, Paper, Stack, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, errorMessage } from '../../api/client';
import { keys } from '../../api/queries';
import { AzureLogo, IconAlert } from '../../components/icons';
import { PageHeader } from '../../components/PageHeader';
import { LoadingState } from '../../components/states';
import { notifySuccess } from '../../lib/notify';
import { takeOAuthDraft } from './oauth-draft';

type Callback = { code: string | null; state: string | null; error: string | null; errorDescription: string | null };

/** Reads Entra ID's answer once and removes it from the address bar, so the one-time code leaves no trace. */
function useCallbackParams(): Callback {
  const [params] = useState<Callback>(() => {
    const search = new URLSearchParams(window.location.search);
    return { code: search.get('code'), state: search.get('state'), error: search.get('error'), errorDescription: search.get('error_description') };
  });
  useEffect(() => {
    if (window.location.search) window.history.replaceState(window.history.state, '', window.location.pathname);
  }, []);
  return params;
}

type Outcome = { status: 'working' } | { status: 'failed'; message: string; returnTo: string };

/** `/organization/app-connections/azure/oauth/callback`: finishes the OAuth method by posting the code. */
export function OAuthCallbackPage() {
  const params = useCallbackParams();
  const [outcome, setOutcome] = useState<Outcome>({ status: 'working' });
  const started = useRef(false);
  const navigate = useNavigate();
  const queryClient = useQueryClient();

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const draft = takeOAuthDraft();
    const returnTo = draft?.returnTo ?? '/organization/app-connections';
    if (params.error) {
      setOutcome({ status: 'failed', message: `Azure refused the sign-in: ${params.errorDescription ?? params.error}`, returnTo });
      return;
    }
    if (!params.code || !params.state) {
      setOutcome({ status: 'failed', message: 'The answer from Azure has no authorization code. Start the connection again.', returnTo });
      return;
    }
    if (!draft) {
      setOutcome({ status: 'failed', message: 'This browser tab did not start the connection (or it was already finished). Start it again from App Connections.', returnTo });
      return;
    }
    const credentials = { tenantId: draft.tenantId, code: params.code, state: params.state };
    const description = draft.description || null;
    const request = draft.connectionId
      ? api('patch', '/api/v1/app-connections/azure-client-secrets/{connectionId}', {
          params: { connectionId: draft.connectionId },
          body: { name: draft.name, description, credentials },
        })
      : api('post', '/api/v1/app-connections/azure-client-secrets', { body: { name: draft.name, description, method: 'oauth', credentials } });
    request
      .then(async ({ appConnection }) => {
        await queryClient.invalidateQueries({ queryKey: keys.connections });
        notifySuccess(`${draft.connectionId ? 'Reconnected' : 'Connected'} Azure connection ${appConnection.name}`);
        navigate(returnTo, { replace: true });
      })
      .catch((error: unknown) => setOutcome({ status: 'failed', message: errorMessage(error), returnTo }));
  }, [params, navigate, queryClient]);

  return (
    <>
      <PageHeader title="Connect to Azure" />
      <Paper withBorder p="xl" radius="md" maw={640}>
        {outcome.status === 'working' ? (
          <Stack align="center">
            <AzureLogo size={32} />
            <LoadingState label="Finishing the Azure connection…" minHeight={80} />
          </Stack>
        ) : (
          <Stack>
            <Alert color="red" variant="light" icon={<IconAlert />} title="The connection was not created" role="alert">
              {outcome.message}
            </Alert>
            <Text size="sm" c="dimmed">
              Nothing was saved. Check the tenant ID and that you consented with an account allowed to manage applications, then try again.
            </Text>
            <Group>
              <Button component={Link} to={outcome.returnTo}>
                Back
              </Button>
            </Group>
          </Stack>
        )}
      </Paper>
    </>
  );
}
