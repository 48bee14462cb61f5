// The options page's "test resolver": one RFC 8484 query through the same DoH client the checks
// use. It asks for the MX of example.com (RFC 2606 reserved, so no real correspondent is revealed;
// it publishes a null MX in a DNSSEC-signed zone), which shows both that the resolver answers and
// whether it validates DNSSEC (the AD bit, RFC 4035 s3.2.3) — without validation no DANE result
// can ever be "protected".
import { createDohResolver } from '../core/dns/index.ts';
import type { DnsOutcome, FetchLike } from '../core/types.ts';

export const TEST_QUERY_NAME = 'example.com';
const TEST_TIMEOUT_MS = 5_000;

export type ResolverTestResult =
  | { ok: true; outcome: DnsOutcome; dnssecValidated: boolean; elapsedMs: number }
  | { ok: false; outcome: DnsOutcome; error: string };

export async function testResolver(url: string, fetch: FetchLike, now: () => number = () => performance.now()): Promise<ResolverTestResult> {
  const resolver = createDohResolver({ urls: [url], fetch, timeoutMs: TEST_TIMEOUT_MS });
  const started = now();
  let result;
  try {
    result = await resolver.query(TEST_QUERY_NAME, 'MX');
  } catch (error) {
    return { ok: false, outcome: 'error', error: String(error).slice(0, 200) };
  }
  const elapsedMs = Math.round(now() - started);
  if (result.outcome === 'answer' || result.outcome === 'nodata' || result.outcome === 'nxdomain') {
    return { ok: true, outcome: result.outcome, dnssecValidated: result.secure, elapsedMs };
  }
  return { ok: false, outcome: result.outcome, error: (result.error ?? result.outcome).slice(0, 200) };
}
