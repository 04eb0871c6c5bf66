import { newGuid } from './ids.js';
import { InputError } from './input-error.js';
import type { FaultAction, FaultRule, HeldRequest, RouteName } from './types.js';

/** What a request looks like to fault matching; tenant/app carry every alias the request resolves to. */
export interface FaultTarget {
  method: string;
  path: string;
  route: RouteName;
  tenants: string[];
  apps: string[];
}

export type HoldOutcome = 'release' | 'abort';

interface HeldEntry {
  info: HeldRequest;
  resolve: (outcome: HoldOutcome) => void;
}

interface ActiveRule {
  id: string;
  rule: FaultRule;
  pathPattern: RegExp | null;
  routes: Set<RouteName> | null;
  matched: number;
  applied: number;
  released: boolean;
  held: HeldEntry[];
  waiters: Array<(held: HeldRequest) => void>;
}

export interface FaultEngine {
  add(rule: FaultRule): string;
  remove(ruleId: string): boolean;
  clear(): void;
  /** Picks the first live rule that applies to this request and counts it as applied. */
  select(target: FaultTarget): { ruleId: string; action: FaultAction } | undefined;
  hold(ruleId: string, info: Omit<HeldRequest, 'ruleId' | 'heldAt'>): Promise<HoldOutcome>;
  waitForHeld(ruleId: string, timeoutMs: number): Promise<HeldRequest>;
  release(ruleId: string): void;
  heldRequests(): HeldRequest[];
  /** Used on close: parked requests are dropped, not answered. */
  abortAll(): void;
}

const ACTIONS = new Set(['throttle', 'serverError', 'error', 'conflict', 'forbidden', 'delay', 'hold', 'reset']);

function validate(rule: FaultRule): void {
  if (typeof rule !== 'object' || rule === null) throw new InputError('fault rule must be an object');
  const action = rule.action as FaultAction | undefined;
  if (!action || !ACTIONS.has(action.type)) throw new InputError(`fault action.type must be one of ${[...ACTIONS].join(', ')}`);
  if (action.type === 'delay' && !(action.ms >= 0)) throw new InputError('delay action needs ms >= 0');
  if (action.type === 'error' && !(action.status >= 400 && action.status <= 599)) {
    throw new InputError('error action needs a 4xx/5xx status');
  }
  if (rule.probability !== undefined && !(rule.probability >= 0 && rule.probability <= 1)) {
    throw new InputError('probability must be between 0 and 1');
  }
  if (rule.times !== undefined && !(Number.isInteger(rule.times) && rule.times > 0)) {
    throw new InputError('times must be a positive integer');
  }
}

function compilePath(path: string | RegExp | undefined): RegExp | null {
  if (path === undefined) return null;
  if (path instanceof RegExp) return path;
  try {
    return new RegExp(path);
  } catch (error) {
    throw new InputError(`match.path is not a valid regular expression: ${(error as Error).message}`);
  }
}

const lower = (values: string[]): string[] => values.map((value) => value.toLowerCase());

function matches(active: ActiveRule, target: FaultTarget): boolean {
  const match = active.rule.match;
  if (!match) return true;
  if (match.method && match.method.toUpperCase() !== target.method.toUpperCase()) return false;
  if (active.pathPattern && !active.pathPattern.test(target.path)) return false;
  if (active.routes && !active.routes.has(target.route)) return false;
  if (match.tenant && !lower(target.tenants).includes(match.tenant.toLowerCase())) return false;
  if (match.app && !lower(target.apps).includes(match.app.toLowerCase())) return false;
  return true;
}

export function createFaultEngine(random: () => number = Math.random): FaultEngine {
  const rules = new Map<string, ActiveRule>();

  const settle = (active: ActiveRule, outcome: HoldOutcome): void => {
    for (const entry of active.held.splice(0)) entry.resolve(outcome);
  };

  const getRule = (ruleId: string): ActiveRule => {
    const active = rules.get(ruleId);
    if (!active) throw new InputError(`no fault rule ${ruleId}`);
    return active;
  };

  return {
    add(rule) {
      validate(rule);
      const id = `fault_${newGuid().slice(0, 8)}`;
      const route = rule.match?.route;
      rules.set(id, {
        id,
        rule,
        pathPattern: compilePath(rule.match?.path),
        routes: route === undefined ? null : new Set(Array.isArray(route) ? route : [route]),
        matched: 0,
        applied: 0,
        released: false,
        held: [],
        waiters: [],
      });
      return id;
    },
    remove(ruleId) {
      const active = rules.get(ruleId);
      if (!active) return false;
      // Removing a hold rule must not strand its parked requests.
      settle(active, 'release');
      rules.delete(ruleId);
      return true;
    },
    clear() {
      for (const active of rules.values()) settle(active, 'release');
      rules.clear();
    },
    select(target) {
      for (const active of rules.values()) {
        if (active.released) continue;
        if (active.rule.times !== undefined && active.applied >= active.rule.times) continue;
        if (!matches(active, target)) continue;
        active.matched += 1;
        if (active.matched <= (active.rule.skip ?? 0)) continue;
        if (active.rule.probability !== undefined && random() >= active.rule.probability) continue;
        active.applied += 1;
        return { ruleId: active.id, action: active.rule.action };
      }
      return undefined;
    },
    hold(ruleId, info) {
      const active = rules.get(ruleId);
      if (!active || active.released) return Promise.resolve('release');
      const held: HeldRequest = { ...info, ruleId, heldAt: new Date().toISOString() };
      return new Promise<HoldOutcome>((resolve) => {
        active.held.push({ info: held, resolve });
        for (const waiter of active.waiters.splice(0)) waiter(held);
      });
    },
    waitForHeld(ruleId, timeoutMs) {
      const active = getRule(ruleId);
      const first = active.held[0];
      if (first) return Promise.resolve(first.info);
      return new Promise<HeldRequest>((resolve, reject) => {
        const timer = setTimeout(() => {
          active.waiters = active.waiters.filter((waiter) => waiter !== onHeld);
          const error = new Error(`no request was held by fault rule ${ruleId} within ${timeoutMs} ms`);
          error.name = 'HoldTimeoutError';
          reject(error);
        }, timeoutMs);
        const onHeld = (held: HeldRequest): void => {
          clearTimeout(timer);
          resolve(held);
        };
        active.waiters.push(onHeld);
      });
    },
    release(ruleId) {
      const active = getRule(ruleId);
      active.released = true;
      settle(active, 'release');
    },
    heldRequests() {
      return [...rules.values()].flatMap((active) => active.held.map((entry) => entry.info));
    },
    abortAll() {
      for (const active of rules.values()) settle(active, 'abort');
    },
  };
}
