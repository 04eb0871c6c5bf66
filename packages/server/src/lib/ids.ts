import { randomBytes, randomUUID } from 'node:crypto';

/** Ids and random tokens come from one place so tests can make them predictable. */
export type Ids = {
  uuid(): string;
  /** A URL-safe random token with `bytes` bytes of entropy. */
  token(bytes?: number): string;
};

export const randomIds: Ids = {
  uuid: () => randomUUID(),
  token: (bytes = 32) => randomBytes(bytes).toString('base64url'),
};
