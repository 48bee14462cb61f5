// A tiny SMTP server for posttls-finger: greeting, EHLO advertising STARTTLS (RFC 3207),
// STARTTLS → TLS with the certificate whose TLSA the zones publish, EHLO again, QUIT. Nothing is
// ever accepted for delivery. Lines are CRLF-terminated (RFC 5321 §2.3.8).
import { createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { TLSSocket, createSecureContext } from 'node:tls';

export interface SmtpListenerOptions {
  host: string;
  port: number;
  /** PEM key and certificate presented after STARTTLS. */
  key: string;
  cert: string;
  /** The name in the greeting and EHLO replies. */
  name?: string;
}

export interface SmtpListener {
  server: Server;
  /** STARTTLS handshakes completed so far. */
  readonly handshakes: number;
  close(): Promise<void>;
}

const MAX_LINE = 4096;

export async function startSmtpListener(options: SmtpListenerOptions): Promise<SmtpListener> {
  const name = options.name ?? 'smtp.test';
  const context = createSecureContext({ key: options.key, cert: options.cert });
  let handshakes = 0;
  const sockets = new Set<Socket>();

  /** Reads CRLF lines from `socket` and hands them to `onLine` until it returns 'stop'. */
  const converse = (socket: Socket, tls: boolean) => {
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      if (buffer.length > MAX_LINE && !buffer.includes('\n')) return socket.destroy();
      let end: number;
      while ((end = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, end).replace(/\r$/, '');
        buffer = buffer.slice(end + 1);
        if (reply(line) === 'starttls') {
          // RFC 3207 §4.2: nothing sent before the handshake may be used after it.
          socket.off('data', onData);
          const secure = new TLSSocket(socket, { isServer: true, secureContext: context });
          secure.once('secure', () => handshakes++);
          secure.on('error', () => secure.destroy());
          converse(secure, true);
          return;
        }
      }
    };
    const reply = (line: string): 'starttls' | undefined => {
      const verb = line.split(' ')[0]?.toUpperCase() ?? '';
      switch (verb) {
        case 'EHLO':
          socket.write(tls ? `250-${name}\r\n250 PIPELINING\r\n` : `250-${name}\r\n250-PIPELINING\r\n250 STARTTLS\r\n`);
          return;
        case 'HELO':
          socket.write(`250 ${name}\r\n`);
          return;
        case 'STARTTLS':
          if (tls) {
            socket.write('503 5.5.1 TLS already active\r\n');
            return;
          }
          socket.write('220 2.0.0 Ready to start TLS\r\n');
          return 'starttls';
        case 'NOOP':
        case 'RSET':
          socket.write('250 2.0.0 OK\r\n');
          return;
        case 'QUIT':
          socket.end('221 2.0.0 Bye\r\n');
          return;
        default:
          socket.write('502 5.5.1 Not implemented in this test listener\r\n');
      }
    };
    socket.on('data', onData);
  };

  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setTimeout(30_000, () => socket.destroy());
    socket.write(`220 ${name} ESMTP InTransit DNSSEC-world listener\r\n`);
    converse(socket, false);
  });
  server.listen(options.port, options.host);
  await once(server, 'listening');
  return {
    server,
    get handshakes() {
      return handshakes;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
