// Engine benchmark (issue: "Benchmark npm run bench"): a per-request delay D on the DoH resolver
// and on the MTA-STS policy hosts; cold and warm latency of one domain, 50 addresses over 20
// domains cold (MTA-STS enforce, half of them on one shared MX pair), and the DNS queries and
// policy fetches they cost. Medians of several runs.
//
// What is modelled, and why:
// - The servers are other machines: the DoH server and the policy hosts (test/support/world.ts)
//   run in a worker thread (world-worker.ts), so their CPU — server-side TLS, zone lookups, DNS
//   encoding — is not charged to the engine. Their query and request logs come back as messages.
//   Their certificates are issued, and their code warmed, before anything is timed.
// - DoH runs over ONE HTTP/2 connection (src/node/http2-fetch.ts), as a browser keeps to its
//   resolver (RFC 8484 s5.2) and as the CLI now does: all queries of a batch are streams of one
//   session. The session is opened before timing and kept across runs ("cold" means cold
//   caches: DNS answers and policies, never a connection setup charged as D).
// - Each policy fetch opens its own HTTPS/1.1 connection (a new origin per domain, as the browser
//   meets it); the client side of that TLS handshake runs on the engine's thread and IS counted.
//   The policy host's name is resolved as the browser does it (by the system, here a fixed map),
//   not through the delayed DoH resolver (the CLI does resolve it through DoH: one D more).
// - Two places for the client's network stack (the `network` column):
//   'engine thread' (CLI-like): the fetches on the engine's thread, as in the CLI and the lookup
//     service: every client-side TLS handshake (about 1.2 ms of CPU each in Node, one per policy
//     host) and the HTTP/2 client code are charged to the engine. Nothing is hidden in another
//     thread: this row is the batch target's measure.
//   'own thread' (browser-like): DoH and policy fetches run in net-worker.ts, as fetch() runs in
//     a browser's network process; the engine's thread pays only for building requests and
//     reading responses (a message each way; a reply becomes a NodeResponse, as cheap as the
//     browser's native Response, see remote-fetch.ts). The engine's thread is then busy ~25 ms
//     per batch, but the model is dear in Node: the network thread's fetches plus the structured
//     clones cost more CPU than the whole engine-thread row (`CPU, all threads`: ~140 ms against
//     ~90 ms at D = 25 ms), on three busy threads of this 2-core machine, so its batch time
//     measures the machine more than the engine. Shown for the engine thread's share; the
//     extension's real figure is `npm run bench -- browser` (real Chromium).
// - D is added by the servers before each answer; with D = 1 ms the batch time is nearly all
//   CPU on the engine's thread, a floor no delay explains.
import { performance } from 'node:perf_hooks';
import {
  assessAddresses,
  assessDomain,
  createCachingResolver,
  createMemoryPolicyCache,
  type AssessDeps,
  type FetchLike,
} from '../src/core/index.ts';
import { createHttp2Fetch } from '../src/node/http2-fetch.ts';
import { createResolverForUrls } from '../src/node/resolver.ts';
import { createNodeHttpsFetch } from '../src/node/https-fetch.ts';
import { createAssessmentCache } from '../src/background/assessment-cache.ts';
import { createAssessmentService } from '../src/background/assessment-service.ts';
import { memoryArea } from '../src/background/storage-area.ts';
import { startRemoteNetwork } from './remote-fetch.ts';
import { startRemoteWorld, type RemoteWorld } from './remote-world.ts';
import { BENCH_DOMAINS, benchAddresses } from './scenario.ts';

export type NetworkPlace = 'own thread' | 'engine thread';

interface Network {
  doh: FetchLike;
  /** A policy fetch for one run (the CLI-like one is new per run: no pooled connections). */
  policy(): FetchLike;
  close(): Promise<void> | void;
}

function network(world: RemoteWorld, place: NetworkPlace): Network {
  if (place === 'own thread') {
    const remote = startRemoteNetwork(world.caPem, world.ip);
    return { doh: remote.doh, policy: () => remote.policy, close: () => remote.close() };
  }
  const doh = createHttp2Fetch({ ca: world.caPem });
  return { doh, policy: () => createNodeHttpsFetch({ ca: world.caPem, lookup: async () => world.ip }), close: () => doh.close() };
}

function freshDeps(world: RemoteWorld, net: Network): AssessDeps {
  // As the CLI builds it (src/node/resolver.ts): over an Http2Fetch (engine thread) the DoH
  // queries skip the WHATWG objects; over the browser-like network the engine's own transport.
  const resolver = createCachingResolver(createResolverForUrls([world.dohUrl], { doh: net.doh, timeoutMs: 5_000 }));
  return { resolver, fetch: net.policy(), policyCache: createMemoryPolicyCache(), timeoutMs: 5_000 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export interface EngineRow {
  network: NetworkPlace;
  d: number;
  coldMs: number;
  coldOverD: number;
  target: number;
  warmMs: number;
  batchMs: number;
  batchOverD: number;
  /** Time the engine's thread was busy during the batch (event-loop utilisation, active ms). */
  batchBusyMs: number;
  /** Time the test servers' thread (DoH server, policy hosts: world-worker.ts) was busy. */
  serverBusyMs: number;
  /**
   * CPU of the whole process in the batch, every thread (engine, network worker, servers):
   * near 2 × the batch time, the two cores of this machine are the limit, not the engine.
   */
  processCpuMs: number;
  dnsQueries: number;
  duplicateQueries: number;
  policyFetches: number;
  duplicateFetches: number;
}

export async function benchEngine(delays = [1, 25, 50], runs = 7, places: NetworkPlace[] = ['own thread', 'engine thread']): Promise<EngineRow[]> {
  const world = await startRemoteWorld(30);
  const rows: EngineRow[] = [];
  try {
    for (const place of places) {
      const net = network(world, place);
      try {
        rows.push(...await benchDelays(world, net, place, delays, runs));
      } finally {
        await net.close();
      }
    }
    return rows;
  } finally {
    await world.close();
  }
}

async function benchDelays(world: RemoteWorld, net: Network, place: NetworkPlace, delays: number[], runs: number): Promise<EngineRow[]> {
  const rows: EngineRow[] = [];
  for (const d of delays) {
    await world.setDelay(d);
    // Warm up (JIT, the DoH session, the client TLS code) once; not measured.
    await assessAddresses(['d1.bench.test', 'd2.bench.test'], freshDeps(world, net));

    const cold: number[] = [];
    for (let i = 0; i < runs; i++) {
      const deps = freshDeps(world, net);
      const t0 = performance.now();
      const a = await assessDomain('d1.bench.test', deps);
      cold.push(performance.now() - t0);
      if (a.level !== 'protected') throw new Error(`bench domain assessed ${a.level}: ${a.reasons[0]?.message}`);
    }

    // Warm: the path the extension takes for a domain it has checked (the background's
    // assessment service: its hot cache in front of the engine).
    const service = createAssessmentService({ assess: assessDomain, cache: createAssessmentCache(memoryArea()), deps: () => freshDeps(world, net) });
    await service.assess('d1.bench.test', undefined);
    const warm: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const t0 = performance.now();
      await service.assess('d1.bench.test', undefined);
      warm.push(performance.now() - t0);
    }

    const addresses = benchAddresses();
    const batch: number[] = [];
    const busy: number[] = [];
    const serverBusy: number[] = [];
    const processCpu: number[] = [];
    let dnsQueries = 0;
    let duplicateQueries = 0;
    let policyFetches = 0;
    let duplicateFetches = 0;
    for (let i = 0; i < runs; i++) {
      const marks = await world.marks();
      const deps = freshDeps(world, net);
      const elu0 = performance.eventLoopUtilization();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const result = await assessAddresses(addresses, deps);
      batch.push(performance.now() - t0);
      busy.push(performance.eventLoopUtilization(elu0).active);
      const cpu = process.cpuUsage(cpu0);
      processCpu.push((cpu.user + cpu.system) / 1000);
      if (result.length !== BENCH_DOMAINS || result.some((a) => a.level !== 'protected')) throw new Error('batch gave unexpected verdicts');
      const { queries, requests, busyMs } = await world.logSince(marks);
      serverBusy.push(busyMs);
      dnsQueries = queries.length;
      duplicateQueries = queries.length - new Set(queries).size;
      policyFetches = requests.length;
      duplicateFetches = requests.length - new Set(requests).size;
    }
    rows.push({
      network: place,
      d,
      coldMs: median(cold),
      coldOverD: median(cold) / d,
      target: 2.3 * d + 15,
      warmMs: median(warm),
      batchMs: median(batch),
      batchOverD: median(batch) / d,
      batchBusyMs: median(busy),
      serverBusyMs: median(serverBusy),
      processCpuMs: median(processCpu),
      dnsQueries,
      duplicateQueries,
      policyFetches,
      duplicateFetches,
    });
  }
  return rows;
}

export function formatEngineRows(rows: EngineRow[]): string {
  const lines = [
    '| network stack | D (ms) | cold 1 domain (ms) | cold / D | target ≤ 2.3·D+15 (ms) | warm (ms, target ≤ 2) | 50 addr / 20 domains cold (ms) | batch / D (target ≤ 4) | engine thread busy in batch (ms) | test servers\' thread busy (ms) | CPU, all threads (ms) | DNS queries (dup) | policy fetches (dup) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    lines.push(`| ${r.network} | ${r.d} | ${r.coldMs.toFixed(1)} | ${r.coldOverD.toFixed(2)} | ${r.target.toFixed(1)} ${r.coldMs <= r.target ? '✓' : '✗'} | ${r.warmMs.toFixed(4)} ${r.warmMs <= 2 ? '✓' : '✗'} | ${r.batchMs.toFixed(1)} | ${r.batchOverD.toFixed(2)} ${r.batchOverD <= 4 ? '✓' : '✗'} | ${r.batchBusyMs.toFixed(0)} | ${r.serverBusyMs.toFixed(0)} | ${r.processCpuMs.toFixed(0)} | ${r.dnsQueries} (${r.duplicateQueries}) | ${r.policyFetches} (${r.duplicateFetches}) |`);
  }
  return lines.join('\n');
}
