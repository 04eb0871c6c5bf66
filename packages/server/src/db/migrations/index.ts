import type { Migration } from 'kysely';
import * as platform from './0001-platform.js';
import * as identity from './0002-identity.js';
import * as secrets from './0003-secrets.js';
import * as appConnections from './0004-app-connections.js';
import * as secretRotations from './0005-secret-rotations.js';
import * as webhooks from './0006-webhooks.js';

/** Every migration, in order. Names sort lexically, so keep the numeric prefix. */
export const migrations: Record<string, Migration> = {
  '0001-platform': platform,
  '0002-identity': identity,
  '0003-secrets': secrets,
  '0004-app-connections': appConnections,
  '0005-secret-rotations': secretRotations,
  '0006-webhooks': webhooks,
};
