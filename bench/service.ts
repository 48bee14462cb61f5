// Lookup service benchmark (`npm run bench -- service`). The service runs as its own process,
// started the way an administrator starts it (test/support/service-process.ts); the DoH server and the policy hosts run in a
// worker thread (service-world-worker.ts) on 127.0.0.88; the load comes from this thread.
//
// - cold batch: one POST with the bench scenario's 20 domains (MTA-STS enforce, half on a shared
//   MX pair) to a service with empty caches, with a delay D on every DNS answer and every policy
//   response. A running service is warm; its caches are what is cold: so two unrelated domains
//   are checked first (that opens the DoH HTTP/2 session and runs every code path once), then
//   100 without MTA-STS and 20 with a policy each (after one policy fetch only, the TLS and HTTP
//   client code was still cold and cost the batch ~8 ms more). Policy hosts get a new HTTPS
//   connection each, as in real life. Through the service the policy host's name
//   is resolved by its resolver (one more D than the browser, whose OS resolves it). Target ≤ 4·D.
//   Twice: with the service's resolver over DoH (HTTP/2), and over classic DNS (`dns://`, the same
//   zone and delay on UDP) as with a validating resolver beside the service. On this 2-core
//   machine the batch is CPU-bound at D = 25 ms (the servers' thread takes the other core), and
//   Node's HTTP/2 client costs more CPU per query than a datagram.
// - warm: the same 20 domains, one per request, at a fixed 200 requests/s for 10 s over
//   keep-alive connections; server time is the service's own Server-Timing `total`. Targets
//   p50 ≤ 2 ms, p99 ≤ 10 ms.
// - memory: RSS of a fresh service after assessing 20,000 distinct domains (100 per request, one
//   request at a time, no delay), with the default cache bounds; also the live heap after a full
//   collection, and the same run with --max-old-space-size=256 (V8 keeps collected heap mapped
//   when allowed to grow; a limit makes it collect sooner).
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { spawnService } from '../test/support/service-process.ts';
import { BENCH_DOMAINS, benchDomain } from './scenario.ts';
import { memDomain, startBenchWorld, WARM_DOMAINS, warmDomain, type World } from './service-world.ts';

const WORLD_LOOPBACK = 88;
const SERVICE_HOST = '127.0.0.89';

interface Service {
  url: string;
  child: ChildProcess;
  /** The heap after a full garbage collection (needs HEAP_REPORT among the node flags). */
  liveHeapMb(): Promise<number>;
  stop(): Promise<void>;
}

/** Node flags that let the bench ask a service for its live heap (SIGUSR2: collect, report on stderr). */
const HEAP_REPORT = ['--expose-gc', '--import', `data:text/javascript,${encodeURIComponent(
  "process.on('SIGUSR2',()=>{globalThis.gc();process.stderr.write('heapUsed '+process.memoryUsage().heapUsed+'\\n')})",
)}`];

async function startService(world: World, nodeFlags: string[] = [], resolver = world.dohUrl): Promise<Service> {
  const heapReports: ((bytes: number) => void)[] = [];
  const { url, child } = await spawnService(['--listen', `${SERVICE_HOST}:0`, '--resolver', resolver, '--allow-special-use-names',
    '--allow-egress', `${world.ip}/32`, '--rate-limit', '0', '--timeout', '5000'], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_EXTRA_CA_CERTS: world.caFile },
    nodeFlags: [...nodeFlags, ...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? [])],
    onStderrLine: (line) => {
      const bytes = /^heapUsed (\d+)$/.exec(line);
      if (bytes) heapReports.shift()?.(Number(bytes[1]));
      else process.stderr.write(`${line}\n`);
    },
  });
  return {
    url,
    child,
    liveHeapMb() {
      const report = new Promise<number>((resolve) => heapReports.push((bytes) => resolve(bytes / 1048576)));
      child.kill('SIGUSR2');
      return report;
    },
    async stop() {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

interface Answer {
  status: number;
  serverMs: number;
  clientMs: number;
  levels: string[];
}

function assess(service: Service, domains: string[]): Promise<Answer> {
  const url = new URL(`${service.url}/v1/assess`);
  const payload = JSON.stringify({ domains });
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent,
      headers: { 'content-type': 'application/json', 'x-intransit-client': 'bench/1', 'content-length': Buffer.byteLength(payload) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const clientMs = performance.now() - started;
        const serverMs = Number(/total;dur=([\d.]+)/.exec(String(res.headers['server-timing'] ?? ''))?.[1] ?? NaN);
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { results?: { level: string }[] };
        resolve({ status: res.statusCode ?? 0, serverMs, clientMs, levels: (body.results ?? []).map((r) => r.level) });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

const percentile = (xs: number[], p: number): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const median = (xs: number[]): number => percentile(xs, 50);

/** CPU time (user + system) the process has used so far, in ms (/proc/<pid>/stat, clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function rssMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

export interface ServiceBench {
  cold: { resolver: ColdResolver; d: number; batchMs: number; overD: number; serverMs: number; cpuMs: number; queries: number; duplicates: number; fetches: number }[];
  warm: { rate: number; requests: number; serverP50: number; serverP99: number; clientP50: number; clientP99: number; lateStarts: number };
  memory: { heapLimitMb: number | null; domains: number; seconds: number; rssStartMb: number; rssMb: number; peakMb: number; liveMb: number }[];
}

const benchDomains = (): string[] => Array.from({ length: BENCH_DOMAINS }, (_, i) => benchDomain(i + 1));

/** DoH (the default, a public resolver's case) or classic DNS to a validating resolver beside the service (docs/lookup-service.md). */
type ColdResolver = 'DoH' | 'dns://';

async function coldBatch(world: World, d: number, runs: number, resolver: ColdResolver): Promise<ServiceBench['cold'][number]> {
  await world.ask({ op: 'setDelay', ms: d });
  const times: number[] = [];
  const server: number[] = [];
  let queries = 0;
  let duplicates = 0;
  let fetches = 0;
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const service = await startService(world, [], resolver === 'DoH' ? world.dohUrl : world.classicUrl);
    try {
      // Opens the DoH session and runs every code path once (a policy fetch included): a running
      // service is warm; what is measured is cold caches.
      await assess(service, ['enforce.test', 'dane.test']);
      // A running service has answered many domains before: warm its code paths (JIT) on 100
      // others without MTA-STS and on 20 with a policy each (the TLS and HTTP client code of the
      // policy fetch: one fetch alone leaves it cold), then measure the batch with cold caches
      // for its domains.
      await world.ask({ op: 'setMemDomains', from: 1, count: 100 });
      await assess(service, Array.from({ length: 100 }, (_, j) => memDomain(j + 1)));
      const warm = await assess(service, Array.from({ length: WARM_DOMAINS }, (_, j) => warmDomain(j + 1)));
      if (warm.levels.some((l) => l !== 'protected')) throw new Error(`the warm-up domains gave ${warm.levels.join(', ')}`);
      const marks = (await world.ask({ op: 'log', since: { queries: 0, requests: 0 } })).log!.marks;
      const t0 = Date.now();
      const cpu0 = cpuMs(service.child.pid!);
      const answer = await assess(service, benchDomains());
      cpu.push(cpuMs(service.child.pid!) - cpu0);
      const log = (await world.ask({ op: 'log', since: marks })).log!;
      queries = log.queries.length;
      duplicates = queries - new Set(log.queries.map((q) => q.what)).size;
      fetches = log.requests.length;
      if (process.env.BENCH_VERBOSE) {
        for (const q of log.queries) console.error(`  +${q.at - t0} ms query ${q.what}`);
        for (const r of log.requests) console.error(`  +${r.at - t0} ms fetch ${r.what}`);
      }
      if (answer.levels.length !== BENCH_DOMAINS || answer.levels.some((l) => l !== 'protected')) throw new Error(`bench batch gave ${answer.levels.join(', ')}`);
      times.push(answer.clientMs);
      if (process.env.BENCH_VERBOSE) console.error(`cold D=${d} run ${i}: ${answer.clientMs.toFixed(1)} ms, service CPU ${cpu[cpu.length - 1]} ms`);
      server.push(answer.serverMs);
    } finally {
      await service.stop();
    }
  }
  return { resolver, d, batchMs: median(times), overD: median(times) / d, serverMs: median(server), cpuMs: median(cpu), queries, duplicates, fetches };
}

async function warmLoad(world: World, rate: number, seconds: number): Promise<ServiceBench['warm']> {
  await world.ask({ op: 'setDelay', ms: 0 });
  const service = await startService(world);
  try {
    await assess(service, benchDomains());
    // JIT warm-up, not measured.
    for (let i = 0; i < 400; i++) await assess(service, [benchDomain((i % BENCH_DOMAINS) + 1)]);
    const total = rate * seconds;
    const interval = 1000 / rate;
    const server: number[] = [];
    const client: number[] = [];
    let lateStarts = 0;
    const started = performance.now();
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const due = started + i * interval;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      else if (wait < -interval) lateStarts++;
      inFlight.push(assess(service, [benchDomain((i % BENCH_DOMAINS) + 1)]).then((answer) => {
        if (answer.status !== 200 || answer.levels[0] !== 'protected') throw new Error(`warm request answered ${answer.status}`);
        server.push(answer.serverMs);
        client.push(answer.clientMs);
      }));
    }
    await Promise.all(inFlight);
    return {
      rate,
      requests: total,
      serverP50: percentile(server, 50),
      serverP99: percentile(server, 99),
      clientP50: percentile(client, 50),
      clientP99: percentile(client, 99),
      lateStarts,
    };
  } finally {
    await service.stop();
  }
}

async function memoryAfter(world: World, count: number, heapLimitMb?: number): Promise<ServiceBench['memory'][number]> {
  await world.ask({ op: 'setDelay', ms: 0 });
  const service = await startService(world, [...HEAP_REPORT, ...(heapLimitMb ? [`--max-old-space-size=${heapLimitMb}`] : [])]);
  try {
    await assess(service, ['enforce.test', 'dane.test']);
    const rssStartMb = rssMb(service.child.pid!).rss;
    const started = performance.now();
    for (let from = 1; from <= count; from += 100) {
      const size = Math.min(100, count - from + 1);
      await world.ask({ op: 'setMemDomains', from, count: size });
      const domains = Array.from({ length: size }, (_, i) => memDomain(from + i));
      const answer = await assess(service, domains);
      if (answer.status !== 200 || answer.levels.length !== size || answer.levels.some((l) => l !== 'unverified')) throw new Error(`memory fill answered ${answer.status}: ${answer.levels.slice(0, 3).join(', ')}`);
    }
    const seconds = (performance.now() - started) / 1000;
    const { rss, peak } = rssMb(service.child.pid!);
    const liveMb = await service.liveHeapMb();
    // Still answered from the cache after the fill (the bounds evict, they do not break).
    const check = await assess(service, [memDomain(count)]);
    if (check.levels[0] !== 'unverified') throw new Error('the last domain is not answered after the fill');
    return { heapLimitMb: heapLimitMb ?? null, domains: count, seconds, rssStartMb, rssMb: rss, peakMb: peak, liveMb };
  } finally {
    await service.stop();
  }
}

export async function benchService(options: { delays?: number[]; runs?: number; rate?: number; seconds?: number; memoryDomains?: number } = {}): Promise<ServiceBench> {
  const world = await startBenchWorld(WORLD_LOOPBACK);
  try {
    const cold: ServiceBench['cold'] = [];
    for (const resolver of ['DoH', 'dns://'] as const) {
      for (const d of options.delays ?? [25, 50, 100]) cold.push(await coldBatch(world, d, options.runs ?? 5, resolver));
    }
    const warm = await warmLoad(world, options.rate ?? 200, options.seconds ?? 10);
    const memory = [
      await memoryAfter(world, options.memoryDomains ?? 20_000),
      await memoryAfter(world, options.memoryDomains ?? 20_000, 256),
    ];
    return { cold, warm, memory };
  } finally {
    agent.destroy();
    await world.close();
  }
}

export function formatServiceBench(result: ServiceBench): string {
  const lines = [
    '| cold batch, 20 domains, one POST; service resolver | D (ms) | client time (ms) | / D (target ≤ 4) | server time (ms) | service CPU (ms) | DNS queries (dup) | policy fetches |',
    '|---|---|---|---|---|---|---|---|',
    ...result.cold.map((c) => `| ${c.resolver === 'DoH' ? 'DoH (HTTP/2)' : 'dns:// (UDP, resolver on loopback)'} | ${c.d} | ${c.batchMs.toFixed(1)} | ${c.overD.toFixed(2)} ${c.overD <= 4 ? '✓' : '✗'} | ${c.serverMs.toFixed(1)} | ${c.cpuMs} | ${c.queries} (${c.duplicates}) | ${c.fetches} |`),
    '',
    '| warm, one domain per request | rate (req/s) | requests | server p50 (ms, ≤ 2) | server p99 (ms, ≤ 10) | client p50 (ms) | client p99 (ms) | late starts |',
    '|---|---|---|---|---|---|---|---|',
    `| memory cache hit | ${result.warm.rate} | ${result.warm.requests} | ${result.warm.serverP50.toFixed(2)} ${result.warm.serverP50 <= 2 ? '✓' : '✗'} | ${result.warm.serverP99.toFixed(2)} ${result.warm.serverP99 <= 10 ? '✓' : '✗'} | ${result.warm.clientP50.toFixed(2)} | ${result.warm.clientP99.toFixed(2)} | ${result.warm.lateStarts} |`,
    '',
    '| memory, default cache bounds | distinct domains | fill time (s) | RSS at start (MB) | RSS after (MB) | peak RSS (MB) | live heap after GC (MB) |',
    '|---|---|---|---|---|---|---|',
    ...result.memory.map((m) => `| ${m.heapLimitMb === null ? 'node defaults' : `--max-old-space-size=${m.heapLimitMb}`} | ${m.domains} | ${m.seconds.toFixed(1)} | ${m.rssStartMb.toFixed(0)} | ${m.rssMb.toFixed(0)} | ${m.peakMb.toFixed(0)} | ${m.liveMb.toFixed(0)} |`),
  ];
  return lines.join('\n');
}
