// Classic DNS (RFC 1035 s4.2) beside the test DoH server, for the `dns://` resolver of the CLI
// and the lookup service: UDP on a port of its own, answers larger than the client's EDNS0 size
// (RFC 6891 s6.2.5; 512 octets without EDNS, RFC 1035 s4.2.1) truncated to the header and
// question with TC set, and TCP with the 2-octet length prefix (RFC 1035 s4.2.2) on the same port.
// The DoH server hands it what to answer (`answer`), so zone, delay and query log are shared.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import * as dnsPacket from '@dnsquery/dns-packet';
import type { Packet } from '@dnsquery/dns-packet';

const FLAG_TC = 0x02; // first flags octet

export interface ClassicDnsListener {
  /** dns://HOST:PORT */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * `answer` gets a decoded query and calls back with the response bytes (after any delay), or
 * never for a query that hangs. A datagram that is not one well-formed query is dropped, as
 * resolvers drop garbage.
 */
export type ClassicAnswer = (query: Packet, raw: Uint8Array, reply: (response: Uint8Array) => void) => void;

function decodeQuery(raw: Uint8Array): Packet | null {
  try {
    const query = dnsPacket.decode(raw);
    return query.type === 'query' && query.questions?.length === 1 ? query : null;
  } catch {
    return null;
  }
}

/** The client's UDP payload size: EDNS0's, at least 512 (RFC 6891 s6.2.5). */
function udpLimit(query: Packet): number {
  const opt = query.additionals?.find((rr) => rr.type === 'OPT') as { udpPayloadSize?: number } | undefined;
  return Math.max(512, opt?.udpPayloadSize ?? 512);
}

/** Header and question only, TC set: "ask again over TCP" (RFC 1035 s4.1.1, RFC 7766 s5). */
function truncated(response: Uint8Array, query: Packet): Uint8Array {
  const header = dnsPacket.encode({ type: 'response', id: query.id ?? 0, flags: 0, questions: query.questions ?? [] });
  header[2] = (response[2] ?? 0) | FLAG_TC;
  header[3] = response[3] ?? 0;
  return header;
}

export async function startClassicDnsListener(host: string, answer: ClassicAnswer): Promise<ClassicDnsListener> {
  // UDP and TCP on one port number: the kernel picks the UDP port; its TCP twin is rarely taken,
  // and then another UDP port is tried.
  for (let attempt = 1; ; attempt++) {
    try {
      return await listenOnce(host, answer);
    } catch (error) {
      if ((error as { code?: string }).code !== 'EADDRINUSE' || attempt >= 5) throw error;
    }
  }
}

async function listenOnce(host: string, answer: ClassicAnswer): Promise<ClassicDnsListener> {
  const udp: UdpSocket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  udp.on('message', (raw, from) => {
    const query = decodeQuery(raw);
    if (!query) return;
    answer(query, raw, (response) => {
      const bytes = response.length > udpLimit(query) ? truncated(response, query) : response;
      udp.send(bytes, from.port, from.address);
    });
  });
  udp.bind(0, host);
  await once(udp, 'listening');
  const port = udp.address().port;

  const sockets = new Set<Socket>();
  const tcp = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2) {
        const length = buffered.readUInt16BE(0);
        if (buffered.length < 2 + length) return;
        const raw = new Uint8Array(buffered.subarray(2, 2 + length));
        buffered = buffered.subarray(2 + length);
        const query = decodeQuery(raw);
        if (!query) {
          socket.destroy();
          return;
        }
        answer(query, raw, (response) => {
          if (socket.destroyed) return;
          const prefix = Buffer.alloc(2);
          prefix.writeUInt16BE(response.length);
          socket.write(Buffer.concat([prefix, response]));
        });
      }
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(port, host, () => {
        tcp.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    udp.close();
    throw error;
  }
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `dns://${shown}:${(tcp.address() as AddressInfo).port}`,
    port,
    async close() {
      for (const socket of sockets) socket.destroy();
      await Promise.all([new Promise<void>((resolve) => udp.close(() => resolve())), new Promise<void>((resolve) => tcp.close(() => resolve()))]);
    },
  };
}
