// `intransit check --resolver dns://127.0.0.1:53` (classic DNS: UDP, TCP on truncation) against
// the DNSSEC world's validating unbound, inside its private namespace: the same verdicts, reasons
// and DANE evidence as through unbound's DoH for every scenario domain. The AD bit comes from a
// loopback resolver, the one case where classic DNS is trusted with it (docs/decisions.md
// "Command line"). Needs root and bind9, bind9-utils, unbound, iproute2 (.ci/run).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Assessment } from '../../src/core/index.ts';
import { cliCheck } from '../dnssec/checks.ts';
import { startDnssecWorld, type DnssecWorld } from '../dnssec/world.ts';

let world: DnssecWorld;
let viaDoh: Awaited<ReturnType<typeof cliCheck>>;
let viaDns: Awaited<ReturnType<typeof cliCheck>>;
let viaDns6: Awaited<ReturnType<typeof cliCheck>>;

/** What must not differ between transports: level, mechanism, reason codes, per-host DANE status. */
function verdict(a: Assessment): unknown {
  return {
    level: a.level,
    mechanism: a.mechanism,
    reasons: a.reasons.map((r) => r.code),
    dane: a.evidence.dane.hosts.map((h) => `${h.host}:${h.status}`),
    mxSecure: a.evidence.dane.mxSecure,
    mtaSts: [a.evidence.mtaSts.record, a.evidence.mtaSts.policy, a.evidence.mtaSts.mode],
  };
}

beforeAll(async () => {
  world = await startDnssecWorld();
  const domains = world.domains.map((s) => s.domain);
  viaDoh = await cliCheck(world, domains);
  viaDns = await cliCheck(world, domains, [], `dns://${world.dnsAddress}:53`);
  // Nothing listens on ::1 inside: every query fails, and the run still ends with `unknown` rows.
  viaDns6 = await cliCheck(world, ['sts-enforce.test'], ['--timeout', '1500'], 'dns://[::1]');
});

afterAll(async () => {
  await world?.stop();
});

describe('intransit check over classic DNS to the loopback unbound', () => {
  it('exits as the DoH run does, with nothing on stderr', () => {
    expect(viaDns.stderr).toBe('');
    expect(viaDns.code).toBe(viaDoh.code);
  });

  it('gives every domain the same verdict as over DoH', () => {
    expect(viaDns.assessments.map((a) => a.domain)).toEqual(viaDoh.assessments.map((a) => a.domain));
    for (const [i, a] of viaDns.assessments.entries()) {
      expect(verdict(a), a.domain).toEqual(verdict(viaDoh.assessments[i] as Assessment));
    }
  });

  it('trusts the loopback resolver\'s AD bit: DANE protects, a bogus TLSA is a DNSSEC failure with its EDE', () => {
    const get = (domain: string) => viaDns.assessments.find((a) => a.domain === domain);
    expect(get('dane-all.test')).toMatchObject({ level: 'protected', mechanism: 'dane' });
    expect(get('tlsa-bogus.test')?.reasons[0]).toMatchObject({ code: 'dane.dnssec-failure' });
    expect(get('tlsa-bogus.test')?.reasons[0]?.message).toMatch(/DNSSEC Bogus/i);
    expect(get('sts-enforce.test')).toMatchObject({ level: 'protected', mechanism: 'mta-sts' });
  });

  it('a loopback address where nothing listens: unknown and the "no resolver reachable" hint, never a hang', () => {
    expect(viaDns6.code).toBe(3);
    expect(viaDns6.assessments[0]?.level).toBe('unknown');
    expect(viaDns6.stderr).toMatch(/no resolver reachable/);
  });
});
