// The engine in-process, run INSIDE the world's namespace (checks.ts starts it with world.run):
// assessDomain() for each domain with a DoH resolver pointed at unbound (HTTP/2, RFC 8484 §5.2)
// and a Node HTTPS fetch for the policy files that resolves through the same resolver and
// trusts the world's test CA only. Prints a JSON array of Assessments, in argument order.
//
//   node --import tsx test/dnssec/engine-check.ts <resolverUrl> <caFile> <timeoutMs> <domain>...
import { readFileSync } from 'node:fs';
import { assessDomain, createDohResolver, type Resolver } from '../../src/core/index.ts';
import { createHttp2Fetch } from '../../src/node/http2-fetch.ts';
import { createNodeHttpsFetch, firstAddressVia } from '../support/node-https-fetch.ts';

const [resolverUrl, caFile, timeoutText, ...domains] = process.argv.slice(2);
if (!resolverUrl || !caFile || !timeoutText || domains.length === 0) {
  process.stderr.write('usage: engine-check.ts <resolverUrl> <caFile> <timeoutMs> <domain>...\n');
  process.exit(2);
}
const ca = readFileSync(caFile, 'utf8');
const timeoutMs = Number(timeoutText);
const dohFetch = createHttp2Fetch({ ca });
const resolver: Resolver = createDohResolver({ urls: [resolverUrl], fetch: dohFetch, timeoutMs });

const policyFetch = createNodeHttpsFetch({ ca, lookup: firstAddressVia(resolver) });
try {
  const assessments = await Promise.all(domains.map((domain) => assessDomain(domain, { resolver, fetch: policyFetch, timeoutMs })));
  process.stdout.write(`${JSON.stringify(assessments)}\n`);
} finally {
  dohFetch.close();
}
