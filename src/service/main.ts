// `intransit serve`: wires config, engine, caches, rate limits and the HTTP app together, listens,
// and shuts down gracefully (docs/lookup-service.md "Running it").
//
// SIGTERM / SIGINT: stop accepting connections, answer 503 shutting-down on connections still
// open, let requests in flight finish for up to 10 s, then close Redis and the DoH sessions.
// SIGHUP: reload the tokens file (rotation without a restart); a bad file keeps the old tokens.
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { createMemoryPolicyCache } from '../core/index.ts';
import { createApp, type ServiceState } from './app.ts';
import { createAssessmentCache, createServicePolicyCache, type SharedStats } from './caches.ts';
import { createClientAddressResolver } from './client-address.ts';
import { ConfigError, describeConfig, parseConfig, SERVE_USAGE, unknownEnvironment, type Config } from './config.ts';
import { createEgressPolicy } from './egress.ts';
import { createServiceEngine } from './engine.ts';
import type { RedisKv } from './kv/redis.ts';
import { createLogger, type Logger } from './logger.ts';
import { createNamePolicy } from './names.ts';
import { createOriginGate } from './origin.ts';
import { createVettedPolicyFetch } from './policy-fetch.ts';
import { createRateLimiter } from './ratelimit.ts';
import { createServiceResolver } from './resolver.ts';
import { createTokenCheck, parseTokens, type TokenCheck } from './tokens.ts';
import { ENGINE_VERSION } from './version.ts';

export const SHUTDOWN_GRACE_MS = 10_000;
/** During shutdown, how often the service looks whether the last request has finished. */
const IDLE_SWEEP_MS = 50;

export interface ServiceOverrides {
  /** Trust anchors for DoH and policy fetches (tests); default Node's store + NODE_EXTRA_CA_CERTS. */
  ca?: string | string[];
  logger?: Logger;
  /** Called for every DoH query sent (tests count them). */
  onDnsQuery?: () => void;
}

export interface RunningService {
  /** http(s)://host:port, with the port actually bound (--listen HOST:0 picks a free one). */
  url: string;
  port: number;
  state: ServiceState;
  /** Graceful stop: 503 to new requests, in-flight ones finish (≤ 10 s), then Redis closes. */
  close(): Promise<void>;
  /** Re-reads the tokens file; false (and the old tokens kept) when it is unusable. */
  reloadTokens(): boolean;
}

function loadTokens(file: string): TokenCheck {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`--tokens-file: ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const parsed = parseTokens(text);
  if (!parsed.ok) throw new ConfigError(`--tokens-file: ${parsed.error}`);
  return createTokenCheck(parsed.tokens);
}

function readPem(file: string, flag: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`${flag}: ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

/** Node's own proxy support would send policy fetches to a proxy that resolves names itself,
 *  past the address vetting; the service refuses to start that way. */
function checkNoEnvProxy(env: Readonly<Record<string, string | undefined>>, execArgv: readonly string[]): void {
  const flag = env.NODE_USE_ENV_PROXY;
  if ((flag !== undefined && flag !== '' && flag !== '0') || execArgv.includes('--use-env-proxy') || /--use-env-proxy/.test(env.NODE_OPTIONS ?? '')) {
    throw new ConfigError('NODE_USE_ENV_PROXY / --use-env-proxy is set: policy fetches would go through a proxy that resolves names itself, past the address checks. Unset it; give the service direct egress to port 443.');
  }
}

export async function startService(config: Config, overrides: ServiceOverrides = {}, env: Readonly<Record<string, string | undefined>> = process.env): Promise<RunningService> {
  const logger = overrides.logger ?? createLogger((line) => process.stdout.write(`${line}\n`));
  checkNoEnvProxy(env, process.execArgv);
  let tokens: TokenCheck | null = config.tokensFile === null ? null : loadTokens(config.tokensFile);
  const tls = config.tls ? { cert: readPem(config.tls.cert, '--tls-cert'), key: readPem(config.tls.key, '--tls-key') } : null;

  logger.info('start', { engine: ENGINE_VERSION, config: describeConfig(config), tokens: tokens?.count ?? 0 });
  if (config.allowEgress.length > 0) logger.warn('egress-allowance', { ranges: config.allowEgress, note: 'policy fetches may reach these special-purpose ranges: for labs and tests only' });
  if (config.allowSpecialUseNames) logger.warn('special-use-names-allowed', { note: 'special-use names such as .test and .internal are looked up: for tests only' });
  if (config.logDomains) logger.warn('log-domains', { note: 'looked-up domains are written to the log' });
  if (config.redis === null) logger.info('memory-cache', { note: 'caches are per instance: run several instances only with --redis (RFC 8461 s3.3 policy cache)' });
  const unknown = unknownEnvironment(env);
  if (unknown.length > 0) logger.warn('unknown-environment', { names: unknown });

  const stats: SharedStats = { failures: 0 };
  // The Redis client is loaded only when configured (a large module a single instance never needs).
  const redis: RedisKv | undefined = config.redis === null ? undefined : (await import('./kv/redis.ts')).createRedisKv({
    url: config.redis,
    onState: (s) => (s === 'ready' ? logger.info('redis-ready') : logger.warn('redis-down', { note: 'answering from memory until it is back' })),
  });

  const { resolver, close: closeResolver } = createServiceResolver({ urls: config.resolvers, timeoutMs: config.timeoutMs, ca: overrides.ca, onQuery: overrides.onDnsQuery });
  const egress = createEgressPolicy({ allow: config.allowEgress, deny: config.denyEgress });
  const policyFetch = createVettedPolicyFetch({
    resolver,
    egress,
    ca: overrides.ca,
    // A security event: counted and logged (the domain only with --log-domains; never the address).
    onRefused: (host, ranges) => logger.warn('egress-refused', config.logDomains ? { host, ranges } : { ranges }),
  });
  const engine = createServiceEngine({
    deps: {
      resolver,
      fetch: policyFetch,
      policyCache: redis ? createServicePolicyCache({ shared: redis, stats }) : createMemoryPolicyCache(10_000),
      timeoutMs: config.timeoutMs,
      // The vetted policy fetch resolves mta-sts.<domain> through this same resolver.
      prefetchPolicyHost: true,
    },
    cache: createAssessmentCache({ shared: redis, stats }),
    names: createNamePolicy({ refuse: config.refuseDomains, allowSpecialUse: config.allowSpecialUseNames }),
  });

  const state: ServiceState = { shuttingDown: false, inFlight: 0 };
  const app = createApp({
    engine,
    tokens: () => tokens,
    origins: createOriginGate(config.allowOrigins),
    limiter: config.rateLimit === null ? null : createRateLimiter({ name: 'domains', points: config.rateLimit, durationS: 60, redis }),
    clientKey: createClientAddressResolver(config.trustProxy),
    ready: async () => (redis === undefined || (await redis.ping()) ? 'ok' : 'degraded'),
    cache: redis ? 'redis' : 'memory',
    name: config.name,
    maxDomains: config.maxDomains,
    engineVersion: ENGINE_VERSION,
    logger,
    logDomains: config.logDomains,
    state,
  });

  const server = (tls
    ? createAdaptorServer({ fetch: app.fetch, createServer: createHttpsServer, serverOptions: { cert: tls.cert, key: tls.key } })
    : createAdaptorServer({ fetch: app.fetch, createServer: createHttpServer })) as Server;
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  // Every TCP connection and every response not yet finished, so a shutdown can drop the
  // connections that carry nothing: Node's closeIdleConnections() does not see a connection on
  // which no request has arrived yet (a browser's preconnect), and server.close() waits for it.
  const sockets = new Set<Socket>();
  let openResponses = 0;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    openResponses++;
    res.once('close', () => openResponses--);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.listen.port, config.listen.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    closeResolver();
    await redis?.close();
    throw new ConfigError(`--listen: cannot listen on ${config.listen.host}:${config.listen.port} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const port = (server.address() as AddressInfo).port;
  const host = config.listen.host.includes(':') ? `[${config.listen.host}]` : config.listen.host;
  const url = `${tls ? 'https' : 'http'}://${host}:${port}`;
  logger.info('listening', { url });

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    state,
    reloadTokens() {
      if (config.tokensFile === null) return false;
      try {
        tokens = loadTokens(config.tokensFile);
        logger.info('tokens-reloaded', { tokens: tokens.count });
        return true;
      } catch (error) {
        logger.error('tokens-reload-failed', { error: error instanceof Error ? error.message : String(error), note: 'the previous tokens stay in use' });
        return false;
      }
    },
    close() {
      closing ??= (async () => {
        state.shuttingDown = true;
        logger.info('shutting-down', { inFlight: state.inFlight });
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // Requests in flight finish (up to the grace); once none is left, no connection carries
        // anything worth waiting for: close them all instead of waiting for the clients to.
        const dropWhenQuiet = (): void => {
          if (openResponses > 0) return;
          server.closeAllConnections();
          for (const socket of sockets) socket.destroy();
        };
        dropWhenQuiet();
        const sweep = setInterval(dropWhenQuiet, IDLE_SWEEP_MS);
        let timer: ReturnType<typeof setTimeout> | undefined;
        const grace = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), SHUTDOWN_GRACE_MS);
        });
        if ((await Promise.race([closed, grace])) === 'timeout') {
          logger.warn('shutdown-forced', { inFlight: state.inFlight });
          server.closeAllConnections();
        }
        clearTimeout(timer);
        clearInterval(sweep);
        closeResolver();
        await redis?.close();
        logger.info('stopped');
      })();
      return closing;
    },
  };
}

export interface ServeIo {
  out(text: string): void;
  err(text: string): void;
}

/** The `intransit serve` command: resolves with the exit code once the service has stopped. */
export async function runServe(argv: readonly string[], io: ServeIo, env: Readonly<Record<string, string | undefined>> = process.env): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(SERVE_USAGE);
    return 0;
  }
  let service: RunningService;
  try {
    service = await startService(parseConfig(argv, env), { logger: createLogger(io.out) }, env);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(`intransit serve: ${error.message}`);
      return 2;
    }
    throw error;
  }
  return new Promise<number>((resolve) => {
    const stop = (): void => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      process.off('SIGHUP', reload);
      void service.close().then(() => resolve(0));
    };
    const reload = (): void => {
      service.reloadTokens();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    process.on('SIGHUP', reload);
  });
}

// `node --import tsx src/service/main.ts` and the tests' child processes start it directly.
if (process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  runServe(process.argv.slice(2), { out: (t) => process.stdout.write(`${t}\n`), err: (t) => process.stderr.write(`${t}\n`) }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`intransit serve: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 70;
    },
  );
}
