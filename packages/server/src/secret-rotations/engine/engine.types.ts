import type { FastifyBaseLogger } from 'fastify';
import type { Kysely, Selectable } from 'kysely';
import type { AuditLog } from '../../audit/audit.types.js';
import type { Actor } from '../../auth/actor.js';
import type { Keyring } from '../../crypto/keyring.js';
import type { Db } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import type { Ids } from '../../lib/ids.js';
import type { SecretRotationAttemptsTable, SecretRotationsTable } from '../secret-rotations.tables.js';

export type RotationRow = Selectable<SecretRotationsTable>;
export type AttemptRow = Selectable<SecretRotationAttemptsTable>;

/** How the engine writes the secrets a rotation owns; implemented by the secrets module. */
export type ManagedSecretsPort = {
  /** Creates or updates the mapped secrets (a new version each) inside the caller's transaction. */
  writeManagedSecrets(
    trx: Kysely<Database>,
    input: {
      orgId: string;
      projectId: string;
      environmentId: string;
      secretPath: string;
      rotationId: string;
      values: Record<string, string>;
      actor: Actor;
    },
  ): Promise<void>;
};

/** Resolves an app connection of a given provider type into what that provider needs to call out. */
export type ConnectionResolver = { resolve(type: string, orgId: string, connectionId: string): Promise<unknown> };

/** Lifecycle events (audit log, webhooks, metrics listen here). Bodies never contain secret values. */
export type RotationLifecycleEvent = {
  type:
    | 'rotation.started'
    | 'rotation.verified'
    | 'rotation.promoted'
    | 'rotation.revoked'
    | 'rotation.failed'
    | 'rotation.orphan-removed';
  rotation: Pick<RotationRow, 'id' | 'org_id' | 'project_id' | 'environment_id' | 'secret_path' | 'name' | 'type'>;
  attemptId?: string;
  details?: Record<string, unknown>;
};

export type RotationEngineSettings = {
  /** Identifies this process in leases. */
  workerId: string;
  leaseMs: number;
  /** Longest wait for Entra ID to accept a new secret before the attempt fails. */
  verifyTimeoutMs: number;
  /** Consecutive successful token requests needed before a new secret counts as working. */
  verifyRequiredSuccesses: number;
  verifyInitialDelayMs: number;
  /** Longest wait between verification requests: how late, at most, a newly working secret is noticed. */
  verifyMaxDelayMs: number;
  /** Added to two intervals for a credential's expiry date. */
  credentialGraceDays: number;
  /** Retries of throttled, 5xx, timeout and conflict errors inside one attempt. */
  transientRetries: number;
  transientBaseDelayMs: number;
  pollIntervalMs: number;
  /**
   * Azure calls (Graph requests, token requests) of scheduled work in flight at once: this bounds load on
   * Microsoft. A call holds its slot only while it runs.
   */
  maxConcurrentCalls: number;
  /** The same, per connection (one tenant's Graph quota). */
  maxConcurrentCallsPerConnection: number;
  /**
   * Scheduled attempts in flight (calling, doing database work, or waiting): each may hold a credential not
   * verified yet, and each does database work.
   */
  maxAttemptsInFlight: number;
  orphanSweepIntervalMs: number;
  /** Failed attempts in a row after which automatic retries stop (the rotation needs attention). */
  maxConsecutiveFailures: number;
};

export const defaultEngineSettings: Omit<RotationEngineSettings, 'workerId'> = {
  leaseMs: 60_000,
  verifyTimeoutMs: 10 * 60_000,
  verifyRequiredSuccesses: 2,
  verifyInitialDelayMs: 1_000,
  verifyMaxDelayMs: 2_000,
  credentialGraceDays: 3,
  transientRetries: 5,
  transientBaseDelayMs: 1_000,
  pollIntervalMs: 5_000,
  maxConcurrentCalls: 8,
  maxConcurrentCallsPerConnection: 4,
  maxAttemptsInFlight: 64,
  orphanSweepIntervalMs: 60 * 60_000,
  maxConsecutiveFailures: 5,
};

export type EngineDeps = {
  db: Db;
  keyring: Keyring;
  clock: Clock;
  ids: Ids;
  logger: FastifyBaseLogger;
  audit: AuditLog;
  secrets: ManagedSecretsPort;
  connections: ConnectionResolver;
  settings: RotationEngineSettings;
  onEvent?: (event: RotationLifecycleEvent) => void;
  /** Aborted when the process shuts down: waits end early and leases are released. */
  shutdownSignal: AbortSignal;
};
