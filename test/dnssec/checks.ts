// What runs through the DNSSEC world: the engine (a node script inside the namespace), the CLI
// process, and Postfix's posttls-finger. Each returns plain data for the tests to compare.
import { join } from 'node:path';
import type { Assessment } from '../../src/core/index.ts';
import { REPO_ROOT, type DnssecWorld, type RunResult } from './world.ts';

const TSX = ['--import', 'tsx'];
export const ENGINE_SCRIPT = join(import.meta.dirname, 'engine-check.ts');
export const CLI = join(REPO_ROOT, 'bin/intransit.mjs');

function parseJson<T>(what: string, result: RunResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`${what}: no JSON on stdout (exit ${result.code}${result.timedOut ? ', timed out' : ''})\nstdout: ${result.stdout.slice(0, 2000)}\nstderr: ${result.stderr.slice(0, 2000)}`);
  }
}

/** assessDomain() for every domain, in one process inside the namespace. */
export async function engineCheck(world: DnssecWorld, domains: readonly string[], timeoutMs = 3_000): Promise<{ assessments: Assessment[]; ms: number }> {
  const result = await world.run(process.execPath, [...TSX, ENGINE_SCRIPT, world.resolverUrl, world.caFile, String(timeoutMs), ...domains], { timeoutMs: 25_000 });
  const assessments = parseJson<Assessment[]>('engine-check', result);
  return { assessments, ms: result.ms };
}

/**
 * `intransit check <domains> --json --resolver <unbound>` as a user runs it, inside the namespace.
 * `resolver`: unbound's DoH URL by default; e.g. `dns://127.0.0.1:53` for classic DNS.
 */
export async function cliCheck(world: DnssecWorld, domains: readonly string[], extraArgs: readonly string[] = [], resolver = world.resolverUrl): Promise<{ code: number | null; assessments: Assessment[]; stderr: string; ms: number }> {
  const result = await world.run(process.execPath, [CLI, 'check', ...domains, '--json', '--resolver', resolver, '--timeout', '3000', ...extraArgs], {
    env: { ...process.env, NODE_EXTRA_CA_CERTS: world.caFile },
    timeoutMs: 25_000,
  });
  return { code: result.code, assessments: parseJson<Assessment[]>('intransit check', result), stderr: result.stderr, ms: result.ms };
}

/**
 * What posttls-finger reports for one destination (a domain: MX lookup; `[host]`: that host):
 * - `verified`: DANE matched over a DNSSEC-validated MX (or host) — "Verified TLS connection";
 * - `trusted`: DANE matched, but the MX RRset was insecure — "Trusted TLS connection" after
 *   "MX RRset insecure" (RFC 7672 §2.2.1 lets a sender use DANE there; Postfix downgrades the name);
 * - `unusable-tlsa`: secure TLSA with only unusable records (usage 0/1): TLS established, not authenticated;
 * - `no-dane`: no usable DANE (no TLSA, or insecure host): opportunistic TLS, "Untrusted";
 * - `dane-mismatch`: usable TLSA that the certificate does not match — verification failed;
 * - `servfail`: an MX or TLSA lookup failed (SERVFAIL, "try again": bogus data, or a server that
 *   does not answer) — Postfix defers the domain or skips the host, never sends without DANE;
 * - `no-address`: the host has no address (NODATA/NXDOMAIN);
 * - `null-mx`: the domain publishes a null MX (RFC 7505);
 * - `unexpected`: anything else (the raw output says what).
 */
export type PosttlsOutcome = 'verified' | 'trusted' | 'unusable-tlsa' | 'no-dane' | 'dane-mismatch' | 'servfail' | 'no-address' | 'null-mx' | 'unexpected';

export interface PosttlsResult {
  destination: string;
  outcome: PosttlsOutcome;
  /** The posttls-finger lines (TLS details only, -c). */
  output: string;
  ms: number;
}

export function classifyPosttls(output: string): PosttlsOutcome {
  if (/does not accept mail \(nullMX\)/.test(output)) return 'null-mx';
  if (/TLSA lookup error|try again/.test(output)) return 'servfail';
  if (/no matching DANE TLSA records/.test(output)) return 'dane-mismatch';
  if (/^posttls-finger: Verified TLS connection established/m.test(output)) return 'verified';
  if (/MX RRset insecure/.test(output) && /^posttls-finger: Trusted TLS connection established/m.test(output)) return 'trusted';
  if (/^posttls-finger: Untrusted TLS connection established/m.test(output)) {
    return /unsupported TLSA certificate usage/.test(output) ? 'unusable-tlsa' : 'no-dane';
  }
  if (/Destination address lookup failed: .*(Host not found|no data record)/.test(output)) return 'no-address';
  return 'unexpected';
}

/**
 * posttls-finger -l dane against `destination`, through the libc resolver inside the namespace
 * (resolv.conf → unbound with `options trust-ad`). It connects to the world's STARTTLS listener.
 */
export async function posttlsFinger(world: DnssecWorld, destination: string): Promise<PosttlsResult> {
  const result = await world.run('posttls-finger', ['-c', '-l', 'dane', '-t', '5', '-T', '5', destination], {
    env: { ...process.env, MAIL_CONFIG: world.postfixConfigDir },
    timeoutMs: 20_000,
  });
  const output = `${result.stdout}${result.stderr}`;
  return { destination, outcome: classifyPosttls(output), output, ms: result.ms };
}

/** The AD bit and RCODE of the resolver's answer to `name type`, through kdig inside the namespace. */
export async function digSecure(world: DnssecWorld, name: string, type: string): Promise<{ status: string; ad: boolean }> {
  const result = await world.run('kdig', [`@${world.dnsAddress}`, '+dnssec', '+noall', '+header', name, type], { timeoutMs: 10_000 });
  const status = /status: (\w+)/.exec(result.stdout)?.[1] ?? 'no answer';
  const flags = /Flags: ([^;]*);/.exec(result.stdout)?.[1] ?? '';
  return { status, ad: /\bad\b/.test(flags) };
}
