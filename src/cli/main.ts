// `intransit`: the command-line face of src/core.
// Every name — the mta-sts. host of a policy fetch too — is resolved through the configured DoH
// resolver, so a local resolver controls a run completely. Certificates are checked against the
// system CAs plus NODE_EXTRA_CA_CERTS, as Node does.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  assessAddresses,
  createCachingResolver,
  createDohResolver,
  createMemoryPolicyCache,
  parseMtaStsPolicy,
  SENDERS,
  type Assessment,
  type Resolver,
} from '../core/index.ts';
import { parseArgs, USAGE, UsageError, type Command } from './args.ts';
import { formatLint, formatTable } from './format.ts';
import { createHttp2Fetch } from '../node/http2-fetch.ts';
import { createNodeHttpsFetch } from '../node/https-fetch.ts';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  readStdin(): Promise<string>;
}

const VERSION = '0.1.0';

export async function main(argv: readonly string[], io: Io): Promise<number> {
  let command: Command;
  try {
    command = parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`intransit: ${error.message}`);
      return 2;
    }
    throw error;
  }
  switch (command.command) {
    case 'help':
      io.out(USAGE);
      return 0;
    case 'version':
      io.out(VERSION);
      return 0;
    case 'lint-policy':
      return lintPolicy(command, io);
    case 'check':
      return check(command, io);
  }
}

async function lintPolicy(command: Extract<Command, { command: 'lint-policy' }>, io: Io): Promise<number> {
  let body: string;
  try {
    const bytes = command.file === '-' ? Buffer.from(await io.readStdin(), 'utf8') : readFileSync(command.file);
    if (bytes.length > 65_536) {
      io.err(`intransit: ${command.file} is ${bytes.length} bytes; a policy file may be at most 65536 (RFC 8461 senders stop there)`);
      return 1;
    }
    body = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    const message = error instanceof TypeError ? 'is not valid UTF-8' : `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
    io.err(`intransit: ${command.file} ${message}`);
    return error instanceof TypeError ? 1 : 2;
  }
  const parsed = parseMtaStsPolicy(body);
  const result = parsed.ok
    ? { ok: true, policy: parsed.policy, errors: [], warnings: parsed.warnings }
    : { ok: false, errors: [parsed.error], warnings: [] };
  io.out(command.json ? JSON.stringify(result, null, 2) : formatLint(result));
  return parsed.ok ? 0 : 1;
}

async function check(command: Extract<Command, { command: 'check' }>, io: Io): Promise<number> {
  // DoH over one HTTP/2 connection per resolver (RFC 8484 s5.2), HTTP/1.1 for a resolver that
  // offers nothing else; policy hosts get HTTP/1.1 (what they serve), one connection each.
  const dohFetch = createHttp2Fetch({ http1Fallback: createNodeHttpsFetch() });
  const resolver = createCachingResolver(createDohResolver({ urls: command.resolvers, fetch: dohFetch, timeoutMs: command.timeoutMs }));
  const policyFetch = createNodeHttpsFetch({ lookup: (host) => lookupThroughDoh(resolver, host) });
  let assessments: Assessment[];
  try {
    assessments = await assessAddresses(command.targets, {
      resolver,
      fetch: policyFetch,
      policyCache: createMemoryPolicyCache(),
      sender: command.sender ? { mtaSts: SENDERS[command.sender].mtaSts, dane: SENDERS[command.sender].dane } : undefined,
      timeoutMs: command.timeoutMs,
    });
  } finally {
    dohFetch.close();
  }
  io.out(command.json ? JSON.stringify(assessments, null, 2) : formatTable(assessments));
  return exitCode(assessments);
}

export function exitCode(assessments: readonly Assessment[]): number {
  if (assessments.some((a) => a.level === 'unknown')) return 3;
  if (assessments.some((a) => a.level !== 'protected' && a.level !== 'encrypted')) return 1;
  return 0;
}

/** The address to dial for `host`, from the DoH resolver: IPv4 first, then IPv6. */
async function lookupThroughDoh(resolver: Resolver, host: string): Promise<string> {
  const [a, aaaa] = await Promise.all([resolver.query(host, 'A'), resolver.query(host, 'AAAA')]);
  const address = a.records[0] ?? aaaa.records[0];
  if (address === undefined) throw new Error(`${host} has no address (${a.outcome}/${aaaa.outcome})`);
  return address;
}

const nodeIo: Io = {
  out: (text) => process.stdout.write(text + '\n'),
  err: (text) => process.stderr.write(text + '\n'),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2), nodeIo).then(
    (code) => { process.exitCode = code; },
    (error: unknown) => {
      process.stderr.write(`intransit: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 70;
    },
  );
}

export { nodeIo };
