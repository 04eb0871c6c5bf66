import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileJsonWriter } from './json-serializer.js';
import { zListSecretsResponse } from './secrets.schemas.js';

const secret = {
  id: 'a',
  _id: 'a',
  workspace: 'p',
  environment: 'dev',
  version: 3,
  type: 'shared',
  secretKey: 'KEY',
  secretValue: 'line1\n"quoted" \u2028 é',
  secretValueHidden: false,
  secretComment: '',
  secretReminderNote: null,
  secretReminderRepeatDays: 7,
  skipMultilineEncoding: false,
  metadata: { team: 'payments' },
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  secretPath: '/',
  tags: [{ id: 't', slug: 'db', name: 'db', color: null }],
  isRotatedSecret: false,
  rotationId: null,
};

describe('compileJsonWriter', () => {
  const write = compileJsonWriter(zListSecretsResponse);

  it('writes exactly what JSON.stringify writes for a valid response', () => {
    const body = { secrets: [secret, { ...secret, id: 'b', tags: [] }] };
    expect(write(body)).toBe(JSON.stringify(body));
    expect(JSON.parse(write(body))).toEqual(body);
  });

  it('leaves out optional fields that are absent and fields the schema does not name', () => {
    const body = { secrets: [{ ...secret, encrypted_value: 'must-not-leak' }], extra: true };
    const text = write(body);
    expect(text).not.toContain('must-not-leak');
    expect(text).not.toContain('imports');
    expect(JSON.parse(text)).toEqual({ secrets: [secret] });
  });

  it('refuses a value of the wrong type instead of sending it', () => {
    expect(() => write({ secrets: [{ ...secret, version: '3' }] })).toThrow(/expected a number/);
    expect(() => write({ secrets: [{ ...secret, secretKey: undefined }] })).toThrow(/secretKey/);
    expect(() => compileJsonWriter(z.object({ n: z.number() }))({ n: Number.NaN })).toThrow();
  });
});
