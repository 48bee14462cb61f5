// One world for the whole hostile corpus (test/fixtures/hostile/): every case's zone merged into
// one zone served by one RFC 8484 DoH server (with the cases' hostile answers), every case's
// policy host on one HTTPS server on 127.0.0.N:443, and the black holes (TCP, TLS, garbage,
// cleartext HTTP, refused) on their own loopback addresses, port 443, so that a policy host's A
// record can point at them and a DoH URL can name them.
import { createHttp2Fetch, type Http2Fetch } from '../../src/node/http2-fetch.ts';
import { createDohResolver, type AssessDeps, type FetchLike } from '../../src/core/index.ts';
import { createTestCa, issueCertificate, issueExpiredCertificate, type TestCa } from './ca.ts';
import { startBlackHole, type BlackHole, type BlackHoleKind } from './black-holes.ts';
import { startDohServer, type DohServer, type HostileDns, type HostileQuery, type HostileResponse } from './doh-server.ts';
import { loopbackAddress, startHttpsHosts, type HostConfig, type HttpsHosts } from './https-hosts.ts';
import { createNodeHttpsFetch, firstAddressVia } from './node-https-fetch.ts';
import type { RecordSet, Zone, ZoneApex } from './zone.ts';
import { domainOf, type Budget, type CaseContext, type CaseSetup, type HostileCase, type ResolverName } from '../fixtures/hostile/model.ts';

/** Per HTTP attempt of a DoH query (a lone resolver is tried twice: 2 × this at most). */
export const DNS_TIMEOUT_MS = 1_500;
/** The policy fetch (RFC 8461 s3.3 allows any timeout; the CLI default is 5 s). */
export const POLICY_TIMEOUT_MS = 2_000;

/**
 * Wall-clock budget per case, from the timeouts above, with room for a loaded 2-core machine:
 * - fast: nothing should time out (a few round trips and one policy fetch);
 * - dns-timeout: one lookup stage runs into the DoH timeout (2 attempts), the rest is fast;
 * - policy-timeout: the policy fetch runs into its timeout;
 * - dane-timeout: the MX answer, then a per-host DANE lookup into the DoH timeout (and a CNAME
 *   follow-up);
 * - heavy: huge or pathological inputs (64 KiB answers, thousands of records, 60,000 spaces)
 *   that must still be handled in about the time of a normal check (no ReDoS, no fan-out).
 */
export const BUDGET_MS: Record<Budget, number> = {
  fast: 4_000,
  'dns-timeout': 2 * DNS_TIMEOUT_MS + 3_000,
  'policy-timeout': POLICY_TIMEOUT_MS + 3_000,
  'dane-timeout': 4 * DNS_TIMEOUT_MS + 3_000,
  heavy: 4_000,
};

export interface HostileWorldOptions {
  cases: readonly HostileCase[];
  /** N of 127.0.0.N for each role. A black hole left out still serves DoH URLs (on a free port of
   *  the hosts' address) but has no address of its own (cases must not point A records at it). */
  loopback: { hosts: number } & Partial<Record<'tcpHole' | 'tlsHole' | 'garbage' | 'plainHttp' | 'refused', number>>;
}

export interface HostileWorld {
  ca: TestCa;
  caFile: string;
  ctx: CaseContext;
  doh: DohServer;
  hosts: HttpsHosts;
  /** The setup each case got (built once, with the world's addresses). */
  setups: Map<string, CaseSetup>;
  resolverUrl(name: ResolverName): string;
  /**
   * Fresh dependencies for one case: its own DoH resolver over its own HTTP/2 session (as the
   * CLI has), so a hostile answer that kills a session cannot touch another case; the policy
   * fetch resolves through the world's honest DoH server. close() ends the case's sessions.
   */
  deps(c: HostileCase): { deps: AssessDeps; close(): void };
  close(): Promise<void>;
}

function absolute(name: string, domain: string): string {
  if (name === '@') return domain;
  if (name.endsWith('.')) return name.slice(0, -1).toLowerCase();
  return `${name}.${domain}`.toLowerCase();
}

/**
 * Hostile answers by exact 'name TYPE', 'name *', then one-label wildcards '*.parent TYPE', then
 * any-depth wildcards '**.ancestor TYPE' (closest ancestor first).
 */
function hostileLookup(map: Map<string, HostileResponse>): HostileDns {
  return (query: HostileQuery) => {
    const exact = map.get(`${query.name} ${query.type}`) ?? map.get(`${query.name} *`);
    if (exact) return exact;
    const labels = query.name.split('.');
    const parent = labels.slice(1).join('.');
    const one = map.get(`*.${parent} ${query.type}`) ?? map.get(`*.${parent} *`);
    if (one) return one;
    for (let i = 1; i < labels.length; i++) {
      const ancestor = labels.slice(i).join('.');
      const deep = map.get(`**.${ancestor} ${query.type}`) ?? map.get(`**.${ancestor} *`);
      if (deep) return deep;
    }
    return undefined;
  };
}

export async function startHostileWorld(options: HostileWorldOptions): Promise<HostileWorld> {
  const { loopback } = options;
  const ip = loopbackAddress(loopback.hosts);
  const missing = (role: string) => (): string => {
    throw new Error(`hostile-world: this world has no ${role} address`);
  };
  const addressOf = (n: number | undefined, role: string): (() => string) => (n === undefined ? missing(role) : () => loopbackAddress(n));
  const ctxAddress = {
    tcpHoleIp: addressOf(loopback.tcpHole, 'TCP black hole'),
    tlsHoleIp: addressOf(loopback.tlsHole, 'TLS black hole'),
    garbageIp: addressOf(loopback.garbage, 'garbage server'),
    plainHttpIp: addressOf(loopback.plainHttp, 'cleartext HTTP server'),
    refusedIp: addressOf(loopback.refused, 'refused'),
  };
  const ctx: CaseContext = {
    hostsIp: ip,
    get tcpHoleIp() { return ctxAddress.tcpHoleIp(); },
    get tlsHoleIp() { return ctxAddress.tlsHoleIp(); },
    get garbageIp() { return ctxAddress.garbageIp(); },
    get plainHttpIp() { return ctxAddress.plainHttpIp(); },
    get refusedIp() { return ctxAddress.refusedIp(); },
  };

  // ----- Build the merged zone, hostile map and policy hosts from every case -----
  const zones: ZoneApex[] = [];
  const records: Record<string, RecordSet> = {};
  const servfail: string[] = [];
  const hang: string[] = [];
  const insecure: string[] = [];
  const hostile = new Map<string, HostileResponse>();
  const hostConfigs: Record<string, HostConfig> = {};
  const setups = new Map<string, CaseSetup>();
  const seenApex = new Set<string>();
  for (const c of options.cases) {
    const domain = domainOf(c);
    if (seenApex.has(domain)) throw new Error(`hostile-world: duplicate case id ${c.id}`);
    seenApex.add(domain);
    const setup = c.setup(domain, ctx);
    setups.set(c.id, setup);
    zones.push({ apex: domain, signed: setup.signed ?? false });
    for (const extra of setup.zones ?? []) {
      if (!seenApex.has(extra.apex)) zones.push(extra);
      seenApex.add(extra.apex);
    }
    for (const [owner, set] of Object.entries(setup.records ?? {})) {
      const name = absolute(owner, domain);
      if (records[name]) throw new Error(`hostile-world: ${c.id}: records for ${name} defined twice`);
      records[name] = set;
    }
    servfail.push(...(setup.servfail ?? []).map((n) => absolute(n, domain)));
    hang.push(...(setup.hang ?? []).map((n) => absolute(n, domain)));
    insecure.push(...(setup.insecure ?? []).map((n) => absolute(n, domain)));
    for (const [key, response] of Object.entries(setup.dns ?? {})) {
      const [owner = '', type = '*'] = key.split(' ');
      const name = owner.startsWith('**.') ? `**.${absolute(owner.slice(3), domain)}`
        : owner.startsWith('*.') ? `*.${absolute(owner.slice(2), domain)}` : absolute(owner, domain);
      hostile.set(`${name} ${type.toUpperCase()}`, response);
    }
    if (setup.policy) hostConfigs[`mta-sts.${domain}`] = setup.policy;
    for (const [name, config] of Object.entries(setup.hosts ?? {})) hostConfigs[name.replace(/\.$/, '')] = config;
  }
  const zone: Zone = { zones, records, servfail, hang, insecure };

  // ----- Servers -----
  const ca = await createTestCa('InTransit Hostile Test CA');
  const dohCert = await issueCertificate(ca, { dnsNames: ['localhost'], ipAddresses: [ip] });
  const hostileDns = hostileLookup(hostile);
  const doh = await startDohServer({ zone, tls: dohCert, host: ip, hostile: hostileDns });
  const otherCa = await createTestCa('Untrusted DoH CA');
  const untrusted = await startDohServer({ zone, tls: await issueCertificate(otherCa, { dnsNames: [], ipAddresses: [ip] }), host: ip, hostile: hostileDns });
  const expired = await startDohServer({ zone, tls: await issueExpiredCertificate(ca, { dnsNames: [], ipAddresses: [ip] }), host: ip, hostile: hostileDns });
  const hosts = await startHttpsHosts({ host: ip, port: 443, ca, hosts: hostConfigs });
  await hosts.warm();
  // HTTP/1.1-only DoH (node:https): ALPN offers no h2, so the client falls back.
  const http1 = await startHttpsHosts({ host: ip, port: 0, ca, hosts: {} });
  http1.set(ip, { handler: doh.handle });

  const holes: BlackHole[] = [];
  const holeUrls = new Map<ResolverName, string>();
  const roles: [keyof HostileWorldOptions['loopback'], BlackHoleKind, ResolverName][] = [
    ['tcpHole', 'tcp', 'tcp-hole'],
    ['tlsHole', 'tls', 'tls-hole'],
    ['garbage', 'garbage', 'garbage'],
    ['plainHttp', 'plain-http', 'plain-http'],
  ];
  for (const [role, kind, name] of roles) {
    // With its own address the hole listens on 443 there (a policy host's A record can name it);
    // without, on a free port of the hosts' address (a DoH URL can still name it).
    const n = loopback[role];
    const hole = await startBlackHole({ kind, host: n === undefined ? ip : loopbackAddress(n), port: n === undefined ? 0 : 443, ca });
    holes.push(hole);
    holeUrls.set(name, hole.dohUrl);
  }
  if (loopback.refused !== undefined) holeUrls.set('refused', `https://${loopbackAddress(loopback.refused)}:443/dns-query`);

  const resolverUrl = (name: ResolverName): string => {
    switch (name) {
      case 'world': return doh.url;
      case 'untrusted': return untrusted.url;
      case 'expired': return expired.url;
      case 'http1': return `https://${ip}:${http1.port}/dns-query`;
      default: {
        const url = holeUrls.get(name);
        if (!url) throw new Error(`hostile-world: no ${name} resolver in this world`);
        return url;
      }
    }
  };

  // One connection per request (no session a hostile answer could take down for others) and one
  // TLS context for all: the HTTP/1.1 fallback of every case's DoH fetch, and the policy fetch,
  // whose mta-sts.<domain> lookups go to the honest DoH server over it.
  const perRequest = createNodeHttpsFetch({ ca: ca.certPem });
  const newDohFetch = (): Http2Fetch => createHttp2Fetch({ ca: ca.certPem, http1Fallback: perRequest });
  const open = new Set<Http2Fetch>();
  const lookupResolver = createDohResolver({ urls: [doh.url], fetch: perRequest, timeoutMs: DNS_TIMEOUT_MS });
  const policyFetch: FetchLike = createNodeHttpsFetch({
    ca: ca.certPem,
    lookup: firstAddressVia(lookupResolver),
  });

  return {
    ca,
    caFile: ca.certFile(),
    ctx,
    doh,
    hosts,
    setups,
    resolverUrl,
    deps(c) {
      const setup = setups.get(c.id);
      if (!setup) throw new Error(`hostile-world: unknown case ${c.id}`);
      const urls = (setup.resolvers ?? ['world']).map(resolverUrl);
      const dohFetch = newDohFetch();
      open.add(dohFetch);
      return {
        deps: {
          resolver: createDohResolver({ urls, fetch: dohFetch, timeoutMs: DNS_TIMEOUT_MS }),
          fetch: setup.fetch === false ? null : policyFetch,
          timeoutMs: POLICY_TIMEOUT_MS,
          ...(setup.sender ? { sender: setup.sender } : {}),
        },
        close() {
          dohFetch.close();
          open.delete(dohFetch);
        },
      };
    },
    async close() {
      for (const f of open) f.close();
      open.clear();
      await Promise.all([doh.close(), untrusted.close(), expired.close(), hosts.close(), http1.close(), ...holes.map((h) => h.close())]);
    },
  };
}
