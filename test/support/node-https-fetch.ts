// The Node HTTPS FetchLike lives in src/node (the CLI uses it for DoH and policy fetches); the
// tests use the very same code.
import type { Resolver } from '../../src/core/index.ts';

export { createNodeHttpsFetch, type NodeHttpsFetchOptions } from '../../src/node/https-fetch.ts';

/**
 * A `lookup` for createNodeHttpsFetch that dials the first A record `resolver` gives for the host:
 * the test worlds name their policy hosts in their own zones, not in the system's resolver.
 */
export function firstAddressVia(resolver: Pick<Resolver, 'query'>): (host: string) => Promise<string> {
  return async (host) => {
    const a = await resolver.query(host, 'A');
    const address = a.records[0];
    if (address === undefined) throw new Error(`${host}: no address (${a.outcome})`);
    return address;
  };
}
