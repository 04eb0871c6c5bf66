import dns, { type LookupAddress, type LookupAllOptions, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';

export const maxWebhookUrlLength = 2048;

/**
 * Cloud metadata and control-plane endpoints. With link-local ranges they are refused even when private
 * targets are allowed: no webhook receiver lives there, and reaching them from a server leaks its cloud identity.
 */
const metadataAddresses = new Set(['169.254.169.254', '169.254.170.2', 'fd00:ec2::254', '168.63.129.16', '100.100.100.200', '169.254.0.23']);
/** Tunnelling and translation prefixes (NAT64, 6to4, Teredo) can embed any IPv4 address, metadata included. */
const alwaysRefusedRanges = new Set(['linkLocal', 'unspecified', 'broadcast', 'multicast', 'rfc6052', 'rfc6145', '6to4', 'teredo']);

/**
 * Why an address may not be a webhook target, or undefined when it may. Only public unicast addresses are
 * allowed; with `allowPrivateTargets`, loopback, private, unique-local and carrier-grade NAT ones too.
 */
export function forbiddenAddressReason(address: string, allowPrivateTargets = false): string | undefined {
  if (!ipaddr.isValid(address)) return 'is not an IP address';
  const parsed = ipaddr.process(address);
  const normalized = parsed.toString();
  if (metadataAddresses.has(normalized)) return `${normalized} is a cloud metadata address`;
  const range = parsed.range();
  if (alwaysRefusedRanges.has(range)) return `${normalized} is a ${range} address`;
  if (range !== 'unicast' && !allowPrivateTargets) return `${normalized} is a ${range} address`;
  return undefined;
}

/** The host part of a URL without IPv6 brackets. */
function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

export class WebhookTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookTargetError';
  }
}

/** Refuses an IP-literal host up front (connections to a literal never go through DNS lookup). */
export function assertAllowedHost(url: URL, allowPrivateTargets: boolean): void {
  const host = hostOf(url);
  if (!allowPrivateTargets && (host === 'localhost' || host.endsWith('.localhost'))) throw new WebhookTargetError(`${host} is a loopback name`);
  if (isIP(host) === 0) return;
  const reason = forbiddenAddressReason(host, allowPrivateTargets);
  if (reason) throw new WebhookTargetError(reason);
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http(s).request that resolves the name and refuses the connection when any address is not a
 * public unicast one. The check happens on the address actually connected to, so DNS rebinding cannot slip a
 * private address in after validation.
 */
export function guardedLookup(allowPrivateTargets: boolean) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    const all: LookupAllOptions = { ...options, all: true };
    dns.lookup(hostname, all, (error, addresses) => {
      if (error) return callback(error, []);
      if (addresses.length === 0) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
      for (const entry of addresses) {
        const reason = forbiddenAddressReason(entry.address, allowPrivateTargets);
        if (reason) return callback(new WebhookTargetError(`${hostname} resolves to ${reason}`), []);
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };
}

/** Resolves a host name and refuses it when it points at a private address (create and update time). */
export async function assertResolvesPublic(url: URL, allowPrivateTargets: boolean): Promise<void> {
  assertAllowedHost(url, allowPrivateTargets);
  const host = hostOf(url);
  if (isIP(host) !== 0) return;
  // A name that does not resolve now may later; delivery checks every attempt, so only a clear refusal counts here.
  const addresses = await dns.promises.lookup(host, { all: true }).catch(() => []);
  for (const entry of addresses) {
    const reason = forbiddenAddressReason(entry.address, allowPrivateTargets);
    if (reason) throw new WebhookTargetError(`${host} resolves to ${reason}`);
  }
}

/** A webhook URL as users may give it: absolute http(s), at most 2048 characters, no embedded credentials. */
export const webhookUrlSchema = z
  .string()
  .trim()
  .max(maxWebhookUrlLength, { message: `must be at most ${maxWebhookUrlLength} characters` })
  .superRefine((value, context) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      context.addIssue({ code: 'custom', message: 'must be an absolute http:// or https:// URL' });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      context.addIssue({ code: 'custom', message: `must use http or https, not ${url.protocol.replace(/:$/, '')}` });
    } else if (!url.hostname) {
      context.addIssue({ code: 'custom', message: 'must name a host' });
    } else if (url.username || url.password) {
      context.addIssue({ code: 'custom', message: 'must not contain a user name or password; verify deliveries with the signature instead' });
    } else if (url.hash) {
      context.addIssue({ code: 'custom', message: 'must not contain a #fragment' });
    }
  });
