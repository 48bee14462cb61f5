// The local "internet" of the integration tests, the CLI tests, the benchmark and the end-to-end
// tests: a test CA, an RFC 8484 DoH server answering from test/fixtures/zones/scenarios.json
// (over HTTPS, certificate for its IP), and the MTA-STS policy hosts of those domains on port 443
// of a loopback address of the suite's own (127.0.0.N), each with the behaviour a scenario needs.
import { join } from 'node:path';
import { createTestCa, issueCertificate, type TestCa } from './ca.ts';
import { startDohServer, type DohServer } from './doh-server.ts';
import { loopbackAddress, startHttpsHosts, type HostConfig, type HttpsHosts } from './https-hosts.ts';
import { createNodeHttpsFetch, firstAddressVia } from './node-https-fetch.ts';
import { loadZone, type Zone } from './zone.ts';
import { createDohResolver, type AssessDeps, type FetchLike, type Resolver } from '../../src/core/index.ts';

export const POLICY_PATH = '/.well-known/mta-sts.txt';

const policy = (mode: string, ...mx: string[]) =>
  ['version: STSv1', `mode: ${mode}`, ...mx.map((m) => `mx: ${m}`), 'max_age: 86400', ''].join('\n');

/** What each scenario's policy host answers (see scenarios.json for the DNS side). */
export function scenarioPolicyHosts(): Record<string, HostConfig> {
  const serve = (body: string, extra: Partial<HostConfig> = {}): HostConfig => ({ paths: { [POLICY_PATH]: { body, contentType: 'text/plain', ...extra } }, ...(extra.cert ? { cert: extra.cert } : {}) });
  return {
    'mta-sts.enforce.test': serve(policy('enforce', '*.enforce.test')),
    'mta-sts.mismatch.test': serve(policy('enforce', 'mail.elsewhere.test')),
    'mta-sts.testing.test': serve(policy('testing', '*.testing.test')),
    'mta-sts.none.test': serve(policy('none')),
    'mta-sts.p404.test': serve('not here', { status: 404 }),
    'mta-sts.predirect.test': { paths: { [POLICY_PATH]: { redirect: 'https://mta-sts.enforce.test/.well-known/mta-sts.txt' } } },
    'mta-sts.ptype.test': serve(policy('enforce', '*.ptype.test'), { contentType: 'text/html' }),
    'mta-sts.pbig.test': { paths: { [POLICY_PATH]: { chunkedBytes: 10_000_000, contentType: 'text/plain' } } },
    'mta-sts.pslow.test': serve(policy('enforce', '*.pslow.test'), { delayMs: 5_000 }),
    'mta-sts.twotxt.test': serve(policy('enforce', '*.twotxt.test')),
    'mta-sts.otherca.test': serve(policy('enforce', '*.otherca.test'), { cert: 'other-ca' }),
    'mta-sts.xn--bcher-kva.test': serve(policy('enforce', '*.xn--bcher-kva.test')),
  };
}

/** The verdict each scenario domain must get (sender unknown, policy fetch allowed). */
export const EXPECTED_LEVELS: Record<string, string> = {
  'enforce.test': 'protected',
  'mismatch.test': 'misconfigured',
  'testing.test': 'encrypted',
  'none.test': 'unverified',
  'p404.test': 'misconfigured',
  'predirect.test': 'misconfigured',
  'ptype.test': 'misconfigured',
  'pbig.test': 'misconfigured',
  'pslow.test': 'misconfigured',
  'twotxt.test': 'misconfigured',
  'otherca.test': 'misconfigured',
  'xn--bcher-kva.test': 'protected',
  'plain.test': 'unverified',
  'nullmx.test': 'undeliverable',
  'implicit.test': 'unverified',
  'nxdomain.test': 'undeliverable',
  'dane.test': 'protected',
  'daneinsecure.test': 'unverified',
  'danefail.test': 'misconfigured',
  'danepartial.test': 'encrypted',
  'gateway.test': 'encrypted',
};

export function scenarioZone(policyIp: string): Zone {
  const zone = loadZone(join(import.meta.dirname, '../fixtures/zones/scenarios.json'));
  const text = JSON.stringify(zone).replaceAll('POLICY_HOST_IP', policyIp);
  return JSON.parse(text) as Zone;
}

export interface World {
  ca: TestCa;
  /** PEM file of the CA, for NODE_EXTRA_CA_CERTS and NSS. */
  caFile: string;
  doh: DohServer;
  hosts: HttpsHosts;
  /** The loopback address the policy hosts listen on (port 443) and the DoH server (random port). */
  ip: string;
  /** A real HTTPS fetch trusting the test CA and resolving names through the DoH server. */
  policyFetch: FetchLike;
  resolver(timeoutMs?: number): Resolver;
  deps(overrides?: Partial<AssessDeps>): AssessDeps;
  /** Delay on every DoH answer and every policy response (the benchmark's D). */
  setDelay(ms: number): void;
  close(): Promise<void>;
}

/** `loopback`: N of 127.0.0.N, one per suite so suites can run side by side on port 443. */
export async function startWorld(options: { loopback: number; delayMs?: number; ca?: TestCa; classicDns?: boolean }): Promise<World> {
  const ip = loopbackAddress(options.loopback);
  const ca = options.ca ?? (await createTestCa());
  const dohCert = await issueCertificate(ca, { dnsNames: ['cloudflare-dns.com', 'dns.google', 'localhost'], ipAddresses: [ip] });
  const doh = await startDohServer({ zone: scenarioZone(ip), tls: dohCert, host: ip, delayMs: options.delayMs ?? 0, classic: options.classicDns ?? false });
  const hosts = await startHttpsHosts({ host: ip, port: 443, ca, hosts: scenarioPolicyHosts() });
  if (options.delayMs) hosts.setDelay(options.delayMs);
  const dohFetch = createNodeHttpsFetch({ ca: ca.certPem });
  const resolver = (timeoutMs = 2_000): Resolver => createDohResolver({ urls: [doh.url], fetch: dohFetch, timeoutMs });
  const lookupResolver = resolver();
  const policyFetch = createNodeHttpsFetch({
    ca: ca.certPem,
    lookup: firstAddressVia(lookupResolver),
  });
  return {
    ca,
    caFile: ca.certFile(),
    doh,
    hosts,
    ip,
    policyFetch,
    resolver,
    deps: (overrides = {}) => ({ resolver: resolver(), fetch: policyFetch, timeoutMs: 1_500, ...overrides }),
    setDelay(ms) {
      doh.setDelay(ms);
      hosts.setDelay(ms);
    },
    async close() {
      await Promise.all([doh.close(), hosts.close()]);
    },
  };
}
