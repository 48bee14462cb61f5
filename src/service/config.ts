// The configuration of `intransit serve`: the table of options (options.ts), each with a
// command-line flag and an INTRANSIT_* environment variable, and one valibot schema that
// validates both (flags win over the environment, option by option). docs/lookup-service.md
// lists them for admins.
import { isIP } from 'node:net';
import * as v from 'valibot';
import { normalizeDomain } from '../core/index.ts';
import { parseResolverUrl } from '../node/resolver-url.ts';
import { DEFAULT_RESOLVER_URLS } from '../shared/settings.ts';
import { parseCidr } from './egress.ts';
import { CONFIG_OPTIONS, DEFAULT_LISTEN, DEFAULT_RATE_LIMIT, DEFAULT_TIMEOUT_MS, MAX_DOMAINS, type RawConfig } from './options.ts';

export { CONFIG_OPTIONS, SERVE_USAGE, type OptionSpec } from './options.ts';

export class ConfigError extends Error {}

export interface Listen {
  host: string;
  port: number;
}

export interface Config {
  listen: Listen;
  resolvers: string[];
  redis: string | null;
  tokensFile: string | null;
  allowOrigins: string[];
  allowEgress: string[];
  denyEgress: string[];
  refuseDomains: string[];
  allowSpecialUseNames: boolean;
  name: string | null;
  maxDomains: number;
  /** Domains per minute per client; null = no limit. */
  rateLimit: number | null;
  trustProxy: string[];
  timeoutMs: number;
  logDomains: boolean;
  tls: { cert: string; key: string } | null;
}

export function isLoopbackHost(host: string): boolean {
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

const listenSchema = v.pipe(
  v.string(),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const match = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+)):(\d{1,5})$/.exec(dataset.value);
    const host = match?.[1] ?? match?.[2];
    const port = Number(match?.[3]);
    if (!match || host === undefined || isIP(host) === 0 || port > 65535) {
      addIssue({ message: `--listen: '${dataset.value}' is not IP:PORT (e.g. 127.0.0.1:8460 or [::1]:8460)` });
      return NEVER;
    }
    return { host, port };
  }),
);

/** An https:// DoH URL without credentials, or dns:// on loopback (src/node/resolver-url.ts says why). */
function resolverUrlProblem(s: string): string | null {
  const parsed = parseResolverUrl(s);
  if (!parsed.ok) return parsed.error;
  if (parsed.kind === 'doh' && (new URL(s).username !== '' || new URL(s).password !== '')) return `'${s}' must be an https:// URL (RFC 8484) without credentials`;
  return null;
}

const httpsUrl = v.pipe(
  v.string(),
  v.check((s) => resolverUrlProblem(s) === null, (issue) => `--resolver: ${resolverUrlProblem(String(issue.input)) ?? ''}`),
);

const redisUrl = v.pipe(
  v.string(),
  v.check((s) => {
    try {
      const url = new URL(s);
      if (url.protocol === 'unix:') return url.pathname.length > 1;
      return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '';
    } catch {
      return false;
    }
  }, (issue) => `--redis: '${redactUrl(String(issue.input))}' must be redis://HOST:PORT, rediss://HOST:PORT or unix:///PATH`),
);

// Origins as browsers send them: scheme://host[:port], nothing after. Extension schemes have no
// port; web origins are https (http only for loopback development).
const ORIGIN = /^(?:(?:chrome|moz|safari-web)-extension:\/\/[a-z0-9-]{1,64}|https:\/\/[a-z0-9.-]{1,253}(?::\d{1,5})?|http:\/\/(?:localhost|127\.0\.0\.1|\[::1\])(?::\d{1,5})?)$/;
const origin = v.pipe(v.string(), v.check((s) => ORIGIN.test(s), (issue) => `--allow-origin: '${String(issue.input)}' is not an origin such as chrome-extension://<id> or https://host`));

const cidr = (flag: string) => v.pipe(v.string(), v.check((s) => parseCidr(s) !== null, (issue) => `${flag}: '${String(issue.input)}' is not an address or CIDR (e.g. 10.0.0.0/8, fd00::/8)`));

const domainSuffix = v.pipe(
  v.string(),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const normalized = normalizeDomain(dataset.value.replace(/^\*\./, ''));
    if (!normalized.ok) {
      addIssue({ message: `--refuse-domain: '${dataset.value}' is not a domain (${normalized.error.message})` });
      return NEVER;
    }
    return normalized.domain;
  }),
);

const integer = (flag: string, min: number, max: number) => v.pipe(
  v.string(),
  v.check((s) => /^\d{1,9}$/.test(s) && Number(s) >= min && Number(s) <= max, (issue) => `${flag}: '${String(issue.input)}' is not a whole number from ${min} to ${max}`),
  v.transform(Number),
);

const nameSchema = v.pipe(
  v.string(),
  // eslint-disable-next-line no-control-regex
  v.check((s) => s.trim().length > 0 && s.length <= 100 && !/[\u0000-\u001f\u007f-\u009f]/.test(s), '--name: 1-100 printable characters'),
  v.transform((s) => s.trim()),
);

const rawSchema = v.object({
  listen: v.optional(listenSchema, DEFAULT_LISTEN),
  resolvers: v.optional(v.pipe(v.array(httpsUrl), v.maxLength(8, '--resolver: at most 8 resolvers')), () => [...DEFAULT_RESOLVER_URLS]),
  redis: v.optional(redisUrl),
  tokensFile: v.optional(v.pipe(v.string(), v.minLength(1))),
  allowOrigins: v.optional(v.array(origin), []),
  allowEgress: v.optional(v.array(cidr('--allow-egress')), []),
  denyEgress: v.optional(v.array(cidr('--deny-egress')), []),
  refuseDomains: v.optional(v.array(domainSuffix), []),
  allowSpecialUseNames: v.optional(v.boolean(), false),
  name: v.optional(nameSchema),
  maxDomains: v.optional(integer('--max-domains', 1, MAX_DOMAINS), String(MAX_DOMAINS)),
  rateLimit: v.optional(integer('--rate-limit', 0, 1_000_000_000), String(DEFAULT_RATE_LIMIT)),
  trustProxy: v.optional(v.array(cidr('--trust-proxy')), []),
  timeout: v.optional(integer('--timeout', 100, 60_000), String(DEFAULT_TIMEOUT_MS)),
  logDomains: v.optional(v.boolean(), false),
  tlsCert: v.optional(v.pipe(v.string(), v.minLength(1))),
  tlsKey: v.optional(v.pipe(v.string(), v.minLength(1))),
});

const configSchema = v.pipe(
  rawSchema,
  v.check((c) => (c.tlsCert === undefined) === (c.tlsKey === undefined), '--tls-cert and --tls-key go together'),
  // Without tokens anyone who can reach the port uses the service (and its egress): only a
  // loopback listener may run that way (docs/decisions.md "Lookup service").
  v.check((c) => c.tokensFile !== undefined || isLoopbackHost(c.listen.host), (issue) => {
    const listen = (issue.input as { listen: Listen }).listen;
    return `listening on ${listen.host} (beyond loopback) needs --tokens-file: an organisation token is required whenever the service is reachable from other machines`;
  }),
  v.transform((c): Config => ({
    listen: c.listen,
    resolvers: c.resolvers,
    redis: c.redis ?? null,
    tokensFile: c.tokensFile ?? null,
    allowOrigins: c.allowOrigins,
    allowEgress: c.allowEgress,
    denyEgress: c.denyEgress,
    refuseDomains: c.refuseDomains,
    allowSpecialUseNames: c.allowSpecialUseNames,
    name: c.name ?? null,
    maxDomains: c.maxDomains,
    rateLimit: c.rateLimit === 0 ? null : c.rateLimit,
    trustProxy: c.trustProxy,
    timeoutMs: c.timeout,
    logDomains: c.logDomains,
    tls: c.tlsCert !== undefined && c.tlsKey !== undefined ? { cert: c.tlsCert, key: c.tlsKey } : null,
  })),
);

function parseBoolean(source: string, text: string): boolean {
  const t = text.trim().toLowerCase();
  if (t === 'true' || t === '1' || t === 'yes') return true;
  if (t === 'false' || t === '0' || t === 'no' || t === '') return false;
  throw new ConfigError(`${source}: '${text}' is not true or false`);
}

/** Values from INTRANSIT_* variables. Lists are separated by commas or white space. */
function fromEnv(env: Readonly<Record<string, string | undefined>>): RawConfig {
  const raw: Record<string, unknown> = {};
  for (const option of CONFIG_OPTIONS) {
    const value = env[option.env];
    if (value === undefined) continue;
    if (option.kind === 'boolean') raw[option.key] = parseBoolean(option.env, value);
    else if (option.kind === 'list') raw[option.key] = value.split(/[\s,]+/).filter((s) => s !== '');
    else if (value.trim() !== '') raw[option.key] = value.trim();
  }
  return raw as RawConfig;
}

/** Values from flags (`--flag value` or `--flag=value`; booleans take no value). */
function fromArgv(argv: readonly string[]): RawConfig {
  const raw: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const option = CONFIG_OPTIONS.find((o) => o.flag === flag);
    if (!option) throw new ConfigError(arg.startsWith('-') ? `unknown option '${flag}' for serve (see intransit serve --help)` : `serve takes no arguments, only options: '${arg}'`);
    if (option.kind === 'boolean') {
      raw[option.key] = eq === -1 ? true : parseBoolean(flag, arg.slice(eq + 1));
      continue;
    }
    let value: string | undefined = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new ConfigError(`${flag} needs a value`);
    value = value.trim();
    if (option.kind === 'list') raw[option.key] = [...((raw[option.key] as string[] | undefined) ?? []), value];
    else if (raw[option.key] !== undefined) throw new ConfigError(`${flag} was given twice`);
    else raw[option.key] = value;
  }
  return raw as RawConfig;
}

/** INTRANSIT_* variables this service does not know (likely typos; main.ts warns). */
export function unknownEnvironment(env: Readonly<Record<string, string | undefined>>): string[] {
  const known = new Set<string>(CONFIG_OPTIONS.map((o) => o.env));
  // Read by other parts of the project: the CLI client and the extension build.
  for (const other of ['INTRANSIT_TOKEN', 'INTRANSIT_BROWSER', 'INTRANSIT_TEST_BUILD']) known.add(other);
  return Object.keys(env).filter((name) => name.startsWith('INTRANSIT_') && !known.has(name)).sort();
}

/** Flags over environment over defaults; throws ConfigError with one plain sentence. */
export function parseConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): Config {
  const raw = { ...fromEnv(env), ...fromArgv(argv) };
  const parsed = v.safeParse(configSchema, raw);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const key = issue.path?.[0]?.key;
    const option = CONFIG_OPTIONS.find((o) => o.key === key);
    const message = issue.message.startsWith('--') || !option ? issue.message : `${option.flag}: ${issue.message}`;
    throw new ConfigError(message);
  }
  return parsed.output;
}

/** The configuration as logged at start: nothing secret (token file path only, no Redis password). */
export function describeConfig(config: Config): Record<string, unknown> {
  return {
    listen: `${config.listen.host.includes(':') ? `[${config.listen.host}]` : config.listen.host}:${config.listen.port}`,
    tls: config.tls !== null,
    resolvers: config.resolvers,
    cache: config.redis === null ? 'memory' : 'redis',
    redis: config.redis === null ? null : redactUrl(config.redis),
    auth: config.tokensFile === null ? 'none' : 'token',
    allowOrigins: config.allowOrigins,
    allowEgress: config.allowEgress,
    denyEgress: config.denyEgress,
    refuseDomains: config.refuseDomains,
    allowSpecialUseNames: config.allowSpecialUseNames,
    name: config.name,
    maxDomains: config.maxDomains,
    rateLimit: config.rateLimit,
    trustProxy: config.trustProxy,
    timeoutMs: config.timeoutMs,
    logDomains: config.logDomains,
  };
}

/** A Redis URL without its password. */
export function redactUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.password !== '') url.password = 'REDACTED';
    return url.href;
  } catch {
    return '(not a URL)';
  }
}
