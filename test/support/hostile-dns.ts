// Ready-made hostile DoH answers (HostileResponse values for doh-server.ts), each wrong in one
// way. Messages are built byte by byte with dns-wire.ts, echoing the question of the query they
// answer unless being wrong about the question is the point.
import type { HostileQuery, HostileResponse } from './doh-server.ts';
import { buildMessage, CLASS, FLAG, header, type WireMessage, type WireRR } from './dns-wire.ts';

const OK_FLAGS = FLAG.QR | FLAG.RD | FLAG.RA;

/** The question of the query, echoed (class IN). */
export function echo(query: HostileQuery): WireMessage['questions'] {
  return [{ name: query.name, type: query.type }];
}

/** Options of a message built around the query's own question. */
export interface ReplyOptions {
  rcode?: number;
  /** Extra header flags (FLAG.AD, FLAG.TC, FLAG.AA...). */
  flags?: number;
  authorities?: WireRR[];
  additionals?: WireRR[];
  ede?: { code: number; text?: string }[];
  /** Always add an OPT record (an EDNS answer to an EDNS query, RFC 6891 s7). */
  opt?: boolean;
}

function reply(query: HostileQuery, answers: WireRR[], options: ReplyOptions = {}): Uint8Array {
  const wantsOpt = options.opt ?? true;
  return buildMessage({
    flags: OK_FLAGS | (options.flags ?? 0),
    rcode: options.rcode ?? 0,
    questions: echo(query),
    answers,
    authorities: options.authorities ?? [],
    additionals: options.additionals ?? [],
    opt: wantsOpt || options.ede ? { do: true, ede: options.ede } : false,
  });
}

/** An answer with these records (built from the query), NOERROR unless told otherwise. */
export function answer(records: (query: HostileQuery) => WireRR[], options: ReplyOptions = {}): HostileResponse {
  return { wire: (query) => reply(query, records(query), options) };
}

/**
 * An error RCODE (0..4095): the low 4 bits in the header, the rest in the OPT record (RFC 6891
 * s6.1.3), optionally with Extended DNS Errors (RFC 8914).
 */
export function rcode(code: number, options: Omit<ReplyOptions, 'rcode'> = {}): HostileResponse {
  return { wire: (query) => reply(query, [], { ...options, rcode: code }) };
}

/** The zone's honest answer with its bytes changed by `mutate`. */
export function mutated(mutate: (bytes: Uint8Array, query: HostileQuery) => Uint8Array): HostileResponse {
  return {
    wire: (query) => {
      const honest = query.zoneAnswer();
      if (honest === 'hang') throw new Error('hostile-dns: the zone hangs on this name; nothing to mutate');
      return mutate(honest, query);
    },
  };
}

/** A message of the test's own making, ignoring the query. */
export function raw(bytes: Uint8Array | ((query: HostileQuery) => Uint8Array)): HostileResponse {
  return { wire: bytes };
}

export const mutations = {
  /** TC=1: the answer is incomplete (RFC 1035 s4.1.1; over DoH an error, RFC 8484 s6). */
  truncatedFlag: (bytes: Uint8Array) => header.withFlags(bytes, FLAG.TC),
  /** The last `n` bytes cut off. */
  cut: (n: number) => (bytes: Uint8Array) => bytes.subarray(0, Math.max(0, bytes.length - n)),
  /** Cut to the first `n` bytes. */
  keep: (n: number) => (bytes: Uint8Array) => bytes.subarray(0, n),
  /** A different DNS ID than the 0 the client sent (RFC 8484 s4.1). */
  id: (id: number) => (bytes: Uint8Array) => header.withId(bytes, id),
  /** QR=0: a query, not a response. */
  notResponse: (bytes: Uint8Array) => header.withFlags(bytes, 0, FLAG.QR),
  /** Random bytes appended after the message. */
  trailing: (n: number) => (bytes: Uint8Array) => {
    const out = new Uint8Array(bytes.length + n);
    out.set(bytes);
    for (let i = bytes.length; i < out.length; i++) out[i] = (i * 131) & 0xff;
    return out;
  },
  /** AD=1 set on whatever the zone answered (the resolver vouches for data it did not validate). */
  ad: (bytes: Uint8Array) => header.withFlags(bytes, FLAG.AD),
  /** A header count that lies. */
  count: (section: 'qd' | 'an' | 'ns' | 'ar', value: number) => (bytes: Uint8Array) => header.withCount(bytes, section, value),
};

/** A reply whose question differs from the query's (name, type or class). */
export function wrongQuestion(change: { name?: string; type?: string | number; class?: number; flags?: number }, answers: (query: HostileQuery) => WireRR[] = () => []): HostileResponse {
  return {
    wire: (query) => buildMessage({
      flags: OK_FLAGS | (change.flags ?? 0),
      questions: [{ name: change.name ?? query.name, type: change.type ?? query.type, class: change.class ?? CLASS.IN }],
      answers: answers(query),
      opt: { do: true },
    }),
  };
}

// HTTP-level misbehaviour of a DoH endpoint (RFC 8484 s4.2.1: only 2xx with
// application/dns-message carries a DNS answer).
export const http = {
  status: (status: number, body = 'error'): HostileResponse => ({ status, contentType: 'text/plain', body }),
  contentType: (contentType: string | null, wire = true): HostileResponse =>
    wire ? { ...mutated((bytes) => bytes), contentType } : { contentType, body: '<html><body>not DNS</body></html>' },
  redirect: (status: number, location = 'https://127.0.0.1:9/dns-query'): HostileResponse => ({ status, redirect: location }),
  /** The honest answer followed by `bytes` filler bytes, no Content-Length (streamed). */
  oversizedStream: (bytes: number): HostileResponse => ({ ...mutated((b) => b), streamBytes: bytes }),
  /** A body of `bytes` bytes with a matching Content-Length. */
  oversized: (bytes: number): HostileResponse => ({ wire: (query) => padded(query, bytes) }),
  /** Content-Length says more than the answer's size: the body never completes. */
  lyingLength: (extra: number): HostileResponse => ({ ...mutated((b) => b), contentLength: (length) => length + extra }),
  hang: (): HostileResponse => ({ hang: true }),
  reset: (): HostileResponse => ({ reset: true }),
  /** Headers, then half the body, then silence. */
  stall: (): HostileResponse => ({ ...mutated((b) => b), stallAfterBytes: 10 }),
  /** The honest answer one byte every `ms`. */
  trickle: (ms: number): HostileResponse => ({ ...mutated((b) => b), trickleMs: ms }),
  empty: (): HostileResponse => ({ body: new Uint8Array(0), contentType: 'application/dns-message' }),
};

function padded(query: HostileQuery, size: number): Uint8Array {
  const honest = query.zoneAnswer();
  const base = honest === 'hang' ? new Uint8Array(12) : honest;
  const out = new Uint8Array(Math.max(size, base.length));
  out.set(base);
  return out;
}
