// Command-line parsing for `intransit`. Small and strict: an unknown option or a bad value is
// a one-line error (exit 2), never a guess.
import { SENDERS, type SenderId } from '../core/index.ts';

export const DEFAULT_RESOLVERS = ['https://cloudflare-dns.com/dns-query', 'https://dns.google/dns-query'];

export type Command =
  | { command: 'check'; targets: string[]; json: boolean; resolvers: string[]; timeoutMs: number; sender: SenderId | undefined }
  | { command: 'lint-policy'; file: string; json: boolean }
  | { command: 'help' }
  | { command: 'version' };

export class UsageError extends Error {}

export const USAGE = `Usage:
  intransit check <address-or-domain>... [--json] [--resolver URL]... [--timeout MS] [--sender gmail|microsoft|yahoo|none]
  intransit lint-policy <file|-> [--json]
  intransit --help | --version

check        Says, per recipient domain, whether mail to it will be encrypted and whether that is
             enforced (MTA-STS, DANE), from DNS-over-HTTPS and the domain's MTA-STS policy file.
lint-policy  Checks an MTA-STS policy file (RFC 8461) and lists its errors and warnings.

Options:
  --json              JSON output (check: an array of assessments; lint-policy: the parse result)
  --resolver URL      an RFC 8484 DoH endpoint (repeatable; default: Cloudflare, then Google)
  --timeout MS        timeout of each DNS query and of the policy fetch (default 5000)
  --sender ID         what your sending provider enforces: gmail (MTA-STS), microsoft (MTA-STS
                      and DANE), yahoo or none (neither). Default: unknown ("if your provider …")

Exit codes (check): 0 every domain protected or encrypted; 1 at least one unverified,
misconfigured or undeliverable; 3 at least one could not be checked (unknown); 2 bad arguments.
Exit codes (lint-policy): 0 valid (warnings may be printed); 1 invalid; 2 bad arguments or
unreadable file.`;

export function parseArgs(argv: readonly string[]): Command {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') return { command: 'help' };
  if (command === '--version' || command === '-V') return { command: 'version' };
  if (command === 'check') return parseCheck(rest);
  if (command === 'lint-policy') return parseLint(rest);
  throw new UsageError(`unknown command '${command}' (expected check or lint-policy; see --help)`);
}

function parseCheck(args: readonly string[]): Command {
  const targets: string[] = [];
  const resolvers: string[] = [];
  let json = false;
  let timeoutMs = 5000;
  let sender: SenderId | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--json') json = true;
    else if (arg === '--resolver') resolvers.push(parseResolver(value()));
    else if (arg === '--timeout') timeoutMs = parseTimeout(value());
    else if (arg === '--sender') sender = parseSender(value());
    else if (arg.startsWith('--resolver=')) resolvers.push(parseResolver(arg.slice(11)));
    else if (arg.startsWith('--timeout=')) timeoutMs = parseTimeout(arg.slice(10));
    else if (arg.startsWith('--sender=')) sender = parseSender(arg.slice(9));
    else if (arg.startsWith('-')) throw new UsageError(`unknown option '${arg}' for check`);
    else targets.push(arg);
  }
  if (targets.length === 0) throw new UsageError('check needs at least one address or domain');
  return { command: 'check', targets, json, resolvers: resolvers.length > 0 ? resolvers : DEFAULT_RESOLVERS, timeoutMs, sender };
}

function parseLint(args: readonly string[]): Command {
  let file: string | undefined;
  let json = false;
  for (const arg of args) {
    if (arg === '--json') json = true;
    else if (arg !== '-' && arg.startsWith('-')) throw new UsageError(`unknown option '${arg}' for lint-policy`);
    else if (file !== undefined) throw new UsageError('lint-policy takes one file (or - for standard input)');
    else file = arg;
  }
  if (file === undefined) throw new UsageError('lint-policy needs a file (or - for standard input)');
  return { command: 'lint-policy', file, json };
}

function parseResolver(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--resolver: '${value}' is not a URL`);
  }
  if (url.protocol !== 'https:') throw new UsageError(`--resolver: '${value}' must be an https:// URL (RFC 8484)`);
  return url.href;
}

function parseTimeout(value: string): number {
  if (!/^\d{1,6}$/.test(value) || Number(value) < 1) throw new UsageError(`--timeout: '${value}' is not a number of milliseconds (1-999999)`);
  return Number(value);
}

function parseSender(value: string): SenderId {
  if (!Object.hasOwn(SENDERS, value)) throw new UsageError(`--sender: '${value}' is not one of ${Object.keys(SENDERS).join(', ')}`);
  return value as SenderId;
}
