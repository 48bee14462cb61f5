// The bench scenario (scenario.ts) added to a test world (test/support/world.ts): its records in
// the world's zone and its policy hosts, with every policy host's certificate issued before
// anything is timed (the hosts issue them on first use, which would otherwise be charged to the
// first timed run). Used by the engine's, the lookup service's and the browser benchmark's worlds.
import { createNodeHttpsFetch } from '../src/node/https-fetch.ts';
import { POLICY_PATH, scenarioZone, type World } from '../test/support/world.ts';
import type { Zone } from '../test/support/zone.ts';
import { BENCH_APEX, benchScenario } from './scenario.ts';

/** Adds the bench domains; returns the zone now served (callers may add more to it). */
export async function addBenchDomains(world: World): Promise<Zone> {
  const zone = scenarioZone(world.ip);
  const { records, policies } = benchScenario(world.ip);
  zone.zones.push({ apex: BENCH_APEX, signed: false });
  Object.assign(zone.records, records);
  for (const [host, body] of policies) world.hosts.set(host, { paths: { [POLICY_PATH]: { body, contentType: 'text/plain' } } });
  world.doh.setZone(zone);
  await issueCertificates(world, [...policies.keys()]);
  return zone;
}

/** Has the world's HTTPS hosts issue the certificates of `hosts` now. */
export async function issueCertificates(world: World, hosts: readonly string[]): Promise<void> {
  const fetch = createNodeHttpsFetch({ ca: world.ca.certPem, lookup: async () => world.ip });
  try {
    await Promise.all(hosts.map(async (host) => (await fetch(`https://${host}${POLICY_PATH}`)).text()));
  } finally {
    fetch.close();
  }
}
