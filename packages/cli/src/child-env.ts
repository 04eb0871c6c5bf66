export type ChildEnv = {
  env: NodeJS.ProcessEnv;
  /** The secrets that actually reached the child; `--watch` compares these, nothing else. */
  injected: Map<string, string>;
  /** Secrets left out because the OS cannot pass them as environment variables. */
  skipped: string[];
};

/** execve cannot carry a name with `=` or a NUL byte in a name or value; Node would throw on the whole spawn. */
function isPassable(name: string, value: string): boolean {
  return name !== '' && !name.includes('=') && !name.includes('\0') && !value.includes('\0');
}

/**
 * The child's environment: ours plus the secrets. Secrets win unless `override` is false (`--no-override`),
 * in which case a variable that is already set keeps its value.
 */
export function buildChildEnv(base: NodeJS.ProcessEnv, secrets: ReadonlyMap<string, string>, override: boolean): ChildEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  const injected = new Map<string, string>();
  const skipped: string[] = [];
  for (const [name, value] of secrets) {
    if (!isPassable(name, value)) {
      skipped.push(name);
      continue;
    }
    if (!override && base[name] !== undefined) continue;
    env[name] = value;
    injected.set(name, value);
  }
  return { env, injected, skipped };
}

/** Names whose injected value differs between two runs, including added and removed ones, sorted. */
export function changedNames(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string[] {
  const names = new Set([...before.keys(), ...after.keys()]);
  return [...names].filter((name) => before.get(name) !== after.get(name)).sort();
}
