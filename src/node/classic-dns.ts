// Classic DNS (RFC 1035 s4.2) to a resolver on loopback, as an UpstreamExchange for the engine's
// resolver (src/core/dns/doh.ts): the same query bytes (wire.ts encodeQuery: RD, AD, EDNS0 with
// DO and a payload size of 1232) and the same decoding and checks (transport.ts answerFromBytes:
// strict wire scan, question, ID, answer section, EDE); a datagram is decoded once.
// - UDP first, from a fresh socket per query: a random source port (the kernel's ephemeral port
//   choice) and a random 16-bit ID (RFC 5452 s9.2). The socket is connected, so only datagrams
//   from the resolver's address and port arrive; a datagram whose ID or question does not match
//   is ignored and the wait goes on (RFC 5452 s9.1), never taken as the answer.
// - TCP (2-octet length prefix, RFC 1035 s4.2.2; RFC 7766 s5) when the UDP answer has TC set,
//   or is larger than the 1232 octets we advertised (a middlebox or a resolver that ignores
//   EDNS0 would otherwise hand us a datagram that may have been fragmented and spoofed).
// - One time limit for the whole exchange (UDP and TCP); the caller's signal ends it at once.
// Only resolvers on loopback are accepted (resolver-url.ts): the AD bit is trusted as Postfix and
// danecheck trust it from a local validating resolver (docs/decisions.md "Command line").
import { randomInt } from 'node:crypto';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect as tcpConnect, type Socket } from 'node:net';
import { answerFromBytes, answerFromDecoded, hostOf, type Exchange, type UpstreamExchange } from '../core/dns/transport.ts';
import { decodeResponse, encodeQuery } from '../core/dns/wire.ts';
import { limitTime } from '../core/time-limit.ts';
import type { RRType } from '../core/types.ts';

/** The EDNS0 payload size the query advertises (wire.ts, DNS Flag Day 2020). */
export const EDNS_UDP_SIZE = 1232;
/** RFC 1035 s4.2.2: TCP messages carry a 2-octet length, so at most 65535 octets. */
const MAX_TCP_MESSAGE = 65_535;
const FLAG_QR = 0x80; // first flags octet
const FLAG_TC = 0x02; // first flags octet

export interface ClassicDnsTarget {
  /** The URL this upstream is known by (results name it). */
  url: string;
  address: string;
  port: number;
  family: 4 | 6;
}

class Ended extends Error {}

/**
 * Ends the exchange's one pending socket (the timeout or the caller's abort). An AbortController
 * per query did the same at a measurable cost (EventTarget), for one listener at a time.
 */
class Stopper {
  stopped = false;
  private listener: (() => void) | null = null;
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    const listener = this.listener;
    this.listener = null;
    listener?.();
  }
  /** `listener` runs on stop (at once if stopped already); returns the cancel. */
  on(listener: () => void): () => void {
    if (this.stopped) {
      queueMicrotask(listener);
      return () => undefined;
    }
    this.listener = listener;
    return () => {
      if (this.listener === listener) this.listener = null;
    };
  }
}

function idOf(bytes: Uint8Array): number {
  return ((bytes[0] ?? 0) << 8) | (bytes[1] ?? 0);
}

type Decoded = ReturnType<typeof decodeResponse>;

/**
 * The datagram decoded if it is a response to our ID and question, else null (cheap checks
 * first; then the full decode, which the answer then reuses).
 */
function decodedIfOurs(bytes: Uint8Array, name: string, type: RRType, id: number): Decoded | null {
  if (bytes.length < 12 || idOf(bytes) !== id || ((bytes[2] ?? 0) & FLAG_QR) === 0) return null;
  const decoded = decodeResponse(bytes);
  // A response with our ID that cannot be decoded is kept: answerFromDecoded reports it as the
  // error. One that decodes but echoes another question is not ours.
  if (!decoded.ok) return decoded;
  const [question, ...more] = decoded.message.questions;
  const ours = question !== undefined && more.length === 0 && question.type === type && question.class === 'IN'
    && question.name.toLowerCase().replace(/\.$/, '') === name;
  return ours ? decoded : null;
}

function askUdp(target: ClassicDnsTarget, query: Uint8Array, name: string, type: RRType, id: number, ended: Stopper): Promise<{ bytes: Uint8Array; decoded: Decoded }> {
  return new Promise((resolve, reject) => {
    const socket: UdpSocket = createSocket(target.family === 6 ? 'udp6' : 'udp4');
    let finished = false;
    const finish = (error: Error | null, answer?: { bytes: Uint8Array; decoded: Decoded }): void => {
      if (finished) return;
      finished = true;
      cancelEnd();
      socket.close();
      if (error) reject(error);
      else resolve(answer as { bytes: Uint8Array; decoded: Decoded });
    };
    const cancelEnd = ended.on(() => finish(new Ended()));
    socket.on('error', (error) => finish(error));
    socket.on('message', (message: Buffer) => {
      const bytes = new Uint8Array(message.buffer, message.byteOffset, message.byteLength);
      const decoded = decodedIfOurs(bytes, name, type, id);
      if (decoded) finish(null, { bytes, decoded });
    });
    socket.connect(target.port, target.address, () => socket.send(query));
  });
}

function askTcp(target: ClassicDnsTarget, query: Uint8Array, ended: Stopper): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const socket: Socket = tcpConnect({ host: target.address, port: target.port });
    let received: Buffer = Buffer.alloc(0);
    const finish = (error: Error | null, bytes?: Uint8Array): void => {
      cancelEnd();
      socket.destroy();
      if (error) reject(error);
      else resolve(bytes as Uint8Array);
    };
    const cancelEnd = ended.on(() => finish(new Ended()));
    socket.setNoDelay(true);
    socket.once('connect', () => {
      const framed = Buffer.alloc(2 + query.length);
      framed.writeUInt16BE(query.length, 0);
      framed.set(query, 2);
      socket.write(framed);
    });
    socket.on('data', (chunk: Buffer) => {
      received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
      if (received.length < 2) return;
      const length = received.readUInt16BE(0);
      if (received.length < 2 + length) return;
      // One query per connection: whatever follows the first message is not read.
      finish(null, new Uint8Array(received.buffer, received.byteOffset + 2, length));
    });
    socket.once('end', () => finish(new Error('the connection closed before a whole answer arrived')));
    socket.on('error', (error) => finish(error));
  });
}

/** An UpstreamExchange that asks `target` over UDP, then TCP when the answer does not fit. */
export function createClassicDnsExchange(target: ClassicDnsTarget): UpstreamExchange {
  const host = hostOf(target.url);
  return async (name, type, { timeoutMs, signal }): Promise<Exchange> => {
    if (signal?.aborted) return { kind: 'aborted' };
    const id = randomInt(0, 0x10000);
    const query = encodeQuery(name, type, id);
    const ended = new Stopper();
    const limit = limitTime(timeoutMs, signal, () => ended.stop());
    let over = 'UDP';
    try {
      const udp = await askUdp(target, query, name, type, id, ended);
      if (((udp.bytes[2] ?? 0) & FLAG_TC) === 0 && udp.bytes.length <= EDNS_UDP_SIZE) return answerFromDecoded(target.url, udp.decoded, name, type, id);
      over = 'TCP';
      const bytes = await askTcp(target, query, ended);
      if (bytes.length > MAX_TCP_MESSAGE) return { kind: 'error', url: target.url, error: `${host} sent an oversized answer over TCP.` };
      return answerFromBytes(target.url, bytes, name, type, id);
    } catch (error) {
      if (signal?.aborted) return { kind: 'aborted' };
      if (limit.timedOut || error instanceof Ended) return { kind: 'timeout', url: target.url, error: `${host} did not answer within ${timeoutMs} ms.` };
      const code = (error as NodeJS.ErrnoException).code;
      const reason = error instanceof Error ? error.message : String(error);
      return { kind: 'error', url: target.url, error: `${host} could not be reached over ${over}: ${code ?? reason}.` };
    } finally {
      limit.dispose();
    }
  };
}
