import { Command } from 'commander';
import type { ApiClient } from '../api-client.js';
import { CliError } from '../cli-error.js';
import { type CommonOptions, type Runtime, authenticatedClient, resolveScope } from '../context.js';
import { json, shortDate, table } from '../output.js';
import { type Rotation, getRotation, isUuid, listProjects, listRotations, rotateNow, rotationHistory } from '../rekey-api.js';
import { optionsOf, positiveIntegerUpTo, withCommonOptions, withProjectOption } from './common.js';

type RotationOptions = CommonOptions & { project?: string; json?: boolean };
type HistoryOptions = RotationOptions & { limit: number };

/** The rotations API wants a project id; a slug (from --project or .rekey.json) is looked up once. */
async function projectIdOf(api: ApiClient, project: string): Promise<string> {
  if (isUuid(project)) return project;
  const found = (await listProjects(api)).find((candidate) => candidate.slug === project);
  if (!found) throw new CliError(`Project '${project}' not found, or you have no access to it`);
  return found.id;
}

async function context(options: RotationOptions, runtime: Runtime) {
  const [api, scope] = await Promise.all([authenticatedClient(options, runtime), resolveScope(options, runtime)]);
  return { api, projectId: await projectIdOf(api, scope.project) };
}

/** A rotation by id or by name; names are unique per folder, so a name used in two folders needs the id. */
async function findRotation(api: ApiClient, projectId: string, wanted: string): Promise<Rotation> {
  const rotations = await listRotations(api, projectId);
  const byId = rotations.find((rotation) => rotation.id === wanted);
  if (byId) return byId;
  const byName = rotations.filter((rotation) => rotation.name === wanted);
  const [only] = byName;
  if (byName.length === 1 && only) return only;
  if (byName.length > 1) {
    const where = byName.map((rotation) => `${rotation.id} (${rotation.environment.slug}:${rotation.secretPath})`).join(', ');
    throw new CliError(`Several rotations are named '${wanted}'; use the id of one: ${where}`);
  }
  const known = rotations.length > 0 ? `; its rotations: ${rotations.map((rotation) => rotation.name).join(', ')}` : '';
  throw new CliError(`No secret rotation '${wanted}' in project ${projectId}${known}`);
}

function schedule(rotation: Rotation): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  const at = `${pad(rotation.rotateAt.hours)}:${pad(rotation.rotateAt.minutes)} ${rotation.rotateAt.timeZone}`;
  return `every ${rotation.rotationInterval} day(s) at ${at}${rotation.isAutoRotationEnabled ? '' : ' (auto-rotation off)'}`;
}

function details(rotation: Rotation): string {
  const mapping = Object.entries(rotation.secretsMapping).map(([field, secret]) => `${field} -> ${secret}`);
  const rows: [string, string][] = [
    ['Name', rotation.name],
    ['ID', rotation.id],
    ['Type', rotation.type],
    ['Description', rotation.description ?? '-'],
    ['Environment', rotation.environment.slug],
    ['Path', rotation.secretPath],
    ['Connection', `${rotation.connection.name} (${rotation.connection.id})`],
    ['Schedule', schedule(rotation)],
    ['Status', rotation.rotationStatus + (rotation.consecutiveFailures > 0 ? ` (${rotation.consecutiveFailures} failure(s) in a row)` : '')],
    ['Last rotated', shortDate(rotation.lastRotatedAt) + (rotation.isLastRotationManual ? ' (manual)' : '')],
    ['Last attempt', shortDate(rotation.lastRotationAttemptedAt)],
    ['Next rotation', shortDate(rotation.nextRotationAt)],
    ['Last message', rotation.lastRotationMessage ?? '-'],
    ['Secrets', mapping.join(', ') || '-'],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return `${rows.map(([label, value]) => `${`${label}:`.padEnd(width + 2)}${value}`).join('\n')}\n`;
}

async function list(options: RotationOptions, runtime: Runtime): Promise<void> {
  const { api, projectId } = await context(options, runtime);
  const rotations = await listRotations(api, projectId);
  if (options.json) return runtime.out(json(rotations));
  if (rotations.length === 0) return runtime.err(`rekey: no secret rotations in project ${projectId}\n`);
  const rows = rotations.map((rotation) => [
    rotation.name,
    rotation.type,
    `${rotation.environment.slug}:${rotation.secretPath}`,
    rotation.rotationStatus,
    shortDate(rotation.lastRotatedAt),
    rotation.isAutoRotationEnabled ? shortDate(rotation.nextRotationAt) : 'off',
    rotation.id,
  ]);
  runtime.out(table(['NAME', 'TYPE', 'FOLDER', 'STATUS', 'LAST ROTATED', 'NEXT ROTATION', 'ID'], rows));
}

async function get(wanted: string, options: RotationOptions, runtime: Runtime): Promise<void> {
  const { api, projectId } = await context(options, runtime);
  const found = await findRotation(api, projectId, wanted);
  const rotation = await getRotation(api, found.type, found.id);
  runtime.out(options.json ? json(rotation) : details(rotation));
}

async function rotate(wanted: string, options: RotationOptions, runtime: Runtime): Promise<void> {
  const { api, projectId } = await context(options, runtime);
  const found = await findRotation(api, projectId, wanted);
  if (!options.json) runtime.err(`rekey: rotating ${found.name}: issuing and verifying a new credential...\n`);
  const rotation = await rotateNow(api, found.type, found.id);
  if (options.json) runtime.out(json(rotation));
  else runtime.out(`Rotated ${rotation.name}: status ${rotation.rotationStatus}, next rotation ${shortDate(rotation.nextRotationAt)}\n`);
  if (rotation.rotationStatus === 'failed') {
    throw new CliError(`Rotation ${rotation.name} failed: ${rotation.lastRotationMessage ?? 'no message'}`);
  }
}

async function history(wanted: string, options: HistoryOptions, runtime: Runtime): Promise<void> {
  const { api, projectId } = await context(options, runtime);
  const found = await findRotation(api, projectId, wanted);
  const page = await rotationHistory(api, found.id, { offset: 0, limit: options.limit });
  if (options.json) return runtime.out(json(page));
  if (page.history.length === 0) return runtime.err(`rekey: ${found.name} has no rotation attempts yet\n`);
  const rows = page.history.map((attempt) => [
    shortDate(attempt.startedAt),
    attempt.trigger,
    attempt.outcome,
    attempt.step,
    attempt.keyId ?? '-',
    attempt.verificationWaitMs === null ? '-' : `${(attempt.verificationWaitMs / 1000).toFixed(1)} s`,
    attempt.message ?? '',
  ]);
  runtime.out(table(['STARTED', 'TRIGGER', 'OUTCOME', 'STEP', 'KEY ID', 'VERIFIED AFTER', 'MESSAGE'], rows));
  if (page.totalCount > page.history.length) {
    runtime.err(`rekey: showing the newest ${page.history.length} of ${page.totalCount} attempts (--limit to see more)\n`);
  }
}

function leaf(name: string): Command {
  return withCommonOptions(withProjectOption(new Command(name))).option('--json', 'print JSON instead of text');
}

export function rotationsCommand(runtime: Runtime): Command {
  const rotations = new Command('rotations').description("Show and trigger a project's secret rotations");

  rotations.addCommand(
    leaf('list')
      .alias('ls')
      .description('List the secret rotations of the project, with status and schedule')
      .action(async (_options: RotationOptions, command: Command) => list(optionsOf<RotationOptions>(command), runtime)),
  );
  rotations.addCommand(
    leaf('get')
      .description('Show one rotation: schedule, status, last message and the secrets it writes')
      .argument('<rotation>', 'rotation name or id')
      .action(async (wanted: string, _options: RotationOptions, command: Command) => get(wanted, optionsOf<RotationOptions>(command), runtime)),
  );
  rotations.addCommand(
    leaf('rotate')
      .description('Rotate now: issue a new credential, verify it, publish it to the mapped secrets')
      .argument('<rotation>', 'rotation name or id')
      .addHelpText('after', '\nExits with 1 when the attempt fails; the mapped secrets then keep their working credential.')
      .action(async (wanted: string, _options: RotationOptions, command: Command) => rotate(wanted, optionsOf<RotationOptions>(command), runtime)),
  );
  rotations.addCommand(
    leaf('history')
      .description('List the attempts of a rotation, newest first: trigger, outcome, timings and messages')
      .argument('<rotation>', 'rotation name or id')
      .option('--limit <n>', 'how many attempts to show, newest first (1-100)', positiveIntegerUpTo(100), 20)
      .action(async (wanted: string, _options: HistoryOptions, command: Command) => history(wanted, optionsOf<HistoryOptions>(command), runtime)),
  );
  return rotations;
}
