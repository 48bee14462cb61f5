// The vetted policy fetch (src/service/policy-fetch.ts) up to the point where it would connect:
// refused URL shapes and refused addresses fail before any socket is opened (the messages below
// are the vetting's own, not a connection error). Only loopback addresses appear here, so even
// a vetting bug could not send a packet off this machine; every other range is covered by the
// pure table test (egress.test.ts).
import { describe, expect, it } from 'vitest';
import type { DnsOutcome, DnsResult, Resolver, RRType } from '../../../src/core/index.ts';
import { createEgressPolicy } from '../../../src/service/egress.ts';
import { createVettedPolicyFetch } from '../../../src/service/policy-fetch.ts';
import { redactingResolver } from '../../../src/service/resolver.ts';

function resolverWith(answers: Partial<Record<RRType, string[]>>, outcome: DnsOutcome = 'answer'): Resolver & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async query<T extends RRType>(name: string, type: T): Promise<DnsResult<T>> {
      asked.push(`${type} ${name}`);
      const records = (answers[type] ?? []) as DnsResult<T>['records'];
      return { name, type, outcome: records.length > 0 ? 'answer' : outcome === 'answer' ? 'nodata' : outcome, secure: false, records, ttl: 60, cnames: [] };
    },
  };
}

async function failure(fetch: ReturnType<typeof createVettedPolicyFetch>, url: string): Promise<TypeError> {
  try {
    await fetch(url);
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError);
    return error as TypeError;
  }
  throw new Error('the fetch did not fail');
}

describe('vetted policy fetch: before any connection', () => {
  it('refuses a name whose every address is refused, and reports the ranges (never the addresses)', async () => {
    const refusals: [string, string[]][] = [];
    const resolver = resolverWith({ A: ['127.0.0.82', '127.0.0.83'], AAAA: ['::1', '::ffff:127.0.0.84'] });
    const fetch = createVettedPolicyFetch({ resolver, egress: createEgressPolicy(), onRefused: (host, ranges) => refusals.push([host, ranges]) });
    const error = await failure(fetch, 'https://mta-sts.evil.example/.well-known/mta-sts.txt');
    expect(error.message).toBe('mta-sts.evil.example has no address the lookup service may connect to (loopback (RFC 1122); loopback (RFC 4291))');
    expect(refusals).toEqual([['mta-sts.evil.example', ['loopback (RFC 1122)', 'loopback (RFC 4291)']]]);
    expect(resolver.asked).toEqual(['A mta-sts.evil.example', 'AAAA mta-sts.evil.example']);
  });

  it('a name without addresses, or whose lookups failed, fails like an unreachable host', async () => {
    const none = createVettedPolicyFetch({ resolver: resolverWith({}), egress: createEgressPolicy() });
    expect((await failure(none, 'https://mta-sts.empty.example/.well-known/mta-sts.txt')).message).toBe('mta-sts.empty.example has no address');
    const broken = createVettedPolicyFetch({ resolver: resolverWith({}, 'timeout'), egress: createEgressPolicy() });
    expect((await failure(broken, 'https://mta-sts.slow.example/.well-known/mta-sts.txt')).message).toBe('mta-sts.slow.example could not be resolved');
  });

  it.each([
    'http://mta-sts.example.com/.well-known/mta-sts.txt',
    'https://mta-sts.example.com:8443/.well-known/mta-sts.txt',
    'https://mta-sts.example.com:443/.well-known/mta-sts.txt'.replace(':443', ':444'),
    'https://127.0.0.1/.well-known/mta-sts.txt',
    'https://[::1]/.well-known/mta-sts.txt',
    'https://user:pw@mta-sts.example.com/.well-known/mta-sts.txt',
  ])('refuses %s without resolving anything', async (url) => {
    const resolver = resolverWith({ A: ['127.0.0.82'] });
    const fetch = createVettedPolicyFetch({ resolver, egress: createEgressPolicy({ allow: ['127.0.0.0/8'] }) });
    expect((await failure(fetch, url)).message).toBe('only https://<name>/ on port 443 is fetched');
    expect(resolver.asked).toEqual([]);
  });
});

describe('redacting resolver', () => {
  it('passes answers on without the resolver URL or error text (they can name an internal host)', async () => {
    const inner: Resolver = {
      async query<T extends RRType>(name: string, type: T): Promise<DnsResult<T>> {
        return { name, type, outcome: 'error', secure: false, records: [], ttl: 0, cnames: [], resolver: 'https://dns.corp.internal/dns-query', error: 'dns.corp.internal could not be reached: connect ECONNREFUSED 10.0.0.53:443' };
      },
    };
    const result = await redactingResolver(inner).query('example.com', 'MX');
    expect(result).toEqual({ name: 'example.com', type: 'MX', outcome: 'error', secure: false, records: [], ttl: 0, cnames: [] });
  });
});
