import { Alert, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { ApiError, errorMessage } from '../../api/client';
import { IconAlert, IconInfo } from '../../components/icons';
import { useSession } from '../../session/session';
import { AuthCard } from './AuthCard';

type LocationState = { from?: string; reason?: 'expired' | 'signed-out' } | null;

export function LoginPage() {
  const { signIn } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const state = location.state as LocationState;
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!email.trim() || !password) {
      setError('Enter your email and password');
      return;
    }
    setSubmitting(true);
    setError(null);
    try {
      await signIn(email.trim(), password);
      navigate(state?.from && state.from !== '/login' ? state.from : '/', { replace: true });
    } catch (caught) {
      setError(caught instanceof ApiError && caught.status === 401 ? 'Wrong email or password' : errorMessage(caught));
      setSubmitting(false);
    }
  };

  return (
    <AuthCard title="Sign in" description="Sign in to manage secrets, connections and rotations.">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          {state?.reason === 'expired' ? (
            <Alert color="blue" variant="light" icon={<IconInfo />}>
              Your session ended. Sign in again to continue.
            </Alert>
          ) : null}
          {error ? (
            <Alert color="red" variant="light" icon={<IconAlert />} role="alert">
              {error}
            </Alert>
          ) : null}
          <TextInput label="Email" type="email" autoComplete="username" required value={email} onChange={(event) => setEmail(event.currentTarget.value)} data-autofocus />
          <PasswordInput label="Password" autoComplete="current-password" required value={password} onChange={(event) => setPassword(event.currentTarget.value)} />
          <Button type="submit" loading={submitting} mt="xs" fullWidth>
            Sign in
          </Button>
        </Stack>
      </form>
    </AuthCard>
  );
}
