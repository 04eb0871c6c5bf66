import { Alert, Button, Group, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { ApiError, api, errorMessage } from '../../api/client';
import { IconAlert } from '../../components/icons';
import { LoadingState } from '../../components/states';
import { useSession } from '../../session/session';
import { AuthCard } from './AuthCard';

type Invite = { email: string; token: string };

/**
 * The one-time token arrives in the link's query string. It is read once into memory and the address bar is
 * cleaned at once, so the token does not linger in history, bookmarks or referrers.
 */
function useInviteFromUrl(): Invite | null {
  const [invite] = useState<Invite | null>(() => {
    const params = new URLSearchParams(window.location.search);
    const token = params.get('token');
    const email = params.get('email');
    return token && email ? { token, email } : null;
  });
  useEffect(() => {
    if (window.location.search) window.history.replaceState(window.history.state, '', window.location.pathname);
  }, []);
  return invite;
}

export function AcceptInvitePage() {
  const invite = useInviteFromUrl();
  const { adopt, state } = useSession();
  const navigate = useNavigate();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [firstName, setFirstName] = useState('');
  const [lastName, setLastName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  const verified = useQuery({
    queryKey: ['invite', invite?.email, invite?.token],
    queryFn: async () => (await api('post', '/api/v1/invite-org/verify', { body: { email: invite?.email ?? '', token: invite?.token ?? '' } })).invitation,
    enabled: invite !== null,
    retry: false,
    staleTime: Number.POSITIVE_INFINITY,
  });

  if (!invite) {
    return (
      <AuthCard title="Invitation link incomplete">
        <Text size="sm">This link is missing its token. Open the link from your invitation again, or ask an administrator to re-send it.</Text>
      </AuthCard>
    );
  }
  if (verified.isPending) {
    return (
      <AuthCard title="Join organization">
        <LoadingState label="Checking your invitation…" minHeight={80} />
      </AuthCard>
    );
  }
  if (verified.isError) {
    return (
      <AuthCard title="Invitation not valid">
        <Alert color="red" variant="light" icon={<IconAlert />} role="alert">
          {errorMessage(verified.error)}
        </Alert>
      </AuthCard>
    );
  }
  const invitation = verified.data;
  const needsPassword = invitation.needsPassword;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (needsPassword && password.length < 10) return setError('Use a password of at least 10 characters');
    if (needsPassword && password !== confirm) return setError('The passwords do not match');
    if (!password) return setError('Enter your password');
    setSubmitting(true);
    try {
      const result = await api('post', '/api/v1/invite-org/accept', {
        body: {
          email: invite.email,
          token: invite.token,
          password,
          ...(firstName.trim() ? { firstName: firstName.trim() } : {}),
          ...(lastName.trim() ? { lastName: lastName.trim() } : {}),
        },
      });
      await adopt(result.accessToken, result.expiresIn);
      navigate('/', { replace: true });
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : errorMessage(caught));
      setSubmitting(false);
    }
  };

  return (
    <AuthCard
      title={`Join ${invitation.organization.name}`}
      description={
        <>
          You were invited as <strong>{invitation.email}</strong> with the <strong>{invitation.role}</strong> role.
        </>
      }
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          {state.status === 'signed-in' ? (
            <Alert color="yellow" variant="light">
              You are signed in as {state.me.user.email}. Accepting switches this browser to the invited account.
            </Alert>
          ) : null}
          {error ? (
            <Alert color="red" variant="light" icon={<IconAlert />} role="alert">
              {error}
            </Alert>
          ) : null}
          {needsPassword ? (
            <>
              <Group grow>
                <TextInput label="First name" autoComplete="given-name" value={firstName} onChange={(e) => setFirstName(e.currentTarget.value)} />
                <TextInput label="Last name" autoComplete="family-name" value={lastName} onChange={(e) => setLastName(e.currentTarget.value)} />
              </Group>
              <PasswordInput
                label="Choose a password"
                description="At least 10 characters."
                autoComplete="new-password"
                required
                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
              />
              <PasswordInput label="Confirm password" autoComplete="new-password" required value={confirm} onChange={(e) => setConfirm(e.currentTarget.value)} />
            </>
          ) : (
            <PasswordInput
              label="Your Rekey password"
              description="You already have an account: confirm with its password."
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
          )}
          <Button type="submit" loading={submitting} fullWidth mt="xs">
            Accept invitation
          </Button>
        </Stack>
      </form>
    </AuthCard>
  );
}
