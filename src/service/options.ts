// The options of `intransit serve` as data: flag, INTRANSIT_* variable, help text. Kept free of
// imports so that the CLI's main chunk can print `intransit serve --help` without loading the
// service (src/cli/commands.ts); config.ts validates the values.

/** Most entries in one request; equals MAX_DOMAINS of src/shared/lookup-api.ts (a unit test checks). */
export const MAX_DOMAINS = 100;
export const DEFAULT_LISTEN = '127.0.0.1:8460';
export const DEFAULT_RATE_LIMIT = 120;
export const DEFAULT_TIMEOUT_MS = 5000;

type Kind = 'string' | 'list' | 'boolean';

export interface OptionSpec {
  key: keyof RawConfig;
  flag: `--${string}`;
  env: `INTRANSIT_${string}`;
  kind: Kind;
  /** Shown by `intransit serve --help` and mirrored in docs/lookup-service.md. */
  help: string;
  value?: string;
}

export interface RawConfig {
  listen?: string;
  resolvers?: string[];
  redis?: string;
  tokensFile?: string;
  allowOrigins?: string[];
  allowEgress?: string[];
  denyEgress?: string[];
  refuseDomains?: string[];
  allowSpecialUseNames?: boolean;
  name?: string;
  maxDomains?: string;
  rateLimit?: string;
  trustProxy?: string[];
  timeout?: string;
  logDomains?: boolean;
  tlsCert?: string;
  tlsKey?: string;
}

export const CONFIG_OPTIONS: readonly OptionSpec[] = [
  { key: 'listen', flag: '--listen', env: 'INTRANSIT_LISTEN', kind: 'string', value: 'HOST:PORT', help: `address to listen on (default ${DEFAULT_LISTEN}); beyond loopback a tokens file is required` },
  { key: 'resolvers', flag: '--resolver', env: 'INTRANSIT_RESOLVERS', kind: 'list', value: 'URL', help: 'RFC 8484 DoH endpoint, or dns://127.0.0.1 / dns://[::1] for a validating resolver on this machine (classic DNS: loopback only); repeatable, tried in order (default: Cloudflare, then Google)' },
  { key: 'redis', flag: '--redis', env: 'INTRANSIT_REDIS_URL', kind: 'string', value: 'URL', help: 'redis://, rediss:// or unix:///path: share policies, assessments and rate limits between instances' },
  { key: 'tokensFile', flag: '--tokens-file', env: 'INTRANSIT_TOKENS_FILE', kind: 'string', value: 'FILE', help: 'bearer tokens, one a line (two at once while rotating); reloaded on SIGHUP' },
  { key: 'allowOrigins', flag: '--allow-origin', env: 'INTRANSIT_ALLOW_ORIGINS', kind: 'list', value: 'ORIGIN', help: 'extra browser origin allowed to call (repeatable), e.g. a store build chrome-extension://<id>' },
  { key: 'allowEgress', flag: '--allow-egress', env: 'INTRANSIT_ALLOW_EGRESS', kind: 'list', value: 'CIDR', help: 'let policy fetches reach this special-purpose range (labs and tests only; logs a warning)' },
  { key: 'denyEgress', flag: '--deny-egress', env: 'INTRANSIT_DENY_EGRESS', kind: 'list', value: 'CIDR', help: 'never connect to this range (e.g. the organisation\'s own public ranges); beats --allow-egress' },
  { key: 'refuseDomains', flag: '--refuse-domain', env: 'INTRANSIT_REFUSE_DOMAINS', kind: 'list', value: 'DOMAIN', help: 'never look up this domain or names below it (e.g. internal zones), repeatable' },
  { key: 'allowSpecialUseNames', flag: '--allow-special-use-names', env: 'INTRANSIT_ALLOW_SPECIAL_USE_NAMES', kind: 'boolean', help: 'look up special-use names such as .test and .internal (tests only; logs a warning)' },
  { key: 'name', flag: '--name', env: 'INTRANSIT_NAME', kind: 'string', value: 'TEXT', help: 'the organisation\'s name, shown by the extension ("checked by <name>")' },
  { key: 'maxDomains', flag: '--max-domains', env: 'INTRANSIT_MAX_DOMAINS', kind: 'string', value: 'N', help: `most domains in one request, 1-${MAX_DOMAINS} (default ${MAX_DOMAINS})` },
  { key: 'rateLimit', flag: '--rate-limit', env: 'INTRANSIT_RATE_LIMIT', kind: 'string', value: 'N', help: `domains per minute per client (token and address), 0 = no limit (default ${DEFAULT_RATE_LIMIT})` },
  { key: 'trustProxy', flag: '--trust-proxy', env: 'INTRANSIT_TRUST_PROXY', kind: 'list', value: 'CIDR', help: 'proxies whose X-Forwarded-For names the client (repeatable)' },
  { key: 'timeout', flag: '--timeout', env: 'INTRANSIT_TIMEOUT_MS', kind: 'string', value: 'MS', help: `timeout of each DNS query and of each policy fetch (default ${DEFAULT_TIMEOUT_MS})` },
  { key: 'logDomains', flag: '--log-domains', env: 'INTRANSIT_LOG_DOMAINS', kind: 'boolean', help: 'write looked-up domains into the log (debugging; logs a warning)' },
  { key: 'tlsCert', flag: '--tls-cert', env: 'INTRANSIT_TLS_CERT', kind: 'string', value: 'FILE', help: 'serve HTTPS with this certificate chain (PEM); usually TLS ends at the proxy' },
  { key: 'tlsKey', flag: '--tls-key', env: 'INTRANSIT_TLS_KEY', kind: 'string', value: 'FILE', help: 'the private key (PEM) of --tls-cert' },
];

export const SERVE_USAGE = `intransit serve [options]
             Runs the organisation's lookup service: POST /v1/assess answers recipient domains with
             the same assessments as check --json (docs/lookup-service.md). Every option can also be
             set with the environment variable shown; an option on the command line wins.
${CONFIG_OPTIONS.map((o) => {
  const left = `  ${o.flag}${o.value ? ` ${o.value}` : ''}`;
  return `${left.padEnd(30)}${o.help}\n${''.padEnd(30)}[${o.env}]`;
}).join('\n')}
  Signals: SIGTERM/SIGINT stop gracefully (requests in flight finish, at most 10 s); SIGHUP
  re-reads the tokens file.
  Exit codes: 0 stopped by a signal; 2 bad options or the address cannot be used.`;
