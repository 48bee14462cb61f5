// Is a host an IP address literal? node:net's isIP compiles its large IPv6 regular expression on
// the first call with a name that is not IPv4 (3-4 ms here, more under load): on the CLI's path
// from start to its first packet. A host without ':' is never IPv6, so names never touch it.
import { isIPv4, isIPv6 } from 'node:net';

export function ipFamily(host: string): 0 | 4 | 6 {
  if (host.includes(':')) return isIPv6(host) ? 6 : 0;
  return isIPv4(host) ? 4 : 0;
}
