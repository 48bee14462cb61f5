// The zones of the DNSSEC world: a test root, the TLD `test.`, helper zones for MX hosts, and one
// zone per scenario domain. Each scenario is what a recipient domain can publish (DANE, MTA-STS,
// null MX …) or get wrong (bogus, expired, missing DNSKEY …); real signatures and a real
// validating resolver decide its DNSSEC status. The verdicts the engine must give are NOT here:
// they are decided from the RFCs in the test that uses the world (test/integration/dnssec-world.test.ts).
import type { NameServer, ZoneSpec } from './zone-builder.ts';

/** Addresses inside the world's private network namespace (all on its own `lo`). */
export const ADDRESSES = {
  /** unbound: DNS on 53 (libc resolvers, posttls-finger) and DoH on 443. */
  resolver: '127.0.0.1',
  /** named, one view per address: the root, the TLD `test.`, every zone below it. */
  root: '127.0.1.1',
  tld: '127.0.1.2',
  leaf: '127.0.1.3',
  /** The STARTTLS listener that every MX host's address points at (port 25). */
  smtp: '127.0.2.25',
  /** The HTTPS server of every `mta-sts.<domain>` policy host (port 443). */
  policy: '127.0.3.1',
} as const;

export const SERVERS: Record<'root' | 'tld' | 'leaf', NameServer> = {
  root: { name: 'ns.root-servers', address: ADDRESSES.root },
  tld: { name: 'ns.tld-servers', address: ADDRESSES.tld },
  leaf: { name: 'ns.test', address: ADDRESSES.leaf },
};

export type ScenarioKind = 'dane' | 'mta-sts' | 'dnssec' | 'mx' | 'control';

export interface Scenario {
  domain: string;
  kind: ScenarioKind;
  /** The DNS (and policy host) setup, in one line, for reports. */
  setup: string;
  /**
   * The MX hosts of the domain (lowest preference first) when a DANE-aware sender's view is
   * worth checking with posttls-finger; absent when DANE plays no part.
   */
  mxHosts?: string[];
}

export interface PolicyHost {
  /** The policy file (RFC 8461 §3.2). */
  body: string;
  /** `trusted`: issued by the world's test CA; `other-ca`: by a CA nobody trusts. */
  cert: 'trusted' | 'other-ca';
}

export interface ScenarioInputs {
  /** TLSA 3 1 1 data (SHA-256 of the SMTP listener's SPKI, lower-case hex). */
  tlsa: string;
}

const policy = (mode: string, ...mx: string[]) => ['version: STSv1', `mode: ${mode}`, ...mx.map((m) => `mx: ${m}`), 'max_age: 86400', ''].join('\n');
const stsRecords = (id: string) => [`_mta-sts TXT "v=STSv1; id=${id}"`, `mta-sts A ${ADDRESSES.policy}`];
/** A hash that matches no certificate: usable TLSA that no server can satisfy. */
const WRONG_HASH = 'ab'.repeat(32);

export interface WorldZones {
  zones: ZoneSpec[];
  scenarios: Scenario[];
  policyHosts: Record<string, PolicyHost>;
}

/** Every zone of the world, the scenario list and the policy hosts, for one SMTP certificate. */
export function worldZones({ tlsa }: ScenarioInputs): WorldZones {
  const SMTP = ADDRESSES.smtp;
  const DANE = `TLSA 3 1 1 ${tlsa}`;
  const scenarios: Scenario[] = [];
  const zones: ZoneSpec[] = [
    { name: '', signing: 'secure', server: 'root' },
    { name: 'test', signing: 'secure', server: 'tld' },
    // Helper zones that hold MX hosts for several scenarios.
    {
      name: 'hosts-insecure.test', signing: 'unsigned', server: 'leaf', records: [
        `mx A ${SMTP}`, `_25._tcp.mx ${DANE}`,            // TLSA published, but insecure
        `cname-target A ${SMTP}`,                        // end of an insecure CNAME chain
        'noaddr TXT "this host has no address"',         // exists, no A/AAAA: insecure NODATA
      ],
    },
    {
      name: 'hosts-bogus.test', signing: 'secure', server: 'leaf',
      records: [`mx A ${SMTP}`, `_25._tcp.mx ${DANE}`],
      tamper: [{ owner: '_25._tcp.mx', type: 'TLSA', data: `3 1 1 ${WRONG_HASH}` }],
    },
    {
      name: 'hosts-signed.test', signing: 'secure', server: 'leaf', records: [
        `real A ${SMTP}`, `_25._tcp.real ${DANE}`,        // target of a secure CNAME chain
        `dane-mx A ${SMTP}`, `_25._tcp.dane-mx ${DANE}`,  // DANE host named by an unsigned MX
      ],
    },
  ];
  const policyHosts: Record<string, PolicyHost> = {};
  const add = (scenario: Scenario, zone: Omit<ZoneSpec, 'name' | 'server'> | null, host?: PolicyHost) => {
    scenarios.push(scenario);
    if (zone) zones.push({ name: scenario.domain, server: 'leaf', ...zone });
    if (host) policyHosts[`mta-sts.${scenario.domain}`] = host;
  };

  // ----- DANE (RFC 7672) -----
  add({ domain: 'dane-all.test', kind: 'dane', setup: 'signed, DS; MX mx1, mx2; TLSA 3 1 1 on both', mxHosts: ['mx1.dane-all.test', 'mx2.dane-all.test'] },
    { signing: 'secure', records: ['@ MX 10 mx1', '@ MX 20 mx2', `mx1 A ${SMTP}`, `mx2 A ${SMTP}`, `_25._tcp.mx1 ${DANE}`, `_25._tcp.mx2 ${DANE}`] });
  add({ domain: 'dane-partial.test', kind: 'dane', setup: 'signed, DS; MX mx1 (TLSA 3 1 1), mx2 (no TLSA: secure NXDOMAIN)', mxHosts: ['mx1.dane-partial.test', 'mx2.dane-partial.test'] },
    { signing: 'secure', records: ['@ MX 10 mx1', '@ MX 20 mx2', `mx1 A ${SMTP}`, `mx2 A ${SMTP}`, `_25._tcp.mx1 ${DANE}`] });
  add({ domain: 'dane-unusable.test', kind: 'dane', setup: 'signed, DS; MX mx; TLSA only usages 0 and 1 (PKIX-TA/EE)', mxHosts: ['mx.dane-unusable.test'] },
    { signing: 'secure', records: ['@ MX 10 mx', `mx A ${SMTP}`, `_25._tcp.mx TLSA 0 0 1 ${tlsa}`, `_25._tcp.mx TLSA 1 1 1 ${tlsa}`] });
  add({ domain: 'tlsa-bogus.test', kind: 'dane', setup: 'signed, DS; MX mx.hosts-bogus.test, whose TLSA RRset was altered after signing', mxHosts: ['mx.hosts-bogus.test'] },
    { signing: 'secure', records: ['@ MX 10 mx.hosts-bogus.test.'] });
  add({ domain: 'mx-insecure-host.test', kind: 'dane', setup: 'signed, DS; MX mx.hosts-insecure.test (unsigned zone, TLSA present but insecure)', mxHosts: ['mx.hosts-insecure.test'] },
    { signing: 'secure', records: ['@ MX 10 mx.hosts-insecure.test.'] });
  add({ domain: 'addrless-insecure.test', kind: 'dane', setup: 'signed, DS; MX mx1 (DANE), noaddr.hosts-insecure.test (no address, insecure NODATA)', mxHosts: ['mx1.addrless-insecure.test', 'noaddr.hosts-insecure.test'] },
    { signing: 'secure', records: ['@ MX 10 mx1', '@ MX 20 noaddr.hosts-insecure.test.', `mx1 A ${SMTP}`, `_25._tcp.mx1 ${DANE}`] });
  add({ domain: 'addrless-secure.test', kind: 'dane', setup: 'signed, DS; MX mx1 (DANE), gone (no address, secure NXDOMAIN)', mxHosts: ['mx1.addrless-secure.test', 'gone.addrless-secure.test'] },
    { signing: 'secure', records: ['@ MX 10 mx1', '@ MX 20 gone', `mx1 A ${SMTP}`, `_25._tcp.mx1 ${DANE}`] });
  add({ domain: 'cname-secure.test', kind: 'dane', setup: 'signed, DS; MX mx, a CNAME to real.hosts-signed.test (signed, TLSA at the target only)', mxHosts: ['mx.cname-secure.test'] },
    { signing: 'secure', records: ['@ MX 10 mx', 'mx CNAME real.hosts-signed.test.'] });
  add({ domain: 'cname-insecure.test', kind: 'dane', setup: 'signed, DS; MX mx, a signed CNAME to cname-target.hosts-insecure.test (unsigned); TLSA at the original name', mxHosts: ['mx.cname-insecure.test'] },
    { signing: 'secure', records: ['@ MX 10 mx', 'mx CNAME cname-target.hosts-insecure.test.', `_25._tcp.mx ${DANE}`] });
  add({ domain: 'dane-mx-unsigned.test', kind: 'dane', setup: 'unsigned; MX dane-mx.hosts-signed.test (signed, TLSA 3 1 1)', mxHosts: ['dane-mx.hosts-signed.test'] },
    { signing: 'unsigned', records: ['@ MX 10 dane-mx.hosts-signed.test.'] });
  add({ domain: 'insecure-deleg.test', kind: 'dane', setup: 'signed, NO DS in test.; MX mx; TLSA 3 1 1', mxHosts: ['mx.insecure-deleg.test'] },
    { signing: 'insecure-delegation', records: ['@ MX 10 mx', `mx A ${SMTP}`, `_25._tcp.mx ${DANE}`] });

  // ----- MTA-STS (RFC 8461), alone and with DANE; TLS-RPT (RFC 8460) -----
  add({ domain: 'sts-enforce.test', kind: 'mta-sts', setup: 'unsigned; MTA-STS enforce (policy over HTTPS, test CA), mx: mx.sts-enforce.test' },
    { signing: 'unsigned', records: ['@ MX 10 mx', `mx A ${SMTP}`, ...stsRecords('e1')] },
    { body: policy('enforce', 'mx.sts-enforce.test'), cert: 'trusted' });
  add({ domain: 'sts-enforce-dane.test', kind: 'mta-sts', setup: 'signed, DS; MTA-STS enforce and TLSA 3 1 1 on the only MX', mxHosts: ['mx.sts-enforce-dane.test'] },
    { signing: 'secure', records: ['@ MX 10 mx', `mx A ${SMTP}`, `_25._tcp.mx ${DANE}`, ...stsRecords('ed1')] },
    { body: policy('enforce', 'mx.sts-enforce-dane.test'), cert: 'trusted' });
  add({ domain: 'sts-testing.test', kind: 'mta-sts', setup: 'unsigned; MTA-STS testing, mx: *.sts-testing.test' },
    { signing: 'unsigned', records: ['@ MX 10 mx', `mx A ${SMTP}`, ...stsRecords('t1')] },
    { body: policy('testing', '*.sts-testing.test'), cert: 'trusted' });
  add({ domain: 'sts-dane-bogus.test', kind: 'mta-sts', setup: 'signed, DS; MTA-STS enforce matching mx.hosts-bogus.test, whose TLSA is bogus', mxHosts: ['mx.hosts-bogus.test'] },
    { signing: 'secure', records: ['@ MX 10 mx.hosts-bogus.test.', ...stsRecords('b1')] },
    { body: policy('enforce', 'mx.hosts-bogus.test'), cert: 'trusted' });
  add({ domain: 'sts-badcert.test', kind: 'mta-sts', setup: 'unsigned; MTA-STS enforce, policy host certificate from an untrusted CA' },
    { signing: 'unsigned', records: ['@ MX 10 mx', `mx A ${SMTP}`, ...stsRecords('c1')] },
    { body: policy('enforce', 'mx.sts-badcert.test'), cert: 'other-ca' });
  add({ domain: 'tlsrpt.test', kind: 'mta-sts', setup: 'signed, DS; no MTA-STS, no TLSA; TLS-RPT rua=mailto:' },
    { signing: 'secure', records: ['@ MX 10 mx', `mx A ${SMTP}`, '_smtp._tls TXT "v=TLSRPTv1; rua=mailto:tls-reports@tlsrpt.test"'] });

  // ----- MX special cases (RFC 7505, RFC 5321 §5.1) -----
  add({ domain: 'nullmx.test', kind: 'mx', setup: 'signed, DS; null MX (0 .)' },
    { signing: 'secure', records: ['@ MX 0 .'] });
  add({ domain: 'nxdomain.test', kind: 'mx', setup: 'does not exist: secure NXDOMAIN from the signed test. zone' }, null);
  add({ domain: 'unsigned.test', kind: 'mx', setup: 'unsigned; MX mx; no policy' },
    { signing: 'unsigned', records: ['@ MX 10 mx', `mx A ${SMTP}`] });

  // ----- Broken DNSSEC of the domain itself (RFC 4035 §5.5 bogus; RFC 8914 EDE) -----
  add({ domain: 'bogus-mx.test', kind: 'dnssec', setup: 'signed, DS; MX RRset altered after signing (bogus, EDE 6)' },
    { signing: 'secure', records: ['@ MX 10 mx', `mx A ${SMTP}`, `_25._tcp.mx ${DANE}`], tamper: [{ owner: '@', type: 'MX', data: '10 evil.hosts-insecure.test.' }] });
  add({ domain: 'expired.test', kind: 'dnssec', setup: 'signed, DS; every RRSIG expired 10 days ago (EDE 7)' },
    { signing: 'expired', records: ['@ MX 10 mx', `mx A ${SMTP}`, `_25._tcp.mx ${DANE}`] });
  add({ domain: 'notyet.test', kind: 'dnssec', setup: 'signed, DS; every RRSIG starts in 10 days (EDE 8)' },
    { signing: 'not-yet-valid', records: ['@ MX 10 mx', `mx A ${SMTP}`, `_25._tcp.mx ${DANE}`] });
  add({ domain: 'nodnskey.test', kind: 'dnssec', setup: 'signed, DS in test., DNSKEY RRset not served (EDE 9)' },
    { signing: 'no-dnskey', records: ['@ MX 10 mx', `mx A ${SMTP}`, `_25._tcp.mx ${DANE}`] });
  add({ domain: 'lame.test', kind: 'dnssec', setup: 'delegated (no DS) to a server that does not serve it: SERVFAIL without a DNSSEC EDE' },
    { signing: 'unsigned', lame: true });

  // ----- Control for posttls-finger only: the engine cannot see certificates -----
  add({ domain: 'dane-mismatch.test', kind: 'control', setup: 'signed, DS; TLSA 3 1 1 of another key (posttls-finger must fail)', mxHosts: ['mx.dane-mismatch.test'] },
    { signing: 'secure', records: ['@ MX 10 mx', `mx A ${SMTP}`, `_25._tcp.mx TLSA 3 1 1 ${WRONG_HASH}`] });

  return { zones, scenarios, policyHosts };
}
