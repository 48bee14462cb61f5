// The service benchmark's servers (test/support/world.ts plus the bench scenario and, on request,
// many more domains) in a worker thread of their own: they are other machines in real life, and
// their CPU must not be charged to the load generator. service-world.ts is the main-thread side.
import { parentPort, workerData } from 'node:worker_threads';
import { POLICY_PATH, startWorld } from '../test/support/world.ts';
import type { Zone } from '../test/support/zone.ts';
import { addBenchDomains, issueCertificates } from './bench-world.ts';
import { BENCH_APEX } from './scenario.ts';
import { memDomain, WARM_DOMAINS, warmDomain, type ServiceWorldReply, type ServiceWorldRequest } from './service-world.ts';


const port = parentPort;
if (!port) throw new Error('service-world-worker.ts runs as a worker thread (see service-world.ts)');
const world = await startWorld({ loopback: (workerData as { loopback: number }).loopback, classicDns: true });
const zone: Zone = await addBenchDomains(world);
// The warm-up domains (service.ts): each with its policy host, like the bench's own.
const warmHosts: string[] = [];
for (let i = 1; i <= WARM_DOMAINS; i++) {
  const domain = warmDomain(i);
  zone.records[domain] = { MX: [`10 mx.${domain}`] };
  zone.records[`mx.${domain}`] = { A: ['192.0.2.10'] };
  zone.records[`_mta-sts.${domain}`] = { TXT: ['v=STSv1; id=w1'] };
  zone.records[`mta-sts.${domain}`] = { A: [world.ip] };
  world.hosts.set(`mta-sts.${domain}`, { paths: { [POLICY_PATH]: { body: `version: STSv1\nmode: enforce\nmx: mx.${domain}\nmax_age: 86400\n`, contentType: 'text/plain' } } });
  warmHosts.push(`mta-sts.${domain}`);
}
world.doh.setZone(zone);
await issueCertificates(world, ['mta-sts.enforce.test', ...warmHosts]);
const memNames: string[] = [];
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
port.postMessage({ id: 0, ready: { dohUrl: world.doh.url, classicUrl: world.doh.classicUrl!, ip: world.ip, caPem: world.ca.certPem, caFile: world.caFile } } satisfies ServiceWorldReply);
