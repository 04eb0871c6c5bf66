import ipaddr from 'ipaddr.js';
import { badRequest } from '../http/errors.js';
import type { TrustedIp } from './identities.tables.js';

/** Infisical's default: every IPv4 and IPv6 address. */
export const anyAddress: TrustedIp[] = [
  { ipAddress: '0.0.0.0', prefix: 0, type: 'ipv4' },
  { ipAddress: '::', prefix: 0, type: 'ipv6' },
];

/** Parses `10.0.0.0/8`, `192.168.1.7` or `2001:db8::/32` into the stored form; throws 400 when invalid. */
export function parseTrustedIp(input: string, field: string): TrustedIp {
  try {
    if (input.includes('/')) {
      const [address, prefix] = ipaddr.parseCIDR(input);
      return { ipAddress: address.toString(), prefix, type: address.kind() === 'ipv4' ? 'ipv4' : 'ipv6' };
    }
    const address = ipaddr.parse(input);
    return { ipAddress: address.toString(), type: address.kind() === 'ipv4' ? 'ipv4' : 'ipv6' };
  } catch {
    throw badRequest(`${field}: '${input}' is not an IP address or CIDR range (examples: 203.0.113.7, 10.0.0.0/8, 2001:db8::/32)`, [
      { path: field, message: 'must be an IP address or CIDR range' },
    ]);
  }
}

export function formatTrustedIp(entry: TrustedIp): string {
  return entry.prefix === undefined ? entry.ipAddress : `${entry.ipAddress}/${entry.prefix}`;
}

// Every request with a machine identity token asks, with the ranges of a cached token row (the same array
// while the row is cached); the answer for an address and a set of ranges never changes, so it is remembered
// per array (bounded), and goes when the array does.
const answersByRanges = new WeakMap<readonly TrustedIp[], Map<string, boolean>>();

/** Whether a client address falls in one of the ranges; IPv4-mapped IPv6 addresses count as IPv4. */
export function isIpTrusted(clientIp: string, ranges: readonly TrustedIp[]): boolean {
  let answers = answersByRanges.get(ranges);
  if (!answers) {
    answers = new Map();
    answersByRanges.set(ranges, answers);
  }
  let answer = answers.get(clientIp);
  if (answer === undefined) {
    answer = matchesAnyRange(clientIp, ranges);
    if (answers.size >= 1_000) answers.clear();
    answers.set(clientIp, answer);
  }
  return answer;
}

function matchesAnyRange(clientIp: string, ranges: readonly TrustedIp[]): boolean {
  let client: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    client = ipaddr.process(clientIp);
  } catch {
    return false;
  }
  return ranges.some((range) => {
    try {
      const address = ipaddr.parse(range.ipAddress);
      if (address.kind() !== client.kind()) return false;
      const prefix = range.prefix ?? (range.type === 'ipv4' ? 32 : 128);
      return client.match([address, prefix]);
    } catch {
      return false;
    }
  });
}
