// Servers that are there and do not work: what a hostile or broken DoH resolver or policy host
// does below HTTP. Each binds one address (a policy host's 127.0.0.N:443, or a random port for a
// DoH URL) and misbehaves the same way for every connection:
// - 'tcp':        accepts the TCP connection, never sends a byte (not even a TLS ServerHello);
// - 'tls':        completes the TLS handshake with a certificate the test CA issued for the SNI
//                 name (so the client trusts it), then never sends a byte (no HTTP/2 SETTINGS,
//                 no HTTP/1.1 response);
// - 'garbage':    answers the ClientHello with random bytes and closes;
// - 'plain-http': speaks cleartext HTTP/1.1 on the TLS port (a misconfigured proxy).
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { createServer as createTcpServer, isIP, type AddressInfo, type Server, type Socket } from 'node:net';
import { createSecureContext, createServer as createTlsServer, type SecureContext } from 'node:tls';
import { issueCertificate, type TestCa } from './ca.ts';

export type BlackHoleKind = 'tcp' | 'tls' | 'garbage' | 'plain-http';

export interface BlackHole {
  kind: BlackHoleKind;
  host: string;
  port: number;
  /** `https://host:port/dns-query` (for a DoH resolver list). */
  dohUrl: string;
  /** Connections accepted so far. */
  readonly accepted: number;
  close(): Promise<void>;
}

export interface BlackHoleOptions {
  kind: BlackHoleKind;
  host: string;
  /** Default 0: a free port. */
  port?: number;
  /** Needed for 'tls': issues the certificate for each SNI name (and the bind address). */
  ca?: TestCa;
  /** ALPN protocols the 'tls' hole agrees to; default h2 then http/1.1. */
  alpn?: string[];
}

export async function startBlackHole(options: BlackHoleOptions): Promise<BlackHole> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const keep = (socket: Socket): void => {
    accepted++;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.once('close', () => sockets.delete(socket));
  };

  let server: Server;
  switch (options.kind) {
    case 'tcp':
      server = createTcpServer(keep);
      break;
    case 'garbage':
      server = createTcpServer((socket) => {
        keep(socket);
        socket.once('data', () => socket.end(randomBytes(4096)));
      });
      break;
    case 'plain-http':
      server = createTcpServer((socket) => {
        keep(socket);
        socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok'));
      });
      break;
    case 'tls': {
      const ca = options.ca;
      if (!ca) throw new Error('black hole "tls" needs a CA');
      const contexts = new Map<string, Promise<SecureContext>>();
      const contextFor = (name: string): Promise<SecureContext> => {
        let context = contexts.get(name);
        if (!context) {
          const names = isIP(name) ? { dnsNames: [], ipAddresses: [name] } : { dnsNames: [name] };
          context = issueCertificate(ca, names).then(({ key, cert }) => createSecureContext({ key, cert }));
          contexts.set(name, context);
        }
        return context;
      };
      const fallback = await issueCertificate(ca, { dnsNames: ['localhost'], ipAddresses: [options.host] });
      const tlsServer = createTlsServer({
        key: fallback.key,
        cert: fallback.cert,
        ALPNProtocols: options.alpn ?? ['h2', 'http/1.1'],
        SNICallback: (servername, callback) => {
          contextFor(servername).then((context) => callback(null, context), (error: unknown) => callback(error as Error));
        },
      });
      // Count and hold the raw connection; after the handshake nothing is ever written.
      tlsServer.on('connection', keep);
      tlsServer.on('secureConnection', (socket) => socket.on('error', () => {}));
      tlsServer.on('tlsClientError', () => {});
      server = tlsServer;
      break;
    }
  }
  server.on('error', () => {});
  server.listen(options.port ?? 0, options.host);
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    kind: options.kind,
    host: options.host,
    port,
    dohUrl: `https://${options.host}:${port}/dns-query`,
    get accepted() {
      return accepted;
    },
    async close() {
      const closed = new Promise<void>((done) => server.close(() => done()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

/** A port on `host` where nothing listens (connection refused): bound once, then released. */
export async function refusedPort(host: string): Promise<number> {
  const server = createTcpServer();
  server.listen(0, host);
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}
