// HTTPS through an HTTP proxy: an HTTP CONNECT tunnel (RFC 9110 s9.3.6) per connection, with TLS
// end to end inside it, so the proxy sees only the host and port it is asked to connect to.
// The fetches in src/node take the proxy as an explicit option; this module never reads
// process.env (the CLI reads HTTPS_PROXY and NO_PROXY, the lookup service has its own settings).
//
// NO_PROXY follows curl's reading, the most widely shared one: a comma- or space-separated list;
// `*` alone means every host; a name matches itself and every name below it (a leading `.` or
// `*.` is ignored); an IP address or CIDR block (`10.0.0.0/8`, `fd00::/8`) matches the URL's host
// when it is an IP literal and the address actually dialled (so a block also covers names that
// our own resolver turned into those addresses); `host:port` limits an entry to one port.
import { BlockList, isIP, type Socket } from 'node:net';

export interface HttpProxyOptions {
  /** `http://[user:password@]host[:port]` of a proxy that accepts CONNECT (default port 80). */
  url: string | URL;
  /** Hosts reached directly, in NO_PROXY syntax (see above). */
  noProxy?: string;
}

/** Where one connection goes: the host in the URL, its port, and the address that will be dialled. */
export interface ProxyTarget {
  hostname: string;
  port: number;
  /** The IP address from the caller's own lookup, when it has one. */
  address?: string;
}

/** Returns the proxy for a target, or null to connect directly. */
export type ProxyRouter = (target: ProxyTarget) => URL | null;

/** Checks and normalises a proxy URL. A bare `host:port` means http://host:port. Throws on anything else. */
export function parseProxyUrl(value: string | URL): URL {
  // Error messages show the URL without its password.
  const text = String(value).trim().replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^@/]*@/i, '$1…@');
  const given = String(value).trim();
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(given) ? given : `http://${given}`);
  } catch {
    throw new Error(`'${text}' is not a proxy URL`);
  }
  if (url.protocol !== 'http:') throw new Error(`'${text}': only http:// proxies (HTTP CONNECT) are supported`);
  if (url.hostname === '') throw new Error(`'${text}' names no proxy host`);
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') throw new Error(`'${text}': a proxy URL has no path or query`);
  return url;
}

interface NoProxyEntry {
  port?: number;
  name?: string;
  block?: BlockList;
}

function parseEntry(raw: string): NoProxyEntry | null {
  let text = raw.toLowerCase();
  let port: number | undefined;
  const bracketed = /^\[([0-9a-f:.]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) {
    text = bracketed[1] as string;
    if (bracketed[2] !== undefined) port = Number(bracketed[2]);
  } else {
    const hostPort = /^([^:]+):(\d+)$/.exec(text);
    if (hostPort) {
      text = hostPort[1] as string;
      port = Number(hostPort[2]);
    }
  }
  const withPort = (entry: NoProxyEntry): NoProxyEntry => (port === undefined ? entry : { ...entry, port });
  const cidr = /^(.+)\/(\d{1,3})$/.exec(text);
  const ip = cidr ? (cidr[1] as string) : text;
  const family = isIP(ip);
  if (family !== 0) {
    const prefix = cidr ? Number(cidr[2]) : family === 4 ? 32 : 128;
    if (prefix > (family === 4 ? 32 : 128)) return null;
    const block = new BlockList();
    block.addSubnet(ip, prefix, family === 4 ? 'ipv4' : 'ipv6');
    return withPort({ block });
  }
  const name = text.replace(/^\*?\.+/, '').replace(/\.$/, '');
  return name === '' || cidr ? null : withPort({ name });
}

function ipMatches(block: BlockList, value: string | undefined): boolean {
  if (value === undefined) return false;
  const bare = value.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  return family !== 0 && block.check(bare, family === 4 ? 'ipv4' : 'ipv6');
}

/** A NO_PROXY list as a predicate: true when the target must be reached directly. */
export function noProxyMatcher(list: string | undefined): (target: ProxyTarget) => boolean {
  const parts = (list ?? '').split(/[\s,]+/).filter((part) => part !== '');
  if (parts.includes('*')) return () => true;
  const entries = parts.map(parseEntry).filter((entry): entry is NoProxyEntry => entry !== null);
  return (target) => {
    const host = target.hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
    return entries.some((entry) => {
      if (entry.port !== undefined && entry.port !== target.port) return false;
      if (entry.block) return ipMatches(entry.block, host) || ipMatches(entry.block, target.address);
      return entry.name !== undefined && (host === entry.name || host.endsWith(`.${entry.name}`));
    });
  };
}

/** The router of a proxy option: the proxy for every target that NO_PROXY does not exempt. Throws on a bad proxy URL. */
export function proxyRouter(options: HttpProxyOptions): ProxyRouter {
  const proxy = parseProxyUrl(options.url);
  const direct = noProxyMatcher(options.noProxy);
  return (target) => (direct(target) ? null : proxy);
}

/** host:port as the request-target of CONNECT (RFC 9110 s9.3.6: authority-form; IPv6 in brackets). */
export function connectAuthority(host: string, port: number): string {
  const bare = host.replace(/^\[|\]$/g, '');
  return `${isIP(bare) === 6 ? `[${bare}]` : bare}:${port}`;
}

export interface TunnelOptions {
  /** Aborting it destroys the tunnel being opened (the connect timeout, a request's abort, close()). */
  signal: AbortSignal;
}

/**
 * Opens a CONNECT tunnel through `proxy` to `authority` (host:port). Resolves with the raw socket
 * once the proxy answers 2xx; anything else rejects with the proxy's status.
 */
export async function openTunnel(proxy: URL, authority: string, options: TunnelOptions): Promise<Socket> {
  // Loaded here: a run without a proxy never needs node:http.
  const { request } = await import('node:http');
  return new Promise<Socket>((resolve, reject) => {
    if (options.signal.aborted) {
      reject(options.signal.reason);
      return;
    }
    const headers: Record<string, string> = { host: authority };
    if (proxy.username !== '' || proxy.password !== '') {
      const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
      headers['proxy-authorization'] = `Basic ${Buffer.from(credentials).toString('base64')}`;
    }
    const req = request({
      host: proxy.hostname.replace(/^\[|\]$/g, ''),
      port: proxy.port === '' ? 80 : Number(proxy.port),
      method: 'CONNECT',
      path: authority,
      headers,
      agent: false,
    });
    let settled = false;
    const onAbort = (): void => {
      req.destroy();
      if (!settled) {
        settled = true;
        reject(options.signal.reason);
      }
    };
    options.signal.addEventListener('abort', onAbort, { once: true });
    const finish = (): void => options.signal.removeEventListener('abort', onAbort);
    req.once('connect', (res, socket, head) => {
      finish();
      const status = res.statusCode ?? 0;
      if (settled) {
        socket.destroy();
        return;
      }
      settled = true;
      if (status < 200 || status > 299) {
        socket.destroy();
        reject(new Error(`the proxy ${proxy.host} refused to connect to ${authority} (HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''})`));
        return;
      }
      // Bytes the proxy sent after its answer belong to the tunnelled stream.
      if (head.length > 0) socket.unshift(head);
      resolve(socket);
    });
    req.once('response', (res) => {
      // A non-CONNECT-aware answer without upgrade semantics (some proxies send a plain response).
      finish();
      res.resume();
      req.destroy();
      if (!settled) {
        settled = true;
        reject(new Error(`the proxy ${proxy.host} refused to connect to ${authority} (HTTP ${res.statusCode ?? 0})`));
      }
    });
    req.once('error', (error) => {
      finish();
      if (!settled) {
        settled = true;
        reject(new Error(`the proxy ${proxy.host} could not be reached: ${error.message}`, { cause: error }));
      }
    });
    req.end();
  });
}
