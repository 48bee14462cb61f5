// The benchmark's local servers (test/support/world.ts: the DoH server and the MTA-STS policy
// hosts) in a worker thread of their own, as they are other machines in real life: their CPU
// (server-side TLS, zone lookups, DNS encoding) runs on another thread and does not count
// against the engine's latency. The main thread talks to it over messages (remote-world.ts).
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { createHttp2Fetch } from '../src/node/http2-fetch.ts';
import { encodeQuery, base64url } from '../src/core/dns/index.ts';
import { startWorld, type World } from '../test/support/world.ts';
import { addBenchDomains } from './bench-world.ts';
import type { WorkerReply, WorkerRequest } from './remote-world.ts';

/** Warms the DoH server's code paths (the policy hosts are warmed by addBenchDomains). Not counted in any log. */
async function prewarmDoh(world: World): Promise<void> {
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
await addBenchDomains(world);
await prewarmDoh(world);
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
