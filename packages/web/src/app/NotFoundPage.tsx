import { Button } from '@mantine/core';
import { Link } from 'react-router';
import { EmptyState } from '../components/states';

export function NotFoundPage() {
  return (
    <EmptyState
      title="Page not found"
      description="The address does not match any page of the dashboard. It may be out of date."
      action={
        <Button component={Link} to="/" variant="light">
          Go to projects
        </Button>
      }
    />
  );
}
