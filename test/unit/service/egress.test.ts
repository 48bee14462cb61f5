// The address table of the service's egress vetting (src/service/egress.ts): pure, no sockets.
// Every special-purpose range is checked at its first and last address; the forms that embed an
// IPv4 address (mapped, compatible, NAT64, 6to4, Teredo) are refused whatever they embed.
import { describe, expect, it } from 'vitest';
import { createEgressPolicy, parseCidr, SPECIAL_PURPOSE_RANGES } from '../../../src/service/egress.ts';

const policy = createEgressPolicy();

/** First and last address of a CIDR, as canonical text (IPv6 fully expanded: BlockList accepts it). */
function bounds(cidr: string): [string, string] {
  const parsed = parseCidr(cidr);
  if (!parsed) throw new Error(cidr);
  const bits = parsed.family === 'ipv4' ? 32 : 128;
  const value = toBig(parsed.address, parsed.family);
  const hostBits = BigInt(bits - parsed.prefix);
  const first = (value >> hostBits) << hostBits;
  const last = first | ((1n << hostBits) - 1n);
  return [fromBig(first, parsed.family), fromBig(last, parsed.family)];
}

function toBig(address: string, family: 'ipv4' | 'ipv6'): bigint {
  if (family === 'ipv4') return address.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
  let text = address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = toBig(v4[1] as string, 'ipv4');
    text = text.replace(v4[1] as string, `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`);
  }
  const [head = '', tail = ''] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = text.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

function fromBig(value: bigint, family: 'ipv4' | 'ipv6'): string {
  if (family === 'ipv4') return [24n, 16n, 8n, 0n].map((s) => Number((value >> s) & 255n)).join('.');
  return Array.from({ length: 8 }, (_, i) => ((value >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(':');
}

describe('egress: the special-purpose table', () => {
  it.each(SPECIAL_PURPOSE_RANGES.map((r) => [r.cidr, r.label]))('%s (%s) is refused at its first and last address', (cidr) => {
    for (const address of bounds(cidr)) {
      const verdict = policy.check(address);
      expect(verdict, address).toMatchObject({ allowed: false });
    }
  });

  it('covers the ranges the IANA registries name', () => {
    const listed = new Set(SPECIAL_PURPOSE_RANGES.map((r) => r.cidr));
    for (const cidr of ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24', '192.0.2.0/24',
      '192.88.99.0/24', '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/4', '240.0.0.0/4',
      '::/128', '::1/128', '::ffff:0:0/96', '64:ff9b::/96', '64:ff9b:1::/48', '::/96', '100::/64', '2001::/23', '2001::/32', '2001:db8::/32',
      '2002::/16', 'fc00::/7', 'fe80::/10', 'ff00::/8']) {
      expect(listed.has(cidr), cidr).toBe(true);
    }
  });

  it.each([
    ['169.254.169.254', 'link-local (RFC 3927; cloud metadata)'],
    ['100.100.100.200', 'shared address space (RFC 6598)'],
    ['0.0.0.0', 'this network (RFC 791)'],
    ['255.255.255.255', 'reserved (RFC 1112), broadcast (RFC 919)'],
    ['::', 'unspecified (RFC 4291)'],
    ['::1', 'loopback (RFC 4291)'],
    ['fe80::1', 'link-local (RFC 4291)'],
    ['fd00:ec2::254', 'unique-local (RFC 4193)'],
    ['ff02::1', 'multicast (RFC 4291)'],
  ])('%s is refused as %s', (address, label) => {
    expect(policy.check(address)).toEqual({ allowed: false, label });
  });

  it.each([
    // IPv4-mapped, in both notations, whatever the IPv4 address inside
    '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '::ffff:8.8.8.8',
    // IPv4-compatible (deprecated) and SIIT-translated
    '::127.0.0.1', '::8.8.8.8', '::ffff:0:a00:1',
    // NAT64: the well-known and the local-use prefix, private and public IPv4 inside
    '64:ff9b::a00:1', '64:ff9b::7f00:1', '64:ff9b::808:808', '64:ff9b:1::a00:1', '64:ff9b:1:ffff::1',
    // 6to4 of a private and a public IPv4 address
    '2002:a00:1::1', '2002:808:808::1',
    // Teredo
    '2001:0:4136:e378:8000:63bf:3fff:fdd2',
  ])('%s (an IPv4 address in IPv6 clothing) is refused', (address) => {
    expect(policy.check(address).allowed).toBe(false);
  });

  it('refuses IPv6 outside global unicast 2000::/3 even where no named range applies', () => {
    expect(policy.check('4000::1')).toEqual({ allowed: false, label: 'not global unicast (outside 2000::/3)' });
    expect(policy.check('::2:1')).toMatchObject({ allowed: false });
  });

  it.each(['8.8.8.8', '1.1.1.1', '9.255.255.255', '11.0.0.0', '100.63.255.255', '100.128.0.0', '172.15.255.255', '172.32.0.0',
    '192.167.255.255', '192.169.0.0', '198.17.255.255', '198.20.0.0', '223.255.255.255',
    '2606:4700:4700::1111', '2a00:1450:4001:80b::200e', '2001:200::1', '2003::1'])('%s (public) is allowed', (address) => {
    expect(policy.check(address)).toEqual({ allowed: true });
  });

  it.each(['', 'mta-sts.example.com', '127.1', '0177.0.0.1', '1.2.3', '::ffff:1.2.3', 'fe80::1%eth0', '1.2.3.4/32'])('%j is not an IP address', (text) => {
    expect(policy.check(text)).toEqual({ allowed: false, label: 'not an IP address' });
  });
});

describe('egress: configuration', () => {
  it('--allow-egress opens a special range (tests, labs), and only that range', () => {
    const lab = createEgressPolicy({ allow: ['127.0.0.80/32', 'fd00:1::/64'] });
    expect(lab.check('127.0.0.80')).toEqual({ allowed: true });
    expect(lab.check('::ffff:127.0.0.80')).toEqual({ allowed: true }); // the same destination
    expect(lab.check('127.0.0.81')).toMatchObject({ allowed: false });
    expect(lab.check('fd00:1::5')).toEqual({ allowed: true });
    expect(lab.check('fd00:2::5')).toMatchObject({ allowed: false });
  });

  it('--deny-egress refuses public ranges too, and beats --allow-egress', () => {
    const org = createEgressPolicy({ deny: ['203.0.114.0/24', '2a01:4f8::/32'], allow: ['203.0.114.7/32'] });
    expect(org.check('203.0.114.7')).toEqual({ allowed: false, label: 'denied by configuration' });
    expect(org.check('::ffff:203.0.114.9')).toEqual({ allowed: false, label: 'denied by configuration' });
    expect(org.check('2a01:4f8::1')).toEqual({ allowed: false, label: 'denied by configuration' });
    expect(org.check('203.0.115.1')).toEqual({ allowed: true });
  });

  it('an IPv6 rule never matches IPv4 addresses (BlockList compares mapped forms)', () => {
    const odd = createEgressPolicy({ deny: ['::ffff:0:0/96'] });
    expect(odd.check('8.8.8.8')).toEqual({ allowed: true });
  });

  it('parseCidr accepts addresses and prefixes, refuses the rest', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual({ address: '10.0.0.0', prefix: 8, family: 'ipv4' });
    expect(parseCidr('fd00::/8')).toEqual({ address: 'fd00::', prefix: 8, family: 'ipv6' });
    expect(parseCidr('192.0.2.1')).toEqual({ address: '192.0.2.1', prefix: 32, family: 'ipv4' });
    for (const bad of ['10.0.0.0/33', '::/129', '10.0.0.0/8/8', 'ten/8', '10.0.0.0/-1', '10.0.0.0/', 'fe80::1%lo/64']) expect(parseCidr(bad), bad).toBeNull();
    expect(() => createEgressPolicy({ allow: ['nonsense'] })).toThrow(RangeError);
  });
});
