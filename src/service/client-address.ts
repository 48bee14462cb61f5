// Who is calling, for the rate limit: the peer's address, or — when the peer is a trusted proxy
// (--trust-proxy) — the address that proxy put into X-Forwarded-For, read from the right and
// skipping further trusted proxies (the left part of the header is whatever the client sent).
// IPv6 clients are keyed by their /64: one host can use a whole /64 of addresses.
// These addresses are rate-limit keys only: never logged (docs/lookup-service.md "Logs").
import { BlockList, isIP } from 'node:net';
import { parseCidr } from './egress.ts';

export type ClientAddressResolver = (peer: string | undefined, forwardedFor: string | undefined) => string;

export function createClientAddressResolver(trustProxy: readonly string[]): ClientAddressResolver {
  const trusted = new BlockList();
  for (const text of trustProxy) {
    const cidr = parseCidr(text);
    if (cidr) trusted.addSubnet(cidr.address, cidr.prefix, cidr.family);
  }
  const isTrusted = (address: string): boolean => {
    const version = isIP(address);
    return version !== 0 && trusted.check(address, version === 4 ? 'ipv4' : 'ipv6');
  };
  return (peer, forwardedFor) => {
    let client = unmapped(peer ?? '');
    if (trustProxy.length > 0 && isTrusted(client) && forwardedFor) {
      const hops = forwardedFor.split(',').map((hop) => unmapped(hop.trim()));
      for (let i = hops.length - 1; i >= 0; i--) {
        const hop = hops[i] as string;
        if (isIP(hop) === 0) break;
        client = hop;
        if (!isTrusted(hop)) break;
      }
    }
    return rateLimitKey(client);
  };
}

function unmapped(address: string): string {
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address) ? address.slice(7) : address;
}

/** An IPv4 address as is; an IPv6 address as its /64 prefix. */
export function rateLimitKey(address: string): string {
  if (isIP(address) !== 6) return isIP(address) === 4 ? address : 'unknown';
  const [head = '', tail = ''] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = address.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => parseInt(g || '0', 16).toString(16)).join(':')}::/64`;
}
