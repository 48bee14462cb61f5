// Every scenario of test/vectors/dane-discovery.json (RFC 7672 s2.2, condensed from
// jaltmayerpizzorno/dane_tests), driven through MX interpretation and evaluateDane with a fake
// validating resolver built from the vector's `dns[]` answers.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRecipient } from '../../../src/core/address.ts';
import { evaluateDane } from '../../../src/core/dane/index.ts';
import { interpretMx } from '../../../src/core/mx.ts';
import type { DaneHostStatus } from '../../../src/core/types.ts';
import { answersFromVector, fakeResolver } from './fake-resolver.ts';

interface Vector {
  id: string;
  description: string;
  nexthop: string;
  dns: { query: string; rcode: string; ad: boolean; answer?: string[]; ede?: number }[];
  expected: Record<string, { dane?: string; tls?: string; reachable?: boolean; tlsa_base?: string }>;
}

const vectors = (JSON.parse(readFileSync(new URL('../../vectors/dane-discovery.json', import.meta.url), 'utf8')) as { vectors: Vector[] }).vectors;

// The exact status for each host. The vector's vocabulary (dane/tls/reachable) maps onto
// DaneHostStatus as checked by `compatible` below; this table pins which of the compatible
// statuses is right (secure denial => no-tlsa, insecure answers => insecure).
const exact: Record<string, Record<string, DaneHostStatus | 'ignored-mx-target' | 'address-literal'>> = {
  'dane-01': { 'example.org': 'dane' },
  'dane-02': { 'example.org': 'unusable-tlsa' },
  'dane-04': { 'example.org': 'no-tlsa' },
  'dane-05': { 'example.org': 'no-tlsa' },
  'dane-07': { 'mx10.example.org': 'dnssec-failure', 'mx20.example.org': 'dnssec-failure' },
  'dane-07b': { 'mx10.example.org': 'lookup-failed', 'mx20.example.org': 'lookup-failed' },
  'dane-09': { 'mx10.example.org': 'insecure', 'mx20.example.org': 'dane' },
  'dane-10': { '[192.0.2.10]': 'address-literal' },
  'dane-11': { '192.0.2.10': 'ignored-mx-target' },
  'dane-13': { 'mail.example.org': 'dane' },
  'dane-14': { 'mail.example.org': 'dane' },
  'dane-15': { 'mail.example.org': 'dane' },
  'dane-16': { 'mail.example.org': 'insecure' },
};

function compatible(expected: Vector['expected'][string], status: string): boolean {
  // A DANE sender skips the host either way; the EDE tells a broken zone from a failed lookup.
  if (expected.reachable === false) return status === 'dnssec-failure' || status === 'lookup-failed';
  if (expected.dane === 'required') return status === 'dane';
  if (expected.dane === 'not-applicable' && expected.tls === 'required') return status === 'unusable-tlsa';
  if (expected.dane === 'not-applicable') return ['no-tlsa', 'insecure', 'ignored-mx-target', 'address-literal'].includes(status);
  return false;
}

describe('dane-discovery.json', () => {
  it('covers every vector in the file', () => {
    expect(vectors.map((vector) => vector.id).sort()).toEqual(Object.keys(exact).sort());
  });

  for (const vector of vectors) {
    it(`${vector.id}: ${vector.description}`, async () => {
      const resolver = fakeResolver(answersFromVector(vector.dns));
      const statuses: Record<string, string> = {};
      const tlsaNames: Record<string, string | undefined> = {};

      if (vector.nexthop.startsWith('[')) {
        // A2: an address literal is not assessable; nothing is looked up.
        const parsed = parseRecipient(`user@${vector.nexthop}`);
        expect(parsed).toMatchObject({ ok: false, literal: true, error: { code: 'address.literal' } });
        statuses[vector.nexthop] = 'address-literal';
      } else {
        let hosts: string[];
        let mxSecure: boolean;
        const mailHost = /^mail host (\S+)$/.exec(vector.nexthop);
        if (mailHost?.[1]) {
          // The scenario starts at one MX host reached through a signed MX RRset.
          hosts = [mailHost[1]];
          mxSecure = true;
        } else {
          const mx = interpretMx(await resolver.query(vector.nexthop, 'MX'), vector.nexthop);
          if (mx.kind !== 'hosts') throw new Error(`unexpected MX interpretation ${mx.kind}`);
          for (const warning of mx.warnings) {
            if (warning.code === 'mx.ip-target') statuses['192.0.2.10'] = 'ignored-mx-target';
          }
          hosts = mx.hosts.map((entry) => entry.host);
          mxSecure = mx.secure;
        }
        const { evidence } = await evaluateDane({ hosts, mxSecure }, { resolver });
        expect(evidence.mxSecure).toBe(mxSecure);
        for (const host of evidence.hosts) {
          statuses[host.host] = host.status;
          tlsaNames[host.host] = host.tlsaName;
        }
      }

      expect(statuses).toEqual(exact[vector.id]);
      for (const [host, expected] of Object.entries(vector.expected)) {
        expect(compatible(expected, statuses[host] ?? 'missing'), `${host}: ${statuses[host]} vs ${JSON.stringify(expected)}`).toBe(true);
        if (expected.tlsa_base) expect(tlsaNames[host]).toBe(expected.tlsa_base);
      }
    });
  }
});
