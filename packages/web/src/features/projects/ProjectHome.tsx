import { Navigate, useParams } from 'react-router';
import { useProject } from '../../api/queries';
import { ErrorState, LoadingState } from '../../components/states';

/** `/projects/:id` opens the first environment's secrets. */
export function ProjectHome() {
  const { projectId = '' } = useParams();
  const project = useProject(projectId);
  if (project.isPending) return <LoadingState label="Loading project…" />;
  if (project.isError) return <ErrorState error={project.error} title="Could not open this project" />;
  return <Navigate to={`/projects/${projectId}/secrets/${project.data.environments[0]?.slug ?? 'dev'}`} replace />;
}
