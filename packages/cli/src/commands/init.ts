import { Command } from 'commander';
import { ApiError } from '../api-client.js';
import { CliError } from '../cli-error.js';
import { type ScopeOptions, type Runtime, authenticatedClient, normalizeSecretPath } from '../context.js';
import { projectConfigName, writeProjectConfig } from '../project-config.js';
import { createPrompter } from '../prompt.js';
import { type Project, isUuid, listProjects } from '../rekey-api.js';
import { optionsOf, withCommonOptions } from './common.js';

type InitOptions = ScopeOptions & { force?: boolean };

function describe(project: Project): string {
  return `${project.name} (${project.slug}, ${project.id})`;
}

async function chooseProject(projects: Project[], wanted: string | undefined, runtime: Runtime): Promise<Project> {
  if (wanted) {
    const found = projects.find((project) => project.id === wanted || project.slug === wanted);
    if (found) return found;
    const known = projects.length > 0 ? `; your projects: ${projects.map((project) => project.slug).join(', ')}` : '';
    throw new CliError(`Project '${wanted}' not found, or you have no access to it${known}`);
  }
  if (projects.length === 0) throw new CliError('You have no projects yet: create one in the dashboard first');
  const [only] = projects;
  if (projects.length === 1 && only) return only;
  const prompter = createPrompter();
  if (!prompter.isInteractive) {
    throw new CliError(`Several projects: pass --project <id or slug> (${projects.map((project) => project.slug).join(', ')})`);
  }
  runtime.err(`${projects.map((project, index) => `  ${index + 1}) ${describe(project)}`).join('\n')}\n`);
  const answer = (await prompter.ask(`Project [1-${projects.length}]: `)).trim();
  const chosen = projects[Number(answer) - 1] ?? projects.find((project) => project.slug === answer || project.id === answer);
  if (!chosen) throw new CliError(`'${answer}' is not one of the listed projects`);
  return chosen;
}

async function init(options: InitOptions, runtime: Runtime): Promise<void> {
  const api = await authenticatedClient(options, runtime);
  let projects: Project[];
  try {
    projects = await listProjects(api);
  } catch (error) {
    // Without the project list (an older server, or a token that may not list projects) an id is still usable.
    if (!(error instanceof ApiError && (error.status === 403 || error.status === 404)) || !options.project || !isUuid(options.project)) throw error;
    const environment = options.env ?? 'dev';
    const file = await writeProjectConfig(runtime.cwd, configFor(options.project, environment, options.path), { force: options.force === true });
    runtime.err(`rekey: warning: could not list projects (${error.message}); wrote ${file} without checking the project\n`);
    return;
  }
  const project = await chooseProject(projects, options.project, runtime);
  const slugs = project.environments.map((environment) => environment.slug);
  const environment = options.env ?? (slugs.includes('dev') ? 'dev' : slugs[0]);
  if (!environment || !slugs.includes(environment)) {
    throw new CliError(`Environment '${environment ?? ''}' does not exist in ${project.slug}; its environments are: ${slugs.join(', ')}`);
  }
  const file = await writeProjectConfig(runtime.cwd, configFor(project.id, environment, options.path), { force: options.force === true });
  runtime.out(`Wrote ${file}: project ${describe(project)}, default environment ${environment}\n`);
}

function configFor(projectId: string, environment: string, path: string | undefined) {
  return { projectId, defaultEnvironment: environment, ...(path ? { secretPath: normalizeSecretPath(path) } : {}) };
}

export function initCommand(runtime: Runtime): Command {
  return withCommonOptions(new Command('init'))
    .description(`Link this directory to a project: writes ${projectConfigName} (project id and default environment)`)
    .option('--project <id>', 'project id or slug (default: choose from your projects)')
    .option('--env <slug>', 'default environment for commands run here (default: dev)')
    .option('--path <path>', 'default folder path (default: /)')
    .option('--force', `overwrite an existing ${projectConfigName}`)
    .addHelpText(
      'after',
      `
${projectConfigName} holds no secrets; commit it so everyone working in the repository uses the same project.
Commands look for it in the current directory and its parents. Without --project you choose from your
projects (or the only one is used).

Example:
  rekey init --project my-app --env dev`,
    )
    .action(async (_options: InitOptions, command: Command) => init(optionsOf<InitOptions>(command), runtime));
}
