// Tells "no resolver could be reached" (offline, a wrong --resolver, a proxy that refuses) apart
// from a domain whose lookups failed: when not one query of the run got an answer from any
// resolver, the CLI says so on stderr with the engine's full error, besides the `unknown` rows.
import type { DnsResult, Resolver, RRType } from '../../core/index.ts';

const ANSWERED = new Set(['answer', 'nodata', 'nxdomain', 'servfail']);

export interface ReachabilityWatch {
  resolver: Resolver;
  /** The first failure's error, when queries were made and none was answered; else undefined. */
  unreachable(): string | undefined;
}

export function watchReachability(inner: Resolver): ReachabilityWatch {
  let answered = false;
  let firstFailure: string | undefined;
  return {
    resolver: {
      async query<T extends RRType>(name: string, type: T, signal?: AbortSignal): Promise<DnsResult<T>> {
        const result = await inner.query(name, type, signal);
        if (ANSWERED.has(result.outcome)) answered = true;
        else firstFailure ??= result.error ?? `${name} ${type}: ${result.outcome}`;
        return result;
      },
    },
    unreachable: () => (answered ? undefined : firstFailure),
  };
}
