// `intransit check`, the part that needs the engine: targets checked against the engine's own
// address parser, the resolver stack, the policy fetch, the run and the output.
// Every name, the mta-sts. host of a policy fetch too, is resolved through the configured resolver
// (DoH, or classic DNS to a loopback resolver), so a local resolver controls a run completely; the
// policy host's addresses are asked for together with its `_mta-sts` TXT record (prefetch). Certificates are checked against the system CAs plus
// NODE_EXTRA_CA_CERTS, as Node does.
import { isIP } from 'node:net';
import {
  assessAddresses,
  createCachingResolver,
  createMemoryPolicyCache,
  SENDERS,
  type Assessment,
  type FetchLike,
  type Resolver,
} from '../../core/index.ts';
import type { NodeHttpsFetch, NodeHttpsFetchOptions } from '../../node/https-fetch.ts';
import { createResolverForUrls } from '../../node/resolver.ts';
import { escapeForTerminal, jsonForTerminal } from '../escape.ts';
import type { Io } from '../io.ts';
import type { CheckOptions } from './args.ts';
import { fetchWithDeadline, resolverWithDeadline } from './deadline.ts';
import { watchReachability } from './reachability.ts';
import { formatTable } from './table.ts';

/** One attempt: short enough that a dead first resolver leaves time for the next one. */
const ATTEMPT_TIMEOUT_MS = 2500;

export interface CheckContext {
  doh: FetchLike;
  deadline: AbortSignal;
  connect: Pick<NodeHttpsFetchOptions, 'connectTimeoutMs' | 'proxy'>;
}

export async function check(options: CheckOptions, context: CheckContext, io: Io): Promise<number> {
  // A malformed address is not a usage error: like every other recipient it gets a row (level
  // unknown, with the parser's reason), so one bad address in a list loses none of the others
  // (docs/decisions.md "Bad arguments exit 2").
  const upstream = createCachingResolver(createResolverForUrls(options.resolvers, { doh: context.doh, timeoutMs: Math.min(ATTEMPT_TIMEOUT_MS, options.timeoutMs) }));
  const watch = watchReachability(resolverWithDeadline(upstream, context.deadline));
  const resolver = watch.resolver;
  // The policy fetch (node:https, node:tls: ~5 ms to load) is first needed one round trip after
  // the first queries: it loads once they are out.
  let policyFetch: Promise<NodeHttpsFetch> | undefined;
  const loadPolicyFetch = (): Promise<NodeHttpsFetch> => (policyFetch ??= import('../../node/https-fetch.ts').then(({ createNodeHttpsFetch }) =>
    createNodeHttpsFetch({ ...context.connect, lookup: (host) => lookupThroughResolver(resolver, host) })));
  const fetch: FetchLike = async (input, init) => (await loadPolicyFetch())(input, init);
  let assessments: Assessment[];
  try {
    const running = assessAddresses(options.targets, {
      resolver,
      fetch: fetchWithDeadline(fetch, context.deadline),
      policyCache: createMemoryPolicyCache(),
      sender: options.sender ? { mtaSts: SENDERS[options.sender].mtaSts, dane: SENDERS[options.sender].dane } : undefined,
      timeoutMs: options.timeoutMs,
      // The policy fetch resolves its host through this same resolver (lookupThroughResolver).
      prefetchPolicyHost: true,
    });
    // The first queries are on the wire by the time a timer runs: prepare the policy fetch while
    // their answers travel. Besides its module: the WHATWG streams (its body, ~2 ms to load), and
    // node:net's isIP on a name, which compiles Node's IPv6 pattern at its first uses (~3 ms, then
    // ~1 ms): the TLS name check calls it in the handshake, on the critical path otherwise.
    setTimeout(() => {
      void loadPolicyFetch();
      void globalThis.ReadableStream;
      isIP('warm-up.invalid');
      isIP('warm-up.invalid');
    }, 0);
    assessments = await running;
  } finally {
    (await policyFetch)?.close();
  }
  io.out(options.json ? jsonForTerminal(assessments) : formatTable(assessments, io.columns === undefined ? {} : { columns: io.columns }));
  const unreachable = watch.unreachable();
  if (unreachable !== undefined) {
    io.err('intransit: no resolver reachable: check the network or --resolver');
    io.err(`intransit: ${escapeForTerminal(unreachable)}`);
  }
  return exitCode(assessments);
}

/** 0 every domain protected or encrypted; 3 any unknown; 1 otherwise. */
export function exitCode(assessments: readonly Assessment[]): number {
  if (assessments.some((a) => a.level === 'unknown')) return 3;
  if (assessments.some((a) => a.level !== 'protected' && a.level !== 'encrypted')) return 1;
  return 0;
}

/** The address to dial for `host`, from the configured resolver: IPv4 first, then IPv6. */
async function lookupThroughResolver(resolver: Resolver, host: string): Promise<string> {
  const [a, aaaa] = await Promise.all([resolver.query(host, 'A'), resolver.query(host, 'AAAA')]);
  const address = a.records[0] ?? aaaa.records[0];
  if (address === undefined) throw new Error(`${host} has no address (${a.outcome}/${aaaa.outcome})`);
  return address;
}
