// The MTA-STS policy fetch of the service: the engine's FetchLike, pinned to a vetted address
// (docs/lookup-service.md "SSRF defences").
//
// - Only https://<name>/ on port 443 with a host name (never an IP literal): the one URL shape
//   RFC 8461 s3.3 defines; anything else is refused before any lookup.
// - The name is resolved through the service's own DoH resolver (never the OS), A then AAAA;
//   every address is checked by egress.ts; the first allowed one is returned to
//   createNodeHttpsFetch's `lookup`, which connects to exactly that IP literal while SNI, the
//   Host header and the certificate check keep the name. There is no second resolution, so a
//   rebinding answer has nothing to race.
// - A name whose addresses are all refused fails like an unreachable host (RFC 8461 senders on
//   the internet could not reach it either): the engine reports mta-sts.policy-unreachable.
// - Redirects are never followed (createNodeHttpsFetch and the engine, RFC 8461 s3.3).
// - Error texts reach the assessment's reasons, so addresses are taken out of them.
import { isIP } from 'node:net';
import type { FetchLike, Resolver } from '../core/index.ts';
import { createNodeHttpsFetch } from '../node/https-fetch.ts';
import type { EgressPolicy } from './egress.ts';

export interface VettedFetchOptions {
  resolver: Resolver;
  egress: EgressPolicy;
  /** Trust anchors; default Node's store plus NODE_EXTRA_CA_CERTS (tests pass their CA). */
  ca?: string | string[];
  /** Called when every address of `host` was refused, with the ranges that refused them. */
  onRefused?: (host: string, ranges: string[]) => void;
}

/** Why no connection was attempted; the message is safe to show (no address in it). */
export class EgressRefused extends Error {}

export function createVettedPolicyFetch(options: VettedFetchOptions): FetchLike {
  const { resolver, egress } = options;

  /** The address to dial for `host`: vetted, IPv4 first. Throws EgressRefused otherwise. */
  async function vettedLookup(host: string): Promise<string> {
    const [a, aaaa] = await Promise.all([resolver.query(host, 'A'), resolver.query(host, 'AAAA')]);
    const addresses = [...a.records, ...aaaa.records];
    if (addresses.length === 0) {
      const failed = [a, aaaa].every((r) => r.outcome !== 'answer' && r.outcome !== 'nodata' && r.outcome !== 'nxdomain');
      throw new EgressRefused(failed ? `${host} could not be resolved` : `${host} has no address`);
    }
    const refusedBy = new Set<string>();
    for (const address of addresses) {
      const verdict = egress.check(address);
      if (verdict.allowed) return address;
      refusedBy.add(verdict.label);
    }
    const ranges = [...refusedBy];
    options.onRefused?.(host, ranges);
    throw new EgressRefused(`${host} has no address the lookup service may connect to (${ranges.join('; ')})`);
  }

  const inner = createNodeHttpsFetch({ ca: options.ca, lookup: vettedLookup });

  return async (input, init) => {
    const url = new URL(input);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (url.protocol !== 'https:' || url.port !== '' || url.username !== '' || url.password !== '' || isIP(host) !== 0) {
      throw new TypeError('only https://<name>/ on port 443 is fetched');
    }
    try {
      return await inner(url.href, { ...init, redirect: 'manual' });
    } catch (error) {
      throw withoutAddresses(error, host);
    }
  };
}

/** Node's system errors name the address and port ("connect ECONNREFUSED 192.0.2.7:443"). */
function withoutAddresses(error: unknown, host: string): unknown {
  if (!(error instanceof TypeError)) return error;
  const cause = error.cause as (Error & { code?: string; syscall?: string; address?: string }) | undefined;
  if (cause instanceof EgressRefused) return new TypeError(cause.message);
  if (cause && typeof cause.address === 'string') {
    return new TypeError(`${host}: ${cause.syscall ?? 'connection'} failed (${cause.code ?? 'error'})`);
  }
  return error;
}
