// Real DNSSEC decides: the scenario domains of test/dnssec/scenarios.ts are signed offline and
// served by named, validated by unbound (trust anchor: the test root), and checked through
// unbound's DoH by the engine (assessDomain in a node process) and by the CLI process — both
// inside the world's private network namespace. Postfix's posttls-finger, a real DANE client
// using the libc resolver against the same unbound, checks every DANE scenario against a
// STARTTLS listener whose certificate the TLSA records pin, and must agree with the engine.
//
// Needs root and bind9, bind9-utils, unbound, postfix, knot-dnsutils, iproute2 (.ci/run).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Assessment, DaneHostStatus, Level } from '../../src/core/index.ts';
import { cliCheck, digSecure, engineCheck, posttlsFinger, type PosttlsOutcome, type PosttlsResult } from '../dnssec/checks.ts';
import { requireBinaries } from '../dnssec/netns.ts';
import { startDnssecWorld, type DnssecWorld } from '../dnssec/world.ts';

interface Expected {
  level: Level;
  /** The mechanism that gives the level, when one must. */
  mechanism?: Assessment['mechanism'];
  /** Reason codes the assessment must include; the first one must be reasons[0] when `first`. */
  codes?: string[];
  first?: boolean;
  /** reasons[0].message must name this (the Extended DNS Error, RFC 8914 §5.2). */
  ede?: RegExp;
  /** evidence.mtaSts.problem.code. */
  problem?: string;
  /** posttls-finger -l dane: the domain, then each MX host of the scenario (`[host]`), in order. */
  postfix: [PosttlsOutcome, ...PosttlsOutcome[]];
  why: string;
}

// The verdicts the RFCs require (sender unknown, policy fetch allowed), one row per domain.
const EXPECTED: Record<string, Expected> = {
  // ----- DANE (RFC 7672) -----
  'dane-all.test': { level: 'protected', mechanism: 'dane', codes: ['dane.protected'], first: true, postfix: ['verified', 'verified', 'verified'],
    why: 'RFC 7672 §2.2: secure MX RRset, secure usable TLSA on every MX host' },
  'dane-partial.test': { level: 'encrypted', mechanism: 'dane', codes: ['dane.partial'], postfix: ['verified', 'verified', 'no-dane'],
    why: 'RFC 7672 §2.2.1: DANE per host; mx2 has none, so an attacker can steer delivery to opportunistic TLS' },
  'dane-unusable.test': { level: 'encrypted', postfix: ['unusable-tlsa', 'unusable-tlsa'],
    why: 'RFC 7672 §2.2 and §3.1.3: usages 0/1 are unusable for SMTP; a secure non-empty RRset still makes TLS mandatory, unauthenticated' },
  'tlsa-bogus.test': { level: 'misconfigured', codes: ['dane.dnssec-failure'], first: true, ede: /DNSSEC Bogus/i, postfix: ['servfail', 'servfail'],
    why: 'RFC 7672 §2.2: a TLSA lookup failure makes the host unusable for DANE senders; the only MX: delivery deferred' },
  'mx-insecure-host.test': { level: 'unverified', codes: ['policy.none'], first: true, postfix: ['no-dane', 'no-dane'],
    why: 'RFC 7672 §2.2.2: the host\'s address records are insecure, so its TLSA records are not used' },
  'addrless-insecure.test': { level: 'encrypted', postfix: ['verified', 'verified', 'no-address'],
    why: 'RFC 7672 §2.2 with RFC 4035 §4.3: only a DNSSEC-secure denial removes a host; a forged address for noaddr gets opportunistic TLS' },
  'addrless-secure.test': { level: 'protected', mechanism: 'dane', codes: ['dane.protected'], first: true, postfix: ['verified', 'verified', 'no-address'],
    why: 'RFC 5321 §5.1: a host proven (signed NXDOMAIN) to have no address cannot be used; every usable host has DANE' },
  'cname-secure.test': { level: 'protected', mechanism: 'dane', codes: ['dane.protected'], first: true, postfix: ['verified', 'verified'],
    why: 'RFC 7672 §2.2.3: the chain is secure, TLSA at the CNAME-expanded name' },
  'cname-insecure.test': { level: 'protected', mechanism: 'dane', codes: ['dane.protected'], first: true, postfix: ['verified', 'verified'],
    why: 'RFC 7672 §2.2.2: the initial CNAME is secure, so the TLSA records at the original name apply' },
  'dane-mx-unsigned.test': { level: 'encrypted', mechanism: 'dane', codes: ['dane.mx-unsigned'], first: true, postfix: ['trusted', 'verified'],
    why: 'RFC 7672 §2.2.1: a sender MAY use DANE with an insecure MX RRset, but the MX answer itself can be forged' },
  'insecure-deleg.test': { level: 'unverified', codes: ['policy.none'], first: true, postfix: ['no-dane', 'no-dane'],
    why: 'RFC 4035 §5.2: no DS, so the zone is insecure whatever it signs; RFC 7672 §2.2: insecure TLSA is not used' },
  // ----- MTA-STS (RFC 8461), TLS-RPT (RFC 8460) -----
  'sts-enforce.test': { level: 'protected', mechanism: 'mta-sts', codes: ['mta-sts.protected'], first: true, postfix: ['no-dane'],
    why: 'RFC 8461 §5: mode enforce, the only MX matches, policy fetched over valid HTTPS' },
  'sts-enforce-dane.test': { level: 'protected', mechanism: 'dane', codes: ['dane.protected'], first: true, postfix: ['verified', 'verified'],
    why: 'RFC 7672 §2.2 and RFC 8461 §5 both protect; DANE ranks first (RFC 8461 §2)' },
  'sts-testing.test': { level: 'encrypted', mechanism: 'mta-sts', codes: ['mta-sts.testing'], first: true, postfix: ['no-dane'],
    why: 'RFC 8461 §5: mode testing reports failures but delivers anyway' },
  'sts-dane-bogus.test': { level: 'misconfigured', codes: ['dane.dnssec-failure'], first: true, ede: /DNSSEC Bogus/i, postfix: ['servfail', 'servfail'],
    why: 'RFC 8461 §2: a valid MTA-STS policy MUST NOT override a failing DANE validation' },
  'sts-badcert.test': { level: 'misconfigured', problem: 'mta-sts.fetch.certificate', postfix: ['no-dane'],
    why: 'RFC 8461 §3.3: the policy host\'s certificate must be PKIX-valid; senders cannot apply the policy' },
  'tlsrpt.test': { level: 'unverified', codes: ['policy.none', 'tls-rpt.present'], first: true, postfix: ['no-dane'],
    why: 'RFC 8460 §1: TLS-RPT reports, it enforces nothing' },
  // ----- MX (RFC 7505, RFC 5321 §5.1) -----
  'nullmx.test': { level: 'undeliverable', codes: ['mx.null'], first: true, postfix: ['null-mx'],
    why: 'RFC 7505 §3: a null MX states that the domain accepts no mail' },
  'nxdomain.test': { level: 'undeliverable', codes: ['mx.nxdomain'], first: true, postfix: ['no-address'],
    why: 'RFC 5321 §5.1: a non-existent domain is an error (secure NXDOMAIN)' },
  'unsigned.test': { level: 'unverified', codes: ['policy.none'], first: true, postfix: ['no-dane'],
    why: 'no MTA-STS, no DNSSEC: opportunistic TLS only (RFC 3207)' },
  // ----- The domain's own DNSSEC is broken (RFC 4035 §5.5; EDE RFC 8914 §4) -----
  'bogus-mx.test': { level: 'misconfigured', codes: ['mx.dnssec-failure'], first: true, ede: /DNSSEC Bogus/i, postfix: ['servfail'],
    why: 'RFC 4035 §5.5: bogus MX: validating senders cannot deliver (EDE 6)' },
  'expired.test': { level: 'misconfigured', codes: ['mx.dnssec-failure'], first: true, ede: /Signature Expired/i, postfix: ['servfail'],
    why: 'RFC 4035 §5.3.1: expired signatures are bogus (EDE 7)' },
  'notyet.test': { level: 'misconfigured', codes: ['mx.dnssec-failure'], first: true, ede: /Signature Not Yet Valid/i, postfix: ['servfail'],
    why: 'RFC 4035 §5.3.1: signatures before their inception are bogus (EDE 8)' },
  'nodnskey.test': { level: 'misconfigured', codes: ['mx.dnssec-failure'], first: true, ede: /DNSKEY Missing/i, postfix: ['servfail'],
    why: 'RFC 4035 §5.2: a DS without a matching DNSKEY is bogus (EDE 9)' },
  'lame.test': { level: 'unknown', codes: ['mx.lookup-failed'], first: true, postfix: ['servfail'],
    why: 'a SERVFAIL without a DNSSEC Extended DNS Error is a failed lookup, never evidence' },
  // ----- Control: DNS publishes valid DANE, the certificate does not match -----
  'dane-mismatch.test': { level: 'protected', mechanism: 'dane', postfix: ['dane-mismatch', 'dane-mismatch'],
    why: 'the engine judges what DNS requires (a browser cannot open port 25); Postfix sees the mismatch and refuses' },
};

/** What a scenario's DANE state comes to, as the engine sees it and as Postfix acts on it. */
type DaneView = 'protected' | 'partial' | 'mx-unsigned' | 'failure' | 'none';

function engineDaneView(assessment: Assessment): DaneView {
  const hosts = assessment.evidence.dane.hosts;
  if (hosts.some((h) => h.status === 'dnssec-failure')) return 'failure';
  if (assessment.level === 'protected' && assessment.mechanism === 'dane') return 'protected';
  const someDane = hosts.some((h) => h.status === 'dane' || h.status === 'unusable-tlsa');
  if (someDane && !assessment.evidence.dane.mxSecure) return 'mx-unsigned';
  return someDane ? 'partial' : 'none';
}

interface HostRun extends PosttlsResult {
  /** For a host without an address: whether the resolver's denial was DNSSEC-secure (AD=1). */
  secureDenial?: boolean;
}

function postfixDaneView(domain: PosttlsResult, hosts: HostRun[]): DaneView {
  if (domain.outcome === 'servfail' || hosts.some((h) => h.outcome === 'servfail')) return 'failure';
  if (domain.outcome === 'trusted') return 'mx-unsigned';
  const covered = (h: HostRun) => h.outcome === 'verified' || (h.outcome === 'no-address' && h.secureDenial === true);
  if (hosts.some((h) => h.outcome === 'verified') && hosts.every(covered)) return 'protected';
  return hosts.some((h) => h.outcome === 'verified' || h.outcome === 'unusable-tlsa') ? 'partial' : 'none';
}

/** The posttls-finger outcomes a host may show for each engine host status. */
const HOST_AGREEMENT: Record<DaneHostStatus, PosttlsOutcome[]> = {
  'dane': ['verified'],
  'unusable-tlsa': ['unusable-tlsa'],
  'no-tlsa': ['no-dane', 'no-address'],
  'insecure': ['no-dane', 'no-address'],
  'dnssec-failure': ['servfail'],
  'lookup-failed': ['servfail'],
};

let world: DnssecWorld;
let engine: Promise<Assessment[]>;
let cli: Promise<Awaited<ReturnType<typeof cliCheck>>>;
let postfix: Promise<Map<string, { domain: PosttlsResult; hosts: HostRun[] }>>;

async function runPostfix(w: DnssecWorld): Promise<Map<string, { domain: PosttlsResult; hosts: HostRun[] }>> {
  const jobs: (() => Promise<void>)[] = [];
  const out = new Map<string, { domain: PosttlsResult; hosts: HostRun[] }>();
  for (const scenario of w.domains) {
    const entry = { domain: undefined as unknown as PosttlsResult, hosts: [] as HostRun[] };
    out.set(scenario.domain, entry);
    jobs.push(async () => {
      entry.domain = await posttlsFinger(w, scenario.domain);
    });
    (scenario.mxHosts ?? []).forEach((host, i) => jobs.push(async () => {
      const run: HostRun = await posttlsFinger(w, `[${host}]`);
      if (run.outcome === 'no-address') run.secureDenial = (await digSecure(w, host, 'A')).ad;
      entry.hosts[i] = run;
    }));
  }
  // A few at a time: each run is a short process; the listener and unbound take the rest.
  let next = 0;
  await Promise.all(Array.from({ length: 6 }, async () => {
    while (next < jobs.length) await (jobs[next++] as () => Promise<void>)();
  }));
  return out;
}

beforeAll(async () => {
  await requireBinaries(['posttls-finger', 'kdig'], 'postfix knot-dnsutils');
  world = await startDnssecWorld();
  const domains = world.domains.map((s) => s.domain);
  // Independent: the engine, the CLI and posttls-finger run at once (each result awaited in its tests).
  engine = engineCheck(world, domains).then((r) => r.assessments);
  cli = cliCheck(world, domains);
  postfix = runPostfix(world);
  await Promise.allSettled([engine, cli, postfix]);
});

afterAll(async () => {
  await world?.stop();
});

const DOMAINS = Object.keys(EXPECTED);

describe('the DNSSEC world', () => {
  it('has an expectation for every scenario domain, and at least 15 of them', () => {
    expect(world.domains.map((s) => s.domain).sort()).toEqual([...DOMAINS].sort());
    expect(world.domains.filter((s) => s.kind !== 'control').length).toBeGreaterThanOrEqual(15);
  });

  it('a missing program is an error naming it and its package, never a skip', async () => {
    await expect(requireBinaries(['named', 'intransit-no-such-tool'], 'bind9')).rejects.toThrow(/missing intransit-no-such-tool — install bind9/);
  });

  it('real validation decides: secure, insecure, secure denial and bogus answers come from unbound', async () => {
    expect(await digSecure(world, 'dane-all.test', 'MX')).toEqual({ status: 'NOERROR', ad: true });
    expect(await digSecure(world, 'insecure-deleg.test', 'MX')).toEqual({ status: 'NOERROR', ad: false });
    expect(await digSecure(world, 'nxdomain.test', 'MX')).toEqual({ status: 'NXDOMAIN', ad: true });
    expect(await digSecure(world, 'expired.test', 'MX')).toEqual({ status: 'SERVFAIL', ad: false });
    const ede = await world.run('kdig', [`@${world.dnsAddress}`, '+dnssec', 'notyet.test', 'MX']);
    expect(ede.stdout).toMatch(/EDE: 8 \(Signature Not Yet Valid\)/);
  });

  it('serves DoH over HTTP/2 with a certificate from the test CA', async () => {
    const doh = await world.run('kdig', [`@${world.dnsAddress}`, '+https', `+tls-ca=${world.caFile}`, 'dane-all.test', 'MX']);
    expect(doh.stdout).toMatch(/HTTP\/2/);
    expect(doh.stdout).toMatch(/status: NOERROR/);
    expect(doh.stdout).toMatch(/Flags: qr rd ra ad/);
  });
});

describe('the engine through unbound (assessDomain, DoH, HTTPS policy fetch)', () => {
  it.each(DOMAINS)('%s', async (domain) => {
    const assessment = (await engine).find((a) => a.domain === domain);
    const expected = EXPECTED[domain] as Expected;
    expect(assessment, `no assessment for ${domain}`).toBeDefined();
    checkAssessment(assessment as Assessment, expected);
  });
});

describe('the CLI through unbound (intransit check --json, a child process)', () => {
  it('gives every domain its level, and exits 3 (one domain could not be checked)', async () => {
    const { code, assessments, stderr } = await cli;
    expect(stderr).toBe('');
    expect(Object.fromEntries(assessments.map((a) => [a.domain, a.level]))).toEqual(Object.fromEntries(DOMAINS.map((d) => [d, EXPECTED[d]?.level])));
    expect(code).toBe(3);
  });

  it.each(DOMAINS)('%s: reasons and evidence as the engine\'s', async (domain) => {
    const assessment = (await cli).assessments.find((a) => a.domain === domain);
    expect(assessment).toBeDefined();
    checkAssessment(assessment as Assessment, EXPECTED[domain] as Expected);
  });
});

describe('Postfix posttls-finger -l dane agrees with every DANE verdict', () => {
  it.each(DOMAINS)('%s', async (domain) => {
    const expected = EXPECTED[domain] as Expected;
    const run = (await postfix).get(domain);
    expect(run).toBeDefined();
    const { domain: domainRun, hosts } = run as { domain: PosttlsResult; hosts: HostRun[] };
    const seen = [domainRun, ...hosts].map((r) => r.outcome);
    expect(seen, [domainRun, ...hosts].map((r) => `${r.destination}:\n${r.output}`).join('\n')).toEqual(expected.postfix);
    if (world.domains.find((s) => s.domain === domain)?.kind === 'control') return;
    if (hosts.length === 0) return;

    const assessment = (await engine).find((a) => a.domain === domain) as Assessment;
    expect(engineDaneView(assessment), `engine vs Postfix on ${domain}`).toBe(postfixDaneView(domainRun, hosts));
    for (const host of hosts) {
      const name = host.destination.slice(1, -1);
      const status = assessment.evidence.dane.hosts.find((h) => h.host === name)?.status;
      expect(status, `engine has no DANE evidence for ${name}`).toBeDefined();
      expect(HOST_AGREEMENT[status as DaneHostStatus], `${name}: engine ${status}, Postfix ${host.outcome}`).toContain(host.outcome);
    }
  });

  it('the posttls-finger classifier can fail: a TLSA record of another key is refused', async () => {
    const run = (await postfix).get('dane-mismatch.test');
    expect(run?.domain.output).toMatch(/no matching DANE TLSA records/);
    expect(run?.domain.output).not.toMatch(/Verified TLS connection/);
  });
});

function checkAssessment(assessment: Assessment, expected: Expected): void {
  const codes = assessment.reasons.map((r) => r.code);
  const summary = `${assessment.domain}: ${assessment.level} [${codes.join(', ')}] — ${assessment.reasons[0]?.message ?? ''} (expected: ${expected.why})`;
  expect(assessment.level, summary).toBe(expected.level);
  if (expected.mechanism) expect(assessment.mechanism, summary).toBe(expected.mechanism);
  for (const code of expected.codes ?? []) expect(codes, summary).toContain(code);
  if (expected.first && expected.codes?.[0]) expect(codes[0], summary).toBe(expected.codes[0]);
  if (expected.ede) expect(assessment.reasons[0]?.message, summary).toMatch(expected.ede);
  if (expected.problem) expect(assessment.evidence.mtaSts.problem?.code, summary).toBe(expected.problem);
  if (expected.codes?.includes('tls-rpt.present')) expect(assessment.evidence.tlsRpt.record).toBe('valid');
}
