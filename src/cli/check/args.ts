// Arguments of `intransit check`. Small and strict: an unknown option, a bad value or a target
// that is clearly not a recipient (a URL, an IP address, host:port) is a one-line error and exit
// 2, never a guess. Full address and domain syntax is checked against the engine's own parser
// once it is loaded (engine.ts); this module stays light so the DoH connection can start first.
import { SENDERS, type SenderId } from '../../core/providers/senders.ts';
import type { HttpProxyOptions } from '../../node/proxy.ts';
import { ipFamily } from '../../node/ip-literal.ts';
import { parseResolverUrl } from '../../node/resolver-url.ts';
import { escapeForTerminal } from '../escape.ts';
import { UsageError } from '../io.ts';
import { proxyFromEnv } from '../proxy-env.ts';

export const DEFAULT_RESOLVERS = ['https://cloudflare-dns.com/dns-query', 'https://dns.google/dns-query'];
/** The whole check's time limit unless --timeout says otherwise. */
export const DEFAULT_TIMEOUT_MS = 10_000;

export interface CheckOptions {
  targets: string[];
  json: boolean;
  resolvers: string[];
  /** The whole check ends within this (docs/decisions.md "Command line"). */
  timeoutMs: number;
  sender: SenderId | undefined;
  /** From HTTPS_PROXY / NO_PROXY. */
  proxy: HttpProxyOptions | undefined;
  /** --service: ask this lookup service (docs/lookup-service.md) instead of checking here. */
  service: string | undefined;
  /** --token, else INTRANSIT_TOKEN: the service's organisation token. */
  token: string | undefined;
}

export function parseCheckArgs(args: readonly string[], env: Readonly<Record<string, string | undefined>>): CheckOptions {
  const targets: string[] = [];
  const resolvers: string[] = [];
  let json = false;
  let timeoutMs = DEFAULT_TIMEOUT_MS;
  let sender: SenderId | undefined;
  let service: string | undefined;
  let token: string | undefined;
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
    else if (arg === '--service') service = parseService(value());
    else if (arg.startsWith('--service=')) service = parseService(arg.slice(10));
    else if (arg === '--token') token = parseToken(value());
    else if (arg.startsWith('--token=')) token = parseToken(arg.slice(8));
    else if (arg.startsWith('-')) throw new UsageError(`unknown option '${escapeForTerminal(arg)}' for check`);
    else targets.push(checkTarget(arg));
  }
  if (targets.length === 0) throw new UsageError('check needs at least one address or domain');
  if (service !== undefined && resolvers.length > 0) throw new UsageError('--resolver and --service do not go together: the lookup service uses its own resolver');
  if (token !== undefined && service === undefined) throw new UsageError('--token goes with --service');
  if (service !== undefined && token === undefined && env.INTRANSIT_TOKEN) token = parseToken(env.INTRANSIT_TOKEN);
  let proxy: HttpProxyOptions | undefined;
  try {
    proxy = proxyFromEnv(env);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return { targets, json, resolvers: resolvers.length > 0 ? resolvers : DEFAULT_RESOLVERS, timeoutMs, sender, proxy, service, token };
}

/** The target itself, or a UsageError that says what it looks like and what to give instead. */
export function checkTarget(raw: string): string {
  const text = raw.trim();
  const shown = escapeForTerminal(raw);
  if (text === '') throw new UsageError('an empty argument is not an address or a domain');
  if (/^mailto:/i.test(text)) {
    const address = text.slice(7).split('?')[0] ?? '';
    throw new UsageError(`${shown} is a mailto: link; give the address itself${address.includes('@') ? `, e.g. ${escapeForTerminal(safeDecode(address))}` : ''}`);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    throw new UsageError(`${shown} is a URL; give an address or a domain, e.g. ${example(hostOf(text))}`);
  }
  const bare = text.replace(/^\[(.*)\]$/, '$1');
  if (ipFamily(bare) !== 0) throw new UsageError(`${shown} is an IP address; give an address or a mail domain, e.g. example.com`);
  if (!text.includes('@')) {
    const hostPort = /^([^:/]+):\d*$/.exec(text);
    if (hostPort) throw new UsageError(`${shown} has a port; give the domain alone, e.g. ${example(hostPort[1])}`);
    if (text.includes('/')) throw new UsageError(`${shown} looks like a URL or a path; give an address or a domain, e.g. ${example(text.split('/')[0])}`);
  }
  return raw;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

/** The host the user probably meant, when it looks like a domain; else example.com. */
function example(host: string | undefined): string {
  return host !== undefined && /^[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)+$/u.test(host) && ipFamily(host) === 0 ? escapeForTerminal(host) : 'example.com';
}

/** An https:// (DoH) URL, or dns://<loopback address>[:port] (resolver-url.ts says why loopback only). */
function parseResolver(value: string): string {
  const parsed = parseResolverUrl(value);
  if (!parsed.ok) throw new UsageError(`--resolver: ${escapeForTerminal(parsed.error)}`);
  return parsed.url;
}

/** The lookup service's base URL: https, or http on loopback (development). */
function parseService(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--service: '${escapeForTerminal(value)}' is not a URL`);
  }
  const loopback = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/.test(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new UsageError(`--service: '${escapeForTerminal(value)}' must be an https:// URL (http:// only for localhost)`);
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new UsageError(`--service: '${escapeForTerminal(value)}' must be the service's base URL, e.g. https://intransit.example.org`);
  }
  return url.href.replace(/\/+$/, '');
}

function parseToken(value: string): string {
  if (!/^[\x21-\x7e]{1,256}$/.test(value)) throw new UsageError('--token: a token is 1-256 printable ASCII characters without spaces');
  return value;
}

function parseTimeout(value: string): number {
  if (!/^\d{1,6}$/.test(value) || Number(value) < 1) throw new UsageError(`--timeout: '${escapeForTerminal(value)}' is not a number of milliseconds (1-999999)`);
  return Number(value);
}

function parseSender(value: string): SenderId {
  if (!Object.hasOwn(SENDERS, value)) throw new UsageError(`--sender: '${escapeForTerminal(value)}' is not one of ${Object.keys(SENDERS).join(', ')}`);
  return value as SenderId;
}
