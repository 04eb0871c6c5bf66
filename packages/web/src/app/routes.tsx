import { createBrowserRouter, Navigate } from 'react-router';
import { AuditLogsPage } from '../features/audit/AuditLogsPage';
import { AcceptInvitePage } from '../features/auth/AcceptInvitePage';
import { BootstrapPage } from '../features/auth/BootstrapPage';
import { LoginPage } from '../features/auth/LoginPage';
import { ConnectionsPage } from '../features/connections/ConnectionsPage';
import { OAuthCallbackPage } from '../features/connections/OAuthCallbackPage';
import { IdentitiesPage } from '../features/identities/IdentitiesPage';
import { MembersPage } from '../features/members/MembersPage';
import { ProjectAccessPage } from '../features/projects/ProjectAccessPage';
import { ProjectHome } from '../features/projects/ProjectHome';
import { ProjectsPage } from '../features/projects/ProjectsPage';
import { RotationPage } from '../features/rotations/RotationPage';
import { SecretsDashboard } from '../features/secrets/SecretsDashboard';
import { AppLayout } from './AppLayout';
import { PublicOnly, RequireSession } from './guards';
import { NotFoundPage } from './NotFoundPage';

export function createRouter() {
  return createBrowserRouter([
    {
      path: '/setup',
      element: (
        <PublicOnly page="setup">
          <BootstrapPage />
        </PublicOnly>
      ),
    },
    {
      path: '/login',
      element: (
        <PublicOnly page="login">
          <LoginPage />
        </PublicOnly>
      ),
    },
    { path: '/signup/invite', element: <AcceptInvitePage /> },
    {
      path: '/',
      element: (
        <RequireSession>
          <AppLayout />
        </RequireSession>
      ),
      children: [
        { index: true, element: <Navigate to="/organization/projects" replace /> },
        { path: 'organization', element: <Navigate to="/organization/projects" replace /> },
        { path: 'organization/projects', element: <ProjectsPage /> },
        { path: 'organization/members', element: <MembersPage /> },
        { path: 'organization/identities', element: <IdentitiesPage /> },
        { path: 'organization/app-connections', element: <ConnectionsPage /> },
        { path: 'organization/app-connections/azure/oauth/callback', element: <OAuthCallbackPage /> },
        { path: 'organization/audit-logs', element: <AuditLogsPage /> },
        { path: 'projects/:projectId', element: <ProjectHome /> },
        { path: 'projects/:projectId/secrets', element: <ProjectHome /> },
        { path: 'projects/:projectId/secrets/:envSlug', element: <SecretsDashboard /> },
        { path: 'projects/:projectId/rotations/:rotationId', element: <RotationPage /> },
        { path: 'projects/:projectId/access', element: <ProjectAccessPage /> },
        { path: '*', element: <NotFoundPage /> },
      ],
    },
  ]);
}
