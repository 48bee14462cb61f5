// The benchmark's local servers (test/support/world.ts: the DoH server and the MTA-STS policy
// hosts) in a worker thread of their own, as they are other machines in real life: their CPU
// (server-side TLS, zone lookups, DNS encoding) runs on another thread and does not count
// against the engine's latency. The main thread talks to it over messages (remote-world.ts).
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { createNodeHttpsFetch } from '../src/node/https-fetch.ts';
import { createHttp2Fetch } from '../src/node/http2-fetch.ts';
import { encodeQuery, base64url } from '../src/core/dns/index.ts';
import { POLICY_PATH, scenarioZone, startWorld, type World } from '../test/support/world.ts';
import type { Zone } from '../test/support/zone.ts';
import type { WorkerReply, WorkerRequest } from './remote-world.ts';
import { BENCH_APEX, BENCH_DOMAINS, benchDomain, benchScenario } from './scenario.ts';

/** Adds the bench scenario (scenario.ts) to the world's zone and policy hosts. */
function addBenchDomains(world: World): Zone {
  const zone = scenarioZone(world.ip);
  const { records, policies } = benchScenario(world.ip);
  zone.zones.push({ apex: BENCH_APEX, signed: false });
  Object.assign(zone.records, records);
  for (const [host, body] of policies) world.hosts.set(host, { paths: { [POLICY_PATH]: { body, contentType: 'text/plain' } } });
  world.doh.setZone(zone);
  return zone;
}

/** Issues every bench host's certificate (https-hosts does it on first use) and warms the
 *  servers' code paths, so that no timed run pays for them. Not counted in any log. */
async function prewarm(world: World): Promise<void> {
  const policyFetch = createNodeHttpsFetch({ ca: world.ca.certPem, lookup: async () => world.ip });
  await Promise.all(Array.from({ length: BENCH_DOMAINS }, async (_, i) => {
    const response = await policyFetch(`https://mta-sts.${benchDomain(i + 1)}${POLICY_PATH}`);
    await response.text();
  }));
  const doh = createHttp2Fetch({ ca: world.ca.certPem });
  try {
    await (await doh(`${world.doh.url}?dns=${base64url(encodeQuery('d1.bench.test', 'MX'))}`)).arrayBuffer();
  } finally {
    doh.close();
  }
}

const port = parentPort;
if (!port) throw new Error('world-worker.ts runs as a worker thread (see remote-world.ts)');
const world = await startWorld({ loopback: (workerData as { loopback: number }).loopback });
addBenchDomains(world);
await prewarm(world);
world.doh.queries.length = 0;
world.hosts.requests.length = 0;

port.on('message', (request: WorkerRequest) => {
  const reply = (message: WorkerReply): void => port.postMessage(message);
  switch (request.op) {
    case 'setDelay':
      world.setDelay(request.ms);
      reply({ id: request.id });
      break;
    case 'marks':
      reply({ id: request.id, queries: world.doh.queries.length, requests: world.hosts.requests.length, busyMs: performance.eventLoopUtilization().active });
      break;
    case 'logSince':
      reply({
        id: request.id,
        queries: world.doh.queries.slice(request.queries).map((q) => `${q.type} ${q.name}`),
        requests: world.hosts.requests.slice(request.requests).map((r) => r.host + r.path),
        busyMs: performance.eventLoopUtilization().active - request.busyMs,
      });
      break;
    case 'close':
      void world.close().then(() => reply({ id: request.id }));
      break;
  }
});
port.postMessage({ id: 0, ready: { dohUrl: world.doh.url, ip: world.ip, caPem: world.ca.certPem } } satisfies WorkerReply);
