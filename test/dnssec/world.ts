/**
 * The DNSSEC world: real DNSSEC decides, not an AD bit set by fiat.
 *
 * A test root `.`, the TLD `test.` and the scenario zones of scenarios.ts, signed offline with
 * BIND's dnssec-keygen/dnssec-signzone (zone-builder.ts) and served by one `named`; a real
 * validating resolver, `unbound`, whose trust anchor is the test root's key, answering DNS on
 * port 53 and DNS-over-HTTPS (RFC 8484, HTTP/2) on port 443 with a test-CA certificate and
 * Extended DNS Errors (RFC 8914); a STARTTLS listener on port 25 whose certificate the TLSA
 * records pin; HTTPS policy hosts for the MTA-STS scenarios. All of it runs in a private
 * network + mount + PID namespace (netns.ts), so nothing binds the machine's own ports and the
 * namespace has its own /etc/resolv.conf (pointing at unbound, `options trust-ad`).
 *
 * Code outside the namespace cannot connect in: run programs INSIDE with `world.run()` (an
 * `nsenter` child process) — the CLI, a node script using the engine (checks.ts), posttls-finger,
 * mta-sts-query (give it SSL_CERT_FILE=world.caFile), iptables. Needs root and the Debian
 * packages bind9, bind9-utils, unbound, iproute2 (+ postfix, knot-dnsutils for checks.ts);
 * .ci/run installs them; a missing one is an error naming it, never a skip. unbound 1.17 serves
 * DoH over HTTP/2 only: DoH clients inside use src/node/http2-fetch.ts (as the CLI does).
 *
 * API (for the integration tests and the benchmark):
 *
 *   const world = await startDnssecWorld({ ca?, keepDir? });
 *   world.resolverUrl     // 'https://127.0.0.1/dns-query' — DoH, valid inside the namespace only
 *   world.dnsAddress      // '127.0.0.1' — plain DNS on port 53 inside (libc, posttls-finger)
 *   world.addresses       // every address inside: resolver, root/tld/leaf servers, smtp, policy
 *   world.domains         // Scenario[]: { domain, kind, setup, mxHosts? } — the scenario table
 *   world.policyHosts     // 'mta-sts.<domain>' → { body, cert } served on addresses.policy:443
 *   world.ca, world.caFile // the test CA (PEM file) trusted by the DoH and policy certificates
 *   world.tlsa            // the TLSA 3 1 1 data of the SMTP listener's certificate
 *   world.dir             // the temp dir: zone files, keys, configs, named.log, unbound.log
 *   world.postfixConfigDir // MAIL_CONFIG (a minimal main.cf) for posttls-finger inside
 *   world.timings         // { signingMs, startMs }: key generation + signing, whole start
 *   await world.run(cmd, args, { env, input, timeoutMs, cwd }) // → { code, signal, stdout, stderr, timedOut, ms }
 *   world.spawn(cmd, args, { env, cwd }) // a long-lived ChildProcess inside (e.g. an NFQUEUE
 *                         //   packet delayer after `world.run('iptables', …)`); killed by stop()
 *   world.enter           // the argv prefix (nsenter -t <pid> --net --mount --pid --wd=<repo> --)
 *   world.logs()          // { named, unbound } log text, for failure messages
 *   await world.stop()    // kills everything inside (idempotent); also happens if the test dies
 *
 * One world per test file: a start costs 1–2 s on two cores (keys and signatures for 30 zones
 * 0.6–1 s, the agent's node + tsx start about 0.5 s), stop() about 30 ms. Several worlds may run
 * at once; each has its own namespaces and uses no address or port of the machine.
 */
import type { ChildProcess } from 'node:child_process';
import { X509Certificate, createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestCa, issueCertificate, type TestCa } from '../support/ca.ts';
import { makeTempDir } from '../support/tmp.ts';
import type { AgentConfig } from './agent.ts';
import { namedConf, resolvConf, rootHints, unboundConf } from './config.ts';
import { requireBinaries, startNamespace, type RunOptions, type RunResult } from './netns.ts';
import { ADDRESSES, SERVERS, worldZones, type PolicyHost, type Scenario } from './scenarios.ts';
import { buildZones } from './zone-builder.ts';

export { ADDRESSES, type Scenario, type ScenarioKind, type PolicyHost } from './scenarios.ts';
export type { RunOptions, RunResult } from './netns.ts';

export const REPO_ROOT = join(import.meta.dirname, '../..');

export interface DnssecWorldOptions {
  /** The CA of the DoH and policy-host certificates; default: a new one. */
  ca?: TestCa;
  /** Keep the temp dir after stop() (to read the logs and zones); it still goes at process exit. */
  keepDir?: boolean;
}

export interface DnssecWorld {
  resolverUrl: string;
  dnsAddress: string;
  addresses: typeof ADDRESSES;
  domains: Scenario[];
  policyHosts: Record<string, PolicyHost>;
  ca: TestCa;
  caFile: string;
  tlsa: string;
  dir: string;
  /** MAIL_CONFIG for Postfix tools run inside: a minimal main.cf of the world's own. */
  postfixConfigDir: string;
  timings: { signingMs: number; startMs: number };
  run(command: string, args?: readonly string[], options?: RunOptions): Promise<RunResult>;
  spawn(command: string, args?: readonly string[], options?: Pick<RunOptions, 'env' | 'cwd'>): ChildProcess;
  enter: readonly string[];
  logs(): { named: string; unbound: string };
  stop(): Promise<void>;
}

const SERVER_BINARIES = ['named', 'dnssec-keygen', 'dnssec-signzone', 'unbound'];

/** SHA-256 of the certificate's SubjectPublicKeyInfo: TLSA 3 1 1 data (RFC 7218, RFC 6698 §2.1). */
export function spkiSha256(certPem: string): string {
  const spki = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('hex');
}

export async function startDnssecWorld(options: DnssecWorldOptions = {}): Promise<DnssecWorld> {
  const started = Date.now();
  await requireBinaries(SERVER_BINARIES, 'bind9 bind9-utils unbound');
  const dir = makeTempDir('dnssec-world-');
  const ca = options.ca ?? (await createTestCa('InTransit DNSSEC-world CA'));
  const untrusted = await createTestCa('Untrusted CA');

  const smtpCert = await issueCertificate(ca, { dnsNames: ['smtp.test'] });
  const tlsa = spkiSha256(smtpCert.cert);
  const { zones, scenarios, policyHosts } = worldZones({ tlsa });

  const [built, dohCert, policyCerts] = await Promise.all([
    buildZones(dir, zones, SERVERS),
    issueCertificate(ca, { dnsNames: ['localhost', 'resolver.test'], ipAddresses: [ADDRESSES.resolver] }),
    Promise.all(Object.entries(policyHosts).map(async ([host, entry]) =>
      [host, await issueCertificate(entry.cert === 'trusted' ? ca : untrusted, { dnsNames: [host] })] as const)),
  ]);

  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const lame = zones.filter((zone) => zone.lame).map((zone) => zone.name);
  const namedConfFile = file('named.conf', namedConf(dir, built.files, lame));
  const unboundConfFile = file('unbound.conf', unboundConf({
    dir,
    hintsFile: file('root.hints', rootHints()),
    anchorFile: file('root.anchor', `${built.rootAnchor}\n`),
    keyFile: file('doh.key', dohCert.key),
    certFile: file('doh.pem', dohCert.cert),
  }));
  const policyByHost = Object.fromEntries(policyCerts.map(([host, cert]) => [host, { body: policyHosts[host]?.body ?? '', key: cert.key, cert: cert.cert }]));
  const agentConfig: AgentConfig = {
    dir,
    namedConf: namedConfFile,
    unboundConf: unboundConfFile,
    smtp: { host: ADDRESSES.smtp, port: 25, key: smtpCert.key, cert: smtpCert.cert },
    policy: { host: ADDRESSES.policy, port: 443, hosts: policyByHost },
    probe: { server: ADDRESSES.resolver, name: 'test.' },
  };
  const configFile = file('agent.json', JSON.stringify(agentConfig));
  // posttls-finger reads main.cf; the machine's own (or none, after a "No configuration"
  // install) must not decide how the test client behaves.
  const postfixConfigDir = join(dir, 'postfix');
  mkdirSync(postfixConfigDir);
  file('postfix/main.cf', 'compatibility_level = 3.6\nmyhostname = client.test\n');

  const ns = await startNamespace({
    addresses: [ADDRESSES.root, ADDRESSES.tld, ADDRESSES.leaf, ADDRESSES.smtp, ADDRESSES.policy],
    resolvConf: file('resolv.conf', resolvConf()),
    init: [process.execPath, '--import', 'tsx', join(import.meta.dirname, 'agent.ts'), configFile],
    cwd: REPO_ROOT,
    readyTimeoutMs: 20_000,
  });

  const readLog = (name: string) => {
    try {
      return readFileSync(join(dir, name), 'utf8');
    } catch {
      return '';
    }
  };
  return {
    resolverUrl: `https://${ADDRESSES.resolver}/dns-query`,
    dnsAddress: ADDRESSES.resolver,
    addresses: ADDRESSES,
    domains: scenarios,
    policyHosts,
    ca,
    caFile: ca.certFile(),
    tlsa,
    dir,
    postfixConfigDir,
    timings: { signingMs: built.signingMs, startMs: Date.now() - started },
    run: (command, args, runOptions) => ns.run(command, args, runOptions),
    spawn: (command, args, spawnOptions) => ns.spawn(command, args, spawnOptions),
    enter: ns.enter,
    logs: () => ({ named: readLog('named.log'), unbound: readLog('unbound.log') }),
    async stop() {
      await ns.stop();
      if (!options.keepDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
