// Fake fetch functions for the DoH client's unit tests: decode the DoH request the client sent
// and answer with a DNS message built by the test.
import * as dnsPacket from '@dnsquery/dns-packet';
import type { Answer, Packet, Question } from '@dnsquery/dns-packet';
import type { FetchLike } from '../../../src/core/types.ts';

export const DNS_MESSAGE = 'application/dns-message';

export interface SeenRequest {
  url: string;
  init: RequestInit | undefined;
  query: Packet;
  question: Question;
}

/** The DNS query carried by a DoH request (GET ?dns= or POST body). */
export async function decodeRequest(url: string, init?: RequestInit): Promise<Packet> {
  if ((init?.method ?? 'GET') === 'POST') {
    return dnsPacket.decode(new Uint8Array(await new Response(init?.body ?? null).arrayBuffer()));
  }
  const param = new URL(url).searchParams.get('dns') ?? '';
  return dnsPacket.decode(new Uint8Array(Buffer.from(param, 'base64url')));
}

export interface ReplyParts {
  rcode?: number;
  ad?: boolean;
  tc?: boolean;
  answers?: Answer[];
  authorities?: Answer[];
  /** Override the echoed question. */
  question?: Question;
  id?: number;
}

/** A DNS response to `query` as wire bytes. */
export function replyBytes(query: Packet, parts: ReplyParts = {}): Uint8Array {
  const question = parts.question ?? query.questions?.[0];
  return dnsPacket.encode({
    type: 'response',
    id: parts.id ?? query.id ?? 0,
    flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE
      | (parts.ad ? dnsPacket.AUTHENTIC_DATA : 0) | (parts.tc ? dnsPacket.TRUNCATED_RESPONSE : 0) | (parts.rcode ?? 0),
    questions: question ? [question] : [],
    answers: parts.answers ?? [],
    authorities: parts.authorities ?? [],
  });
}

export function dnsResponse(bytes: Uint8Array, headers: Record<string, string> = {}): Response {
  return new Response(bytes as unknown as BodyInit, { status: 200, headers: { 'content-type': DNS_MESSAGE, ...headers } });
}

export type Handler = (request: SeenRequest) => Response | Promise<Response> | ReplyParts | Promise<ReplyParts>;

/** A fetch that decodes each request, records it, and answers through `handler`. */
export function fakeFetch(handler: Handler): FetchLike & { requests: SeenRequest[] } {
  const requests: SeenRequest[] = [];
  const fetch = async (url: string, init?: RequestInit): Promise<Response> => {
    const query = await decodeRequest(url, init);
    const question = query.questions?.[0];
    if (!question) throw new Error('the client sent no question');
    const request = { url, init, query, question };
    requests.push(request);
    const reply = await handler(request);
    return reply instanceof Response ? reply : dnsResponse(replyBytes(query, reply));
  };
  return Object.assign(fetch, { requests });
}

/** A Response promise that never settles unless the request's signal aborts. */
export function hangUntilAborted(init: RequestInit | undefined): Promise<Response> {
  return new Promise((_resolve, reject) => {
    const signal = init?.signal;
    if (!signal) return;
    if (signal.aborted) reject(new DOMException('aborted', 'AbortError'));
    signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')), { once: true });
  });
}

export function soa(zone: string, ttl: number, minimum: number): Answer {
  return { type: 'SOA', name: zone, ttl, class: 'IN', data: { mname: `ns.${zone}`, rname: `host.${zone}`, serial: 1, refresh: 1, retry: 1, expire: 1, minimum } };
}
