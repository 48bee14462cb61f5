// The service benchmark's servers (test/support/world.ts plus the bench scenario and, on request,
// many more domains) in a worker thread of their own: they are other machines in real life, and
// their CPU must not be charged to the load generator. service-world.ts is the main-thread side.
import { parentPort, workerData } from 'node:worker_threads';
import { createNodeHttpsFetch } from '../src/node/https-fetch.ts';
import { POLICY_PATH, scenarioZone, startWorld } from '../test/support/world.ts';
import type { Zone } from '../test/support/zone.ts';
import { BENCH_APEX, BENCH_DOMAINS, benchDomain, benchScenario } from './scenario.ts';
import { memDomain, type ServiceWorldReply, type ServiceWorldRequest } from './service-world.ts';


const port = parentPort;
if (!port) throw new Error('service-world-worker.ts runs as a worker thread (see service-world.ts)');
const world = await startWorld({ loopback: (workerData as { loopback: number }).loopback });
const zone: Zone = scenarioZone(world.ip);
const { records, policies } = benchScenario(world.ip);
zone.zones.push({ apex: BENCH_APEX, signed: false });
Object.assign(zone.records, records);
for (const [host, body] of policies) world.hosts.set(host, { paths: { [POLICY_PATH]: { body, contentType: 'text/plain' } } });
const memNames: string[] = [];
world.doh.setZone(zone);
// Issue every policy host's certificate now (https-hosts does it on first use), so that no timed
// run pays for certificate generation on the server side.
const prewarm = createNodeHttpsFetch({ ca: world.ca.certPem, lookup: async () => world.ip });
await Promise.all(['enforce.test', ...Array.from({ length: BENCH_DOMAINS }, (_, i) => benchDomain(i + 1))].map(async (domain) => {
  await (await prewarm(`https://mta-sts.${domain}${POLICY_PATH}`)).text();
}));
world.doh.queries.length = 0;
world.hosts.requests.length = 0;

port.on('message', (request: ServiceWorldRequest) => {
  const reply = (message: ServiceWorldReply): void => port.postMessage(message);
  switch (request.op) {
    case 'setDelay':
      world.setDelay(request.ms);
      reply({ id: request.id });
      break;
    case 'setMemDomains':
      // Mail domains on the scenario's shared MX pair, without MTA-STS (DNS only, as most
      // recipient domains are), a batch at a time: the test zone answers in time proportional to
      // its size, so it never holds more than one batch of them.
      for (const name of memNames) delete zone.records[name];
      memNames.length = 0;
      for (let i = request.from; i < request.from + request.count; i++) {
        zone.records[memDomain(i)] = { MX: [`10 mx1.shared.${BENCH_APEX}`, `20 mx2.shared.${BENCH_APEX}`] };
        memNames.push(memDomain(i));
      }
      world.doh.setZone(zone);
      reply({ id: request.id });
      break;
    case 'log':
      reply({
        id: request.id,
        log: {
          marks: { queries: world.doh.queries.length, requests: world.hosts.requests.length },
          queries: world.doh.queries.slice(request.since.queries).map((q) => ({ what: `${q.type} ${q.name}`, at: q.at })),
          requests: world.hosts.requests.slice(request.since.requests).map((r) => ({ what: r.host + r.path, at: r.at })),
        },
      });
      break;
    case 'close':
      void world.close().then(() => reply({ id: request.id }));
      break;
  }
});
port.postMessage({ id: 0, ready: { dohUrl: world.doh.url, ip: world.ip, caPem: world.ca.certPem, caFile: world.caFile } } satisfies ServiceWorldReply);
