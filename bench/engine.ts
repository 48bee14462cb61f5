// Engine benchmark (issue: "Benchmark npm run bench"): a per-request delay D on the local DoH
// server and on the MTA-STS policy hosts; cold and warm latency of one domain as a multiple of
// D, 50 addresses over 20 domains cold, and the queries and fetches they cost.
import { performance } from 'node:perf_hooks';
import {
  assessAddresses,
  assessDomain,
  createAssessor,
  createCachingResolver,
  createDohResolver,
  createMemoryPolicyCache,
  type AssessDeps,
} from '../src/core/index.ts';
import { createNodeHttpsFetch } from '../src/cli/https-fetch.ts';
import { POLICY_PATH, scenarioZone, startWorld, type World } from '../test/support/world.ts';
import type { Zone } from '../test/support/zone.ts';

const BENCH_DOMAINS = 20;

/** 20 domains like a real recipient list: MTA-STS enforce, half of them on one shared MX pair. */
function addBenchDomains(world: World): Zone {
  const zone = scenarioZone(world.ip);
  zone.zones.push({ apex: 'bench.test', signed: false });
  for (let i = 1; i <= BENCH_DOMAINS; i++) {
    const d = `d${i}.bench.test`;
    const mx = i % 2 === 0 ? ['10 mx1.shared.bench.test', '20 mx2.shared.bench.test'] : [`10 mx.${d}`];
    zone.records[d] = { MX: mx };
    if (i % 2 === 1) zone.records[`mx.${d}`] = { A: ['192.0.2.10'] };
    zone.records[`_mta-sts.${d}`] = { TXT: ['v=STSv1; id=b1'] };
    zone.records[`mta-sts.${d}`] = { A: [world.ip] };
    world.hosts.set(`mta-sts.${d}`, { paths: { [POLICY_PATH]: { body: `version: STSv1\nmode: enforce\nmx: mx.${d}\nmx: *.shared.bench.test\nmax_age: 86400\n`, contentType: 'text/plain' } } });
  }
  zone.records['mx1.shared.bench.test'] = { A: ['192.0.2.11'] };
  zone.records['mx2.shared.bench.test'] = { A: ['192.0.2.12'] };
  world.doh.setZone(zone);
  return zone;
}

function freshDeps(world: World): AssessDeps {
  // A keep-alive connection to the resolver, as a browser keeps its HTTP/2 connection to DoH.
  const resolver = createCachingResolver(createDohResolver({ urls: [world.doh.url], fetch: createNodeHttpsFetch({ ca: world.ca.certPem, keepAlive: true }), timeoutMs: 5_000 }));
  // The policy host's name is resolved as the browser does it (by the system, here a fixed
  // map), not through the delayed DoH resolver: the extension's fetch() never asks our DoH.
  // (The CLI does resolve it through DoH, which adds one D to its cold time.)
  const fetch = createNodeHttpsFetch({ ca: world.ca.certPem, lookup: async () => world.ip });
  return { resolver, fetch, policyCache: createMemoryPolicyCache(), timeoutMs: 5_000 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export interface EngineRow {
  d: number;
  coldMs: number;
  coldOverD: number;
  target: number;
  warmMs: number;
  batchMs: number;
  batchOverD: number;
  dnsQueries: number;
  duplicateQueries: number;
  policyFetches: number;
  duplicateFetches: number;
}

export async function benchEngine(delays = [25, 50], runs = 5): Promise<EngineRow[]> {
  const world = await startWorld({ loopback: 30 });
  try {
    addBenchDomains(world);
    const rows: EngineRow[] = [];
    for (const d of delays) {
      world.setDelay(d);
      // Warm up the process (JIT, TLS session code) once; not measured.
      await assessDomain('d1.bench.test', freshDeps(world));

      const cold: number[] = [];
      for (let i = 0; i < runs; i++) {
        const deps = freshDeps(world);
        const t0 = performance.now();
        const a = await assessDomain('d1.bench.test', deps);
        cold.push(performance.now() - t0);
        if (a.level !== 'protected') throw new Error(`bench domain assessed ${a.level}: ${a.reasons[0]?.message}`);
      }

      const assessor = createAssessor(freshDeps(world));
      await assessor.assess('d1.bench.test');
      const warm: number[] = [];
      for (let i = 0; i < 1000; i++) {
        const t0 = performance.now();
        await assessor.assess('d1.bench.test');
        warm.push(performance.now() - t0);
      }

      const addresses = Array.from({ length: 50 }, (_, i) => `user${i}@d${(i % BENCH_DOMAINS) + 1}.bench.test`);
      const batch: number[] = [];
      let dnsQueries = 0;
      let duplicateQueries = 0;
      let policyFetches = 0;
      let duplicateFetches = 0;
      for (let i = 0; i < runs; i++) {
        const q0 = world.doh.queries.length;
        const h0 = world.hosts.requests.length;
        const t0 = performance.now();
        const result = await assessAddresses(addresses, freshDeps(world));
        batch.push(performance.now() - t0);
        if (result.length !== BENCH_DOMAINS || result.some((a) => a.level !== 'protected')) throw new Error('batch gave unexpected verdicts');
        const queries = world.doh.queries.slice(q0).map((q) => `${q.type} ${q.name}`);
        const fetches = world.hosts.requests.slice(h0).map((r) => r.host + r.path);
        dnsQueries = queries.length;
        duplicateQueries = queries.length - new Set(queries).size;
        policyFetches = fetches.length;
        duplicateFetches = fetches.length - new Set(fetches).size;
      }
      rows.push({
        d,
        coldMs: median(cold),
        coldOverD: median(cold) / d,
        target: 2.3 * d + 15,
        warmMs: median(warm),
        batchMs: median(batch),
        batchOverD: median(batch) / d,
        dnsQueries,
        duplicateQueries,
        policyFetches,
        duplicateFetches,
      });
    }
    return rows;
  } finally {
    await world.close();
  }
}

export function formatEngineRows(rows: EngineRow[]): string {
  const lines = [
    '| D (ms) | cold 1 domain (ms) | cold / D | target ≤ 2.3·D+15 (ms) | warm (ms, target ≤ 2) | 50 addr / 20 domains cold (ms) | batch / D (target ≤ 4) | DNS queries (dup) | policy fetches (dup) |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    lines.push(`| ${r.d} | ${r.coldMs.toFixed(1)} | ${r.coldOverD.toFixed(2)} | ${r.target.toFixed(1)} ${r.coldMs <= r.target ? '✓' : '✗'} | ${r.warmMs.toFixed(4)} ${r.warmMs <= 2 ? '✓' : '✗'} | ${r.batchMs.toFixed(1)} | ${r.batchOverD.toFixed(2)} ${r.batchOverD <= 4 ? '✓' : '✗'} | ${r.dnsQueries} (${r.duplicateQueries}) | ${r.policyFetches} (${r.duplicateFetches}) |`);
  }
  return lines.join('\n');
}
