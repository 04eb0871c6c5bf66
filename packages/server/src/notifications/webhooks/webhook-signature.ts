import { createHmac, timingSafeEqual } from 'node:crypto';

/** How long after `t` a receiver should accept a delivery; documented in the README. */
export const replayWindowSeconds = 300;

/**
 * `x-rekey-signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed with the webhook's secret>`.
 * Signing the timestamp with the body lets a receiver refuse old deliveries (replays) by checking `t`.
 */
export function signatureHeader(secret: string, body: string, unixSeconds: number): string {
  const digest = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${digest}`;
}

/** The receiver's side, as the README shows it; used by the "send test event" flow's own checks and by tests. */
export function verifySignature(secret: string, body: string, header: string, nowSeconds: number, windowSeconds = replayWindowSeconds): boolean {
  const parts = new Map(header.split(',').map((part) => part.split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1') ?? '';
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > windowSeconds) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(`${t}.${body}`).digest('hex'));
  const given = Buffer.from(v1);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
