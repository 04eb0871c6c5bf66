import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CliError, errorMessage } from './cli-error.js';

export const projectConfigName = '.rekey.json';

/** `.rekey.json`: which project a working directory belongs to. It holds no secrets and is meant to be committed. */
export type ProjectConfig = {
  projectId: string;
  defaultEnvironment: string;
  /** Optional default folder, e.g. /api for a service that lives in a sub-folder. */
  secretPath?: string;
};

export type FoundProjectConfig = { file: string; config: ProjectConfig };

function parse(file: string, text: string): ProjectConfig {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CliError(`${file} is not valid JSON; fix it or run \`rekey init --force\``);
  }
  const fields = (value ?? {}) as Record<string, unknown>;
  if (typeof fields.projectId !== 'string' || fields.projectId === '') {
    throw new CliError(`${file} has no projectId; run \`rekey init --force\` to rewrite it`);
  }
  return {
    projectId: fields.projectId,
    defaultEnvironment: typeof fields.defaultEnvironment === 'string' && fields.defaultEnvironment ? fields.defaultEnvironment : 'dev',
    ...(typeof fields.secretPath === 'string' && fields.secretPath ? { secretPath: fields.secretPath } : {}),
  };
}

/** Looks in `start` and its parents, as git does, so commands work from any sub-folder of a project. */
export async function findProjectConfig(start: string): Promise<FoundProjectConfig | undefined> {
  let dir = path.resolve(start);
  for (;;) {
    const file = path.join(dir, projectConfigName);
    try {
      return { file, config: parse(file, await fs.readFile(file, 'utf8')) };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        if (error instanceof CliError) throw error;
        throw new CliError(`Cannot read ${file}: ${errorMessage(error)}`);
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export async function writeProjectConfig(dir: string, config: ProjectConfig, options: { force: boolean }): Promise<string> {
  const file = path.join(dir, projectConfigName);
  try {
    await fs.writeFile(file, `${JSON.stringify(config, null, 2)}\n`, { flag: options.force ? 'w' : 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new CliError(`${file} already exists; use --force to overwrite it`);
    }
    throw new CliError(`Cannot write ${file}: ${errorMessage(error)}`);
  }
  return file;
}
