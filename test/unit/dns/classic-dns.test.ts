// Classic DNS to a loopback resolver (src/node/classic-dns.ts) against a real UDP + TCP server on
// 127.0.0.9x: EDNS0 query, random IDs and ports, TC -> TCP, oversized datagram -> TCP, forged
// datagrams (wrong ID, wrong question) ignored, timeout, refused port, and the whole path through
// the engine's resolver (createResolverForUrls), AD bit included.
import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import * as dnsPacket from '@dnsquery/dns-packet';
import type { Answer, Packet } from '@dnsquery/dns-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { createClassicDnsExchange, EDNS_UDP_SIZE, type ClassicDnsTarget } from '../../../src/node/classic-dns.ts';
import { createResolverForUrls } from '../../../src/node/resolver.ts';

const HOST = '127.0.0.91';

interface Seen {
  over: 'udp' | 'tcp';
  packet: Packet;
  port: number;
}

/** What the server does with one query: `reply` datagrams/messages to send, in order (or none). */
type Behaviour = (query: Packet, over: 'udp' | 'tcp') => Uint8Array[];

interface TestServer {
  port: number;
  seen: Seen[];
  close(): Promise<void>;
}

async function startServer(behaviour: Behaviour): Promise<TestServer> {
  const seen: Seen[] = [];
  for (let attempt = 0; ; attempt++) {
    const udp: UdpSocket = createSocket('udp4');
    udp.bind(0, HOST);
    await once(udp, 'listening');
    const port = udp.address().port;
    const tcp: Server = createServer((socket: Socket) => {
      let buffer = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        buffer = Buffer.concat([buffer, chunk]);
        if (buffer.length < 2 || buffer.length < 2 + buffer.readUInt16BE(0)) return;
        const packet = dnsPacket.decode(buffer.subarray(2, 2 + buffer.readUInt16BE(0)));
        seen.push({ over: 'tcp', packet, port: socket.remotePort ?? 0 });
        for (const reply of behaviour(packet, 'tcp')) {
          const framed = Buffer.alloc(2 + reply.length);
          framed.writeUInt16BE(reply.length, 0);
          framed.set(reply, 2);
          socket.write(framed);
        }
      });
      socket.on('error', () => undefined);
    });
    try {
      tcp.listen(port, HOST);
      await once(tcp, 'listening');
    } catch (error) {
      udp.close();
      if (attempt < 5) continue;
      throw error;
    }
    udp.on('message', (message: Buffer, from: RemoteInfo) => {
      const packet = dnsPacket.decode(message);
      seen.push({ over: 'udp', packet, port: from.port });
      for (const reply of behaviour(packet, 'udp')) udp.send(reply, from.port, from.address);
    });
    return {
      port,
      seen,
      close: async () => {
        udp.close();
        tcp.close();
        await once(tcp, 'close');
      },
    };
  }
}

const A_RECORD = (name: string, address = '192.0.2.1'): Answer => ({ type: 'A', name, ttl: 300, class: 'IN', data: address });

function response(query: Packet, options: { answers?: Answer[]; id?: number; tc?: boolean; ad?: boolean; name?: string } = {}): Uint8Array {
  const question = query.questions?.[0] as NonNullable<Packet['questions']>[number];
  const flags = 0x8000 | 0x0100 | 0x0080 | (options.tc ? 0x0200 : 0) | (options.ad ? 0x0020 : 0);
  return dnsPacket.encode({
    type: 'response',
    id: options.id ?? query.id ?? 0,
    flags,
    questions: [{ ...question, name: options.name ?? question.name }],
    answers: options.answers ?? [],
    additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232, flags: 0x8000 } as unknown as Answer],
  });
}

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function target(port: number): ClassicDnsTarget {
  return { url: `dns://${HOST}:${port}`, address: HOST, port, family: 4 };
}

describe('classic DNS exchange (UDP, TCP on truncation)', () => {
  it('sends an EDNS0 query (payload 1232, DO, RD, AD) with a random ID from a random port, and decodes the answer', async () => {
    server = await startServer((q) => [response(q, { answers: [A_RECORD('mx.example')], ad: true })]);
    const exchange = createClassicDnsExchange(target(server.port));
    const results = await Promise.all(Array.from({ length: 8 }, () => exchange('mx.example', 'A', { timeoutMs: 2000 })));
    for (const result of results) {
      expect(result.kind).toBe('dns');
      if (result.kind === 'dns') {
        expect(result.message.authenticData).toBe(true);
        expect(result.message.answers[0]?.data).toBe('192.0.2.1');
      }
    }
    const first = server.seen[0]?.packet as Packet;
    const opt = first.additionals?.find((rr) => rr.type === 'OPT') as unknown as { udpPayloadSize: number; flags: number } | undefined;
    expect(opt?.udpPayloadSize).toBe(EDNS_UDP_SIZE);
    expect((opt?.flags ?? 0) & 0x8000).toBe(0x8000);
    expect((first.flags ?? 0) & 0x0120).toBe(0x0120);
    // Eight queries: IDs and source ports are not reused (2^-16 odds of a false failure per pair aside).
    expect(new Set(server.seen.map((s) => s.packet.id)).size).toBeGreaterThanOrEqual(7);
    expect(new Set(server.seen.map((s) => s.port)).size).toBe(8);
    expect(server.seen.every((s) => s.over === 'udp')).toBe(true);
  });

  it('retries over TCP when the UDP answer has TC set, and uses the TCP answer', async () => {
    server = await startServer((q, over) => over === 'udp' ? [response(q, { tc: true })] : [response(q, { answers: [A_RECORD('big.example', '192.0.2.7')] })]);
    const result = await createClassicDnsExchange(target(server.port))('big.example', 'A', { timeoutMs: 2000 });
    expect(result.kind).toBe('dns');
    if (result.kind === 'dns') expect(result.message.answers[0]?.data).toBe('192.0.2.7');
    expect(server.seen.map((s) => s.over)).toEqual(['udp', 'tcp']);
    expect(server.seen[1]?.packet.id).toBe(server.seen[0]?.packet.id);
  });

  it('retries over TCP when a UDP answer is larger than the 1232 octets advertised', async () => {
    const many = (name: string) => Array.from({ length: 90 }, (_, i) => A_RECORD(name, `192.0.2.${i + 1}`));
    server = await startServer((q, over) => [response(q, { answers: over === 'udp' ? many('big.example') : [A_RECORD('big.example')] })]);
    expect(response({ id: 1, questions: [{ type: 'A', name: 'big.example', class: 'IN' }] }, { answers: many('big.example') }).length).toBeGreaterThan(EDNS_UDP_SIZE);
    const result = await createClassicDnsExchange(target(server.port))('big.example', 'A', { timeoutMs: 2000 });
    expect(result.kind).toBe('dns');
    if (result.kind === 'dns') expect(result.message.answers).toHaveLength(1);
    expect(server.seen.map((s) => s.over)).toEqual(['udp', 'tcp']);
  });

  it('ignores datagrams with another ID or another question, and takes the genuine answer after them', async () => {
    server = await startServer((q) => [
      response(q, { id: ((q.id ?? 0) + 1) & 0xffff, answers: [A_RECORD('mx.example', '198.51.100.66')] }),
      response(q, { name: 'other.example', answers: [A_RECORD('other.example', '198.51.100.67')] }),
      response(q, { answers: [A_RECORD('mx.example', '192.0.2.1')] }),
    ]);
    const result = await createClassicDnsExchange(target(server.port))('mx.example', 'A', { timeoutMs: 2000 });
    expect(result.kind).toBe('dns');
    if (result.kind === 'dns') expect(result.message.answers.map((a) => a.data)).toEqual(['192.0.2.1']);
  });

  it('times out when only forged datagrams arrive (they are never taken as the answer)', async () => {
    server = await startServer((q) => [response(q, { id: ((q.id ?? 0) + 1) & 0xffff, answers: [A_RECORD('mx.example', '198.51.100.66')] })]);
    const result = await createClassicDnsExchange(target(server.port))('mx.example', 'A', { timeoutMs: 300 });
    expect(result).toMatchObject({ kind: 'timeout', error: `${HOST}:${server.port} did not answer within 300 ms.` });
  });

  it('times out when the resolver says nothing', async () => {
    server = await startServer(() => []);
    const result = await createClassicDnsExchange(target(server.port))('mx.example', 'A', { timeoutMs: 200 });
    expect(result.kind).toBe('timeout');
  });

  it('a malformed datagram with our ID is an error, not an answer', async () => {
    server = await startServer((q) => {
      const bytes = response(q, { answers: [A_RECORD('mx.example')] });
      return [Uint8Array.from([...bytes, 0xde, 0xad])];
    });
    const result = await createClassicDnsExchange(target(server.port))('mx.example', 'A', { timeoutMs: 2000 });
    expect(result.kind).toBe('error');
    if (result.kind === 'error') expect(result.error).toMatch(/malformed/);
  });

  it('a TCP answer with another ID is an error', async () => {
    server = await startServer((q, over) => over === 'udp' ? [response(q, { tc: true })] : [response(q, { id: ((q.id ?? 0) + 1) & 0xffff })]);
    const result = await createClassicDnsExchange(target(server.port))('mx.example', 'A', { timeoutMs: 2000 });
    expect(result.kind).toBe('error');
    if (result.kind === 'error') expect(result.error).toMatch(/DNS ID/);
  });

  it('the caller\'s signal ends the exchange at once', async () => {
    server = await startServer(() => []);
    const controller = new AbortController();
    const pending = createClassicDnsExchange(target(server.port))('mx.example', 'A', { timeoutMs: 10_000, signal: controller.signal });
    controller.abort();
    expect(await pending).toEqual({ kind: 'aborted' });
  });
});

describe('createResolverForUrls with dns:// (the engine\'s resolver over classic DNS)', () => {
  it('gives DnsResults with the AD bit of the loopback resolver, and fails over like DoH', async () => {
    server = await startServer((q) => [response(q, { answers: [A_RECORD('mx.example')], ad: true })]);
    const resolver = createResolverForUrls([`dns://${HOST}:${server.port}`], { timeoutMs: 1000 });
    const result = await resolver.query('mx.example', 'A');
    expect(result).toMatchObject({ outcome: 'answer', secure: true, records: ['192.0.2.1'], resolver: `dns://${HOST}:${server.port}` });
  });

  it('a silent resolver is asked twice, then the result is a timeout naming it', async () => {
    server = await startServer(() => []);
    const resolver = createResolverForUrls([`dns://${HOST}:${server.port}`], { timeoutMs: 150 });
    const result = await resolver.query('mx.example', 'A');
    expect(result.outcome).toBe('timeout');
    expect(result.error).toContain(`${HOST}:${server.port}`);
    expect(server.seen).toHaveLength(2);
  });

  it('refuses a dns:// resolver that is not on loopback, and a name', () => {
    expect(() => createResolverForUrls(['dns://192.0.2.53'])).toThrow(/not on loopback: classic DNS is unauthenticated/);
    expect(() => createResolverForUrls(['dns://localhost'])).toThrow(/must be an IP address/);
  });

  it('refuses an https:// resolver without a fetch', () => {
    expect(() => createResolverForUrls(['https://dns.example/dns-query'])).toThrow(/no fetch/);
  });
});
