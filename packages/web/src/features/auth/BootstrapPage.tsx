import { Alert, Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { ApiError, errorMessage } from '../../api/client';
import { IconAlert } from '../../components/icons';
import { useSession } from '../../session/session';
import { AuthCard } from './AuthCard';

type Fields = { email: string; password: string; confirm: string; organization: string };
type Errors = Partial<Record<keyof Fields, string>>;

function validate(fields: Fields): Errors {
  const errors: Errors = {};
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(fields.email.trim())) errors.email = 'Enter a valid email address';
  if (fields.password.length < 10) errors.password = 'Use at least 10 characters';
  if (fields.confirm !== fields.password) errors.confirm = 'The passwords do not match';
  if (fields.organization.trim() === '') errors.organization = 'Name your organization';
  return errors;
}

/** First run: creates the administrator account and the organization (`POST /api/v1/admin/bootstrap`). */
export function BootstrapPage() {
  const { bootstrap } = useSession();
  const [fields, setFields] = useState<Fields>({ email: '', password: '', confirm: '', organization: '' });
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const set = (name: keyof Fields) => (event: { currentTarget: { value: string } }) => {
    const value = event.currentTarget.value;
    setFields((current) => ({ ...current, [name]: value }));
    setErrors((current) => ({ ...current, [name]: undefined }));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = validate(fields);
    setErrors(found);
    setFormError(null);
    if (Object.keys(found).length > 0) return;
    setSubmitting(true);
    try {
      await bootstrap({ email: fields.email.trim(), password: fields.password, organization: fields.organization.trim() });
    } catch (error) {
      if (error instanceof ApiError && /password/i.test(error.message)) setErrors({ password: error.message });
      else if (error instanceof ApiError && error.fieldMessage('email')) setErrors({ email: error.fieldMessage('email') });
      else setFormError(errorMessage(error));
      setSubmitting(false);
    }
  };

  return (
    <AuthCard
      title="Create the admin account"
      description="This Rekey instance is new. The first account administers it: it creates projects, connects Azure and invites everyone else."
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          {formError ? (
            <Alert color="red" variant="light" icon={<IconAlert />} role="alert">
              {formError}
            </Alert>
          ) : null}
          <TextInput label="Email" type="email" autoComplete="email" required value={fields.email} onChange={set('email')} error={errors.email} data-autofocus />
          <PasswordInput
            label="Password"
            description="At least 10 characters; common passwords are refused."
            autoComplete="new-password"
            required
            value={fields.password}
            onChange={set('password')}
            error={errors.password}
          />
          <PasswordInput label="Confirm password" autoComplete="new-password" required value={fields.confirm} onChange={set('confirm')} error={errors.confirm} />
          <TextInput
            label="Organization name"
            description="Usually your company or team."
            required
            value={fields.organization}
            onChange={set('organization')}
            error={errors.organization}
          />
          <Button type="submit" loading={submitting} mt="xs" fullWidth>
            Create admin account
          </Button>
          <Text size="xs" c="dimmed" ta="center">
            Setting up also creates an admin machine identity for automation.
          </Text>
        </Stack>
      </form>
    </AuthCard>
  );
}
