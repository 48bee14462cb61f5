// Peer benchmark (`npm run bench -- peer`): `intransit check` side by side with
// postfix-mta-sts-resolver's `mta-sts-query` (Debian package postfix-mta-sts-resolver), through one
// real validating resolver, with an added round-trip time D on every client packet.
//
// - The world: the DNSSEC test world (test/dnssec/world.ts): bind9 authoritative for the signed
//   test root, TLD and scenario zones, unbound validating and serving DNS (53) and DoH over
//   HTTP/2 (443), the MTA-STS policy hosts (443), all in a private network namespace.
// - The delay: iptables NFQUEUE + delayer.c on the client's packets only (peer/delayer.ts): each
//   round trip of a client (TCP, TLS, DNS, HTTP) grows by D; unbound's own recursion does not,
//   and its cache is warmed before anything is timed (cold = a new client process, no caches,
//   no connections).
// - The tools, each a new process per run, run inside the namespace (nsenter):
//     InTransit DoH   node bin/intransit.mjs check <domains> --json --resolver https://127.0.0.1/dns-query
//     InTransit dns   the same with --resolver dns://127.0.0.1:53 (classic DNS, as the peer uses)
//     peer            mta-sts-query <domain> (one domain per process by design); for "all
//                     domains in one process", peer/mta-sts-many.py runs the same library
//                     (STSResolver) on every domain at once
//   InTransit does MX, DANE (TLSA), MTA-STS and TLS-RPT; the peer does MTA-STS only.
// - Times (CLOCK_MONOTONIC): whole = spawn to exit, less the cost of nsenter itself (a `true`
//   run, measured); start-up = spawn to the first packet the delayer sees from the run; protocol =
//   that first packet to the last packet released before the process exited.
// - Floors, the dependent round trips each protocol needs for an MTA-STS domain (the critical
//   path; MX -> TLSA runs beside it and is shorter):
//     InTransit DoH: TCP + TLS 1.3 to the resolver, TXT (policy host addresses asked at the same
//       time), TCP + TLS 1.3 + GET to the policy host = 6 D;
//     InTransit dns: TXT, TCP + TLS + GET = 4 D;
//     peer: TXT, then A/AAAA of the policy host (getaddrinfo after the TXT answer), TCP + TLS +
//       GET = 5 D.
//   (sts-badcert.test's fetch ends at the certificate check, one round trip under its floor.)
// - Measured here, not InTransit's: unbound 1.17's DoH answers some of the streams that arrive
//   with the client's first flight (right after the TLS handshake) only one round trip later,
//   when the client's next packet comes; an HTTP/2 PING does not change it, and waiting for the
//   server's SETTINGS before sending costs the same round trip. So the DoH rows carry about one
//   D above their floor that a DoH server without this behaviour would not add.
//
// Needs root, gcc and libnetfilter-queue-dev (delayer), iptables, bind9, bind9-utils, unbound,
// iproute2, postfix-mta-sts-resolver. Medians of several runs; run it with `nice -n -5` on a
// busy machine, and read the load average printed with the tables.
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { buildDelayer, startDelayer, type Delayer, type PacketRecord } from './peer/delayer.ts';
import { REPO_ROOT, startDnssecWorld, type DnssecWorld } from '../test/dnssec/world.ts';
import { requireBinaries } from '../test/dnssec/netns.ts';

const CLI = join(REPO_ROOT, 'bin/intransit.mjs');
const MANY = join(import.meta.dirname, 'peer/mta-sts-many.py');
const ONE_DOMAIN = 'sts-enforce.test';

export type Tool = 'InTransit DoH' | 'InTransit dns' | 'peer (mta-sts-query)';
export type Mode = 'one domain' | 'one process per domain' | 'all domains in one process';
const TOOLS: Tool[] = ['InTransit DoH', 'InTransit dns', 'peer (mta-sts-query)'];
/** Dependent round trips on the critical path (header). */
const FLOOR_RTTS: Record<Tool, number> = { 'InTransit DoH': 6, 'InTransit dns': 4, 'peer (mta-sts-query)': 5 };

interface Timed {
  code: number | null;
  stdout: string;
  stderr: string;
  startNs: bigint;
  endNs: bigint;
}

function timedRun(world: DnssecWorld, command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Timed> {
  return new Promise((resolve) => {
    const startNs = process.hrtime.bigint();
    const child = spawn(world.enter[0] as string, [...world.enter.slice(1), command, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('close', (code) => resolve({ code, stdout, stderr, startNs, endNs: process.hrtime.bigint() }));
  });
}

const ms = (ns: bigint): number => Number(ns) / 1e6;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

export interface Sample {
  wholeMs: number;
  startupMs: number;
  protocolMs: number;
}

function sampleOf(run: Timed, packets: PacketRecord[], nsenterMs: number, what: string): Sample {
  const mine = packets.filter((p) => p.inNs >= run.startNs && p.inNs <= run.endNs);
  if (mine.length === 0) throw new Error(`peer bench: ${what} sent no packet the delayer saw (exit ${run.code}): ${run.stderr.slice(0, 500)}`);
  const first = mine.reduce((m, p) => (p.inNs < m ? p.inNs : m), mine[0]!.inNs);
  const last = mine.filter((p) => p.outNs <= run.endNs).reduce((m, p) => (p.outNs > m ? p.outNs : m), first);
  return { wholeMs: ms(run.endNs - run.startNs) - nsenterMs, startupMs: ms(first - run.startNs) - nsenterMs, protocolMs: ms(last - first) };
}

interface Variant {
  tool: Tool;
  mode: Mode;
  /** argv lists: one process each, run one after another. */
  runs: string[][];
}

function variants(world: DnssecWorld, domains: string[], perProcess: string[]): Variant[] {
  const intransit = (resolver: string) => (ds: string[]) => [process.execPath, CLI, 'check', ...ds, '--json', '--resolver', resolver, '--timeout', '5000'];
  const doh = intransit(world.resolverUrl);
  const dns = intransit(`dns://${world.dnsAddress}:53`);
  const peer = (ds: string[]) => (ds.length === 1 ? ['mta-sts-query', ds[0] as string] : ['/usr/bin/python3', MANY, ...ds]);
  const build = (tool: Tool, argv: (ds: string[]) => string[]): Variant[] => [
    { tool, mode: 'one domain', runs: [argv([ONE_DOMAIN])] },
    { tool, mode: 'one process per domain', runs: perProcess.map((d) => argv([d])) },
    { tool, mode: 'all domains in one process', runs: [argv(domains)] },
  ];
  return [...build('InTransit DoH', doh), ...build('InTransit dns', dns), ...build('peer (mta-sts-query)', peer)];
}

export interface PeerRow {
  d: number;
  tool: Tool;
  mode: Mode;
  processes: number;
  /** Medians; for several processes, of their sum. */
  wholeMs: number;
  startupMs: number;
  protocolMs: number;
  floorMs: number;
}

export interface PeerResult {
  rows: PeerRow[];
  domains: number;
  perProcessDomains: string[];
  nsenterMs: number;
  load: number[];
}

async function runVariant(world: DnssecWorld, delayer: Delayer, variant: Variant, env: NodeJS.ProcessEnv, nsenterMs: number, roundTripMs: number): Promise<Sample> {
  const total: Sample = { wholeMs: 0, startupMs: 0, protocolMs: 0 };
  for (const argv of variant.runs) {
    await delayer.take();
    const run = await timedRun(world, argv[0] as string, argv.slice(1), env);
    // The kernel closes the run's connections after it exits (FIN, ACK: each held D/2): let them
    // out before the next run, whose first packet would otherwise be one of them.
    await new Promise((resolve) => setTimeout(resolve, 20 + 2 * roundTripMs));
    const sample = sampleOf(run, await delayer.take(), nsenterMs, `${variant.tool} ${argv.slice(-6).join(' ')}`);
    if (variant.tool !== 'peer (mta-sts-query)' && (run.code === null || run.code === 2)) throw new Error(`peer bench: intransit failed (${run.code}): ${run.stderr}`);
    total.wholeMs += sample.wholeMs;
    total.startupMs += sample.startupMs;
    total.protocolMs += sample.protocolMs;
  }
  return total;
}

export async function benchPeer(options: { delays?: number[]; rounds?: number; tools?: Tool[]; modes?: Mode[] } = {}): Promise<PeerResult> {
  const delays = options.delays ?? [0, 25, 50];
  const rounds = options.rounds ?? 7;
  await requireBinaries(['gcc', 'iptables', 'mta-sts-query'], 'gcc iptables postfix-mta-sts-resolver');
  const load = loadavg();
  const world = await startDnssecWorld();
  let delayer: Delayer | undefined;
  try {
    delayer = await startDelayer(world, await buildDelayer(world.dir));
    const env = { ...process.env, NODE_EXTRA_CA_CERTS: world.caFile, SSL_CERT_FILE: world.caFile };
    // lame.test is left out: its SERVFAIL costs unbound's own retries, not the clients'.
    const domains = world.domains.map((s) => s.domain).filter((d) => d !== 'lame.test');
    // The domains that announce a policy (the floor below counts the policy fetch for each).
    const perProcess = world.domains.map((s) => s.domain).filter((d) => Object.hasOwn(world.policyHosts, `mta-sts.${d}`));
    const all = variants(world, domains, perProcess).filter((v) => (options.tools ?? TOOLS).includes(v.tool) && (options.modes ?? [v.mode]).includes(v.mode));

    // nsenter's own cost, subtracted from every whole-process time.
    const trues: number[] = [];
    for (let i = 0; i < 9; i++) {
      const run = await timedRun(world, 'true', [], env);
      trues.push(ms(run.endNs - run.startNs));
    }
    const nsenterMs = median(trues);

    // Warm unbound's cache and the page cache (node, python, the bundle): not timed.
    await delayer.setRoundTrip(0);
    for (const variant of all) await runVariant(world, delayer, variant, env, nsenterMs, 0);

    const rows: PeerRow[] = [];
    for (const d of delays) {
      await delayer.setRoundTrip(d);
      const samples = new Map<Variant, Sample[]>(all.map((v) => [v, []]));
      for (let round = 0; round < rounds; round++) {
        // Interleaved, so drift in the machine's load hits every tool alike.
        for (const variant of all) {
          if (variant.mode === 'one process per domain' && round >= Math.ceil(rounds / 2)) continue;
          samples.get(variant)?.push(await runVariant(world, delayer, variant, env, nsenterMs, d));
        }
      }
      for (const variant of all) {
        const got = samples.get(variant) ?? [];
        rows.push({
          d,
          tool: variant.tool,
          mode: variant.mode,
          processes: variant.runs.length,
          wholeMs: median(got.map((s) => s.wholeMs)),
          startupMs: median(got.map((s) => s.startupMs)),
          protocolMs: median(got.map((s) => s.protocolMs)),
          floorMs: FLOOR_RTTS[variant.tool] * d * variant.runs.length,
        });
      }
    }
    return { rows, domains: domains.length, perProcessDomains: perProcess, nsenterMs, load };
  } finally {
    delayer?.stop();
    await world.stop();
  }
}

export function formatPeer(result: PeerResult): string {
  const out: string[] = [];
  out.push(`Load average at start: ${result.load.map((l) => l.toFixed(2)).join(' ')}; nsenter cost subtracted: ${result.nsenterMs.toFixed(1)} ms. ` +
    `one domain = ${ONE_DOMAIN}; one process per domain = ${result.perProcessDomains.join(', ')} (sums); all domains = ${result.domains} world domains.\n`);
  out.push('| D (ms) | mode | tool | whole (ms) | start-up (ms) | protocol (ms) | floor (ms) | protocol ÷ floor |');
  out.push('|---|---|---|---|---|---|---|---|');
  for (const r of result.rows) {
    const ratio = r.floorMs > 0 ? (r.protocolMs / r.floorMs).toFixed(2) : '–';
    out.push(`| ${r.d} | ${r.mode} | ${r.tool} | ${r.wholeMs.toFixed(0)} | ${r.startupMs.toFixed(0)} | ${r.protocolMs.toFixed(0)} | ${r.floorMs} | ${ratio} |`);
  }
  out.push('');
  out.push('InTransit ÷ peer (target: one domain, whole process, D = 25 ms ≤ 0.7):\n');
  out.push('| D (ms) | mode | DoH: whole | DoH: protocol | dns://: whole | dns://: protocol |');
  out.push('|---|---|---|---|---|---|');
  const find = (d: number, mode: Mode, tool: Tool) => result.rows.find((r) => r.d === d && r.mode === mode && r.tool === tool);
  for (const d of [...new Set(result.rows.map((r) => r.d))]) {
    for (const mode of ['one domain', 'one process per domain', 'all domains in one process'] as Mode[]) {
      const peer = find(d, mode, 'peer (mta-sts-query)');
      const doh = find(d, mode, 'InTransit DoH');
      const dns = find(d, mode, 'InTransit dns');
      if (!peer || !doh || !dns) continue;
      const f = (a: number, b: number) => (a / b).toFixed(2);
      out.push(`| ${d} | ${mode} | ${f(doh.wholeMs, peer.wholeMs)} | ${f(doh.protocolMs, peer.protocolMs)} | ${f(dns.wholeMs, peer.wholeMs)} | ${f(dns.protocolMs, peer.protocolMs)} |`);
    }
  }
  return out.join('\n');
}

export { TOOLS };
