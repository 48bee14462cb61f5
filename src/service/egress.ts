// Which addresses the service may connect to (docs/lookup-service.md "SSRF defences").
//
// The service fetches https://mta-sts.<domain>/ for domains chosen by whoever calls it, so the
// address behind that name is chosen by an attacker. Every address is checked here before a
// connection is made, and the connection then goes to exactly that address (policy-fetch.ts).
//
// Refused: every range of the IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890
// and its updates), multicast, the reserved 240/4, and, for IPv6, anything outside global
// unicast 2000::/3. Forms that embed or translate an IPv4 address are refused as a whole —
// IPv4-mapped ::ffff:0:0/96, IPv4-compatible ::/96, SIIT ::ffff:0:0:0/96, NAT64 64:ff9b::/96
// and 64:ff9b:1::/48, 6to4 2002::/16, Teredo 2001::/32 — because the IPv4 address inside them
// may be a private one reached through a translator (node's BlockList does not look inside NAT64
// or 6to4 forms). A public policy host publishes a plain A or AAAA record.
//
// Order of the checks: the organisation's deny list (--deny-egress), then its allow list
// (--allow-egress: labs and tests that must reach private addresses; main.ts logs a warning),
// then the special-purpose table. Deny beats allow when both match.
import { BlockList, isIP } from 'node:net';

export interface EgressRule {
  cidr: string;
  /** Plain words for logs and problem texts, never the address itself. */
  label: string;
}

export type EgressVerdict = { allowed: true } | { allowed: false; label: string };

export interface EgressPolicy {
  check(address: string): EgressVerdict;
}

/** The IANA special-purpose registries (IPv4 and IPv6) plus multicast and reserved space. */
export const SPECIAL_PURPOSE_RANGES: readonly EgressRule[] = [
  // IPv4 (RFC 6890 s2.2.2 and later registrations)
  { cidr: '0.0.0.0/8', label: 'this network (RFC 791)' },
  { cidr: '10.0.0.0/8', label: 'private (RFC 1918)' },
  { cidr: '100.64.0.0/10', label: 'shared address space (RFC 6598)' },
  { cidr: '127.0.0.0/8', label: 'loopback (RFC 1122)' },
  { cidr: '169.254.0.0/16', label: 'link-local (RFC 3927; cloud metadata)' },
  { cidr: '172.16.0.0/12', label: 'private (RFC 1918)' },
  { cidr: '192.0.0.0/24', label: 'IETF protocol assignments (RFC 6890)' },
  { cidr: '192.0.2.0/24', label: 'documentation (RFC 5737)' },
  { cidr: '192.31.196.0/24', label: 'AS112 (RFC 7535)' },
  { cidr: '192.52.193.0/24', label: 'AMT (RFC 7450)' },
  { cidr: '192.88.99.0/24', label: '6to4 relay anycast (RFC 7526)' },
  { cidr: '192.168.0.0/16', label: 'private (RFC 1918)' },
  { cidr: '192.175.48.0/24', label: 'AS112 direct delegation (RFC 7534)' },
  { cidr: '198.18.0.0/15', label: 'benchmarking (RFC 2544)' },
  { cidr: '198.51.100.0/24', label: 'documentation (RFC 5737)' },
  { cidr: '203.0.113.0/24', label: 'documentation (RFC 5737)' },
  { cidr: '224.0.0.0/4', label: 'multicast (RFC 5771)' },
  { cidr: '240.0.0.0/4', label: 'reserved (RFC 1112), broadcast (RFC 919)' },
  // IPv6 (RFC 6890 s2.2.3 and later registrations)
  { cidr: '::/128', label: 'unspecified (RFC 4291)' },
  { cidr: '::1/128', label: 'loopback (RFC 4291)' },
  { cidr: '::ffff:0:0/96', label: 'IPv4-mapped (RFC 4291)' },
  { cidr: '::/96', label: 'IPv4-compatible (RFC 4291, deprecated)' },
  { cidr: '::ffff:0:0:0/96', label: 'IPv4-translated (RFC 2765)' },
  { cidr: '64:ff9b::/96', label: 'NAT64 well-known prefix (RFC 6052)' },
  { cidr: '64:ff9b:1::/48', label: 'NAT64 local-use prefix (RFC 8215)' },
  { cidr: '100::/64', label: 'discard-only (RFC 6666)' },
  { cidr: '2001::/32', label: 'Teredo (RFC 4380)' },
  { cidr: '2001::/23', label: 'IETF protocol assignments (RFC 2928)' },
  { cidr: '2001:db8::/32', label: 'documentation (RFC 3849)' },
  { cidr: '2002::/16', label: '6to4 (RFC 3056)' },
  { cidr: '2620:4f:8000::/48', label: 'AS112 direct delegation (RFC 7534)' },
  { cidr: '3fff::/20', label: 'documentation (RFC 9637)' },
  { cidr: '5f00::/16', label: 'SRv6 SIDs (RFC 9602)' },
  { cidr: 'fc00::/7', label: 'unique-local (RFC 4193)' },
  { cidr: 'fe80::/10', label: 'link-local (RFC 4291)' },
  { cidr: 'fec0::/10', label: 'site-local (RFC 3879, deprecated)' },
  { cidr: 'ff00::/8', label: 'multicast (RFC 4291)' },
];

const GLOBAL_UNICAST_V6 = '2000::/3';

export interface Cidr {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** `a.b.c.d/n`, `x::y/n`, or a bare address (a /32 or /128). Null when malformed. */
export function parseCidr(text: string): Cidr | null {
  if (typeof text !== 'string') return null;
  const [address = '', prefixText, extra] = text.trim().split('/');
  if (extra !== undefined || address.includes('%')) return null;
  const version = isIP(address);
  if (version === 0) return null;
  const max = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefix > max) return null;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** One BlockList per family: BlockList compares an IPv4 address with IPv6 rules through its
 *  mapped form, so ::ffff:0:0/96 in a mixed list would match every IPv4 address. */
interface Lists {
  v4: BlockList;
  v6: BlockList;
}

function listOf(cidrs: readonly string[]): Lists {
  const lists = { v4: new BlockList(), v6: new BlockList() };
  for (const text of cidrs) {
    const cidr = parseCidr(text);
    if (!cidr) throw new RangeError(`not a CIDR: ${text}`);
    (cidr.family === 'ipv4' ? lists.v4 : lists.v6).addSubnet(cidr.address, cidr.prefix, cidr.family);
  }
  return lists;
}

function contains(lists: Lists, address: string, version: number): boolean {
  if (version === 4) return lists.v4.check(address, 'ipv4');
  // IPv4 rules also match the IPv4-mapped form (::ffff:a.b.c.d), the same destination.
  return lists.v6.check(address, 'ipv6') || lists.v4.check(address, 'ipv6');
}

export function createEgressPolicy(options: { allow?: readonly string[]; deny?: readonly string[] } = {}): EgressPolicy {
  const deny = listOf(options.deny ?? []);
  const allow = listOf(options.allow ?? []);
  const special = SPECIAL_PURPOSE_RANGES.map((rule) => ({ label: rule.label, list: listOf([rule.cidr]) }));
  const globalUnicast = listOf([GLOBAL_UNICAST_V6]);
  return {
    check(address) {
      // Zone ids (fe80::1%eth0) never come from DNS; isIP would accept them.
      const version = typeof address === 'string' && !address.includes('%') ? isIP(address) : 0;
      if (version === 0) return { allowed: false, label: 'not an IP address' };
      if (contains(deny, address, version)) return { allowed: false, label: 'denied by configuration' };
      if (contains(allow, address, version)) return { allowed: true };
      for (const rule of special) {
        if (contains(rule.list, address, version)) return { allowed: false, label: rule.label };
      }
      if (version === 6 && !contains(globalUnicast, address, version)) return { allowed: false, label: 'not global unicast (outside 2000::/3)' };
      return { allowed: true };
    },
  };
}
