// One exchange with one upstream resolver. DoH over HTTP (RFC 8484) is built in: build the
// request, enforce the timeout and the size cap, check the media type, decode, and check that the
// answer belongs to our question. Other transports (classic DNS over UDP/TCP, src/node/classic-dns.ts:
// core has no sockets) are injected per upstream as an UpstreamExchange and share the decoding and
// the checks here (answerFromBytes), so every answer passes the same wire-scan and answer-check.
import { readAtMost } from '../read-body.ts';
import { limitTime } from '../time-limit.ts';
import type { FetchLike, FetchResponse, RRType } from '../types.ts';
import { checkAnswerSection } from './answer-check.ts';
import { base64url, decodeResponse, encodeQuery, type DecodedResponse } from './wire.ts';

export const DNS_MESSAGE = 'application/dns-message';
/** Largest DoH response body accepted (DNS messages are at most 65535 octets, RFC 1035 s4.2.2). */
export const MAX_RESPONSE_BYTES = 64 * 1024;

export type Exchange =
  | { kind: 'dns'; url: string; message: DecodedResponse }
  | { kind: 'timeout'; url: string; error: string }
  | { kind: 'error'; url: string; error: string }
  | { kind: 'aborted' };

/** One query to one upstream (a transport injected per resolver URL). Never throws. */
export type UpstreamExchange = (name: string, type: RRType, options: { timeoutMs: number; signal?: AbortSignal }) => Promise<Exchange>;

export interface ExchangeOptions {
  fetch: FetchLike;
  method: 'GET' | 'POST';
  timeoutMs: number;
  /** The caller's signal: aborting it abandons the exchange. */
  signal?: AbortSignal;
}

/** The resolver's host for messages ("dns.example:8443"), never the whole URL. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the resolver';
  }
}

function requestFor(url: string, query: Uint8Array, method: 'GET' | 'POST', signal: AbortSignal): { url: string; init: RequestInit } {
  const init: RequestInit = {
    method,
    headers: method === 'POST' ? { accept: DNS_MESSAGE, 'content-type': DNS_MESSAGE } : { accept: DNS_MESSAGE },
    // No cookies or HTTP auth towards the resolver; our own cache does the caching (and the
    // browser's HTTP cache would write queried domains to disk); a DoH endpoint never redirects.
    credentials: 'omit',
    cache: 'no-store',
    redirect: 'error',
    signal,
  };
  if (method === 'POST') {
    init.body = query as unknown as BodyInit;
    return { url, init };
  }
  const separator = url.includes('?') ? '&' : '?';
  return { url: `${url}${separator}dns=${base64url(query)}`, init };
}

async function readCapped(response: FetchResponse, host: string): Promise<Uint8Array | string> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > MAX_RESPONSE_BYTES) {
    await response.body?.cancel().catch(() => undefined);
    return `${host} sent a response of ${declared} bytes, more than the ${MAX_RESPONSE_BYTES} allowed.`;
  }
  const tooLarge = `${host} sent a response larger than the ${MAX_RESPONSE_BYTES} bytes allowed.`;
  const body = response.body;
  if (body && declared >= 0 && Number.isInteger(declared)) {
    // A declared length within the cap: one read, no per-chunk reader (cheaper per query). The
    // HTTP layer holds the body to it: HTTP/1.1 frames the body by it, HTTP/2 makes more DATA a
    // malformed message (RFC 9113 s8.1.1), and so does fetch; the check below stays anyway.
    const whole = new Uint8Array(await response.arrayBuffer());
    return whole.length > MAX_RESPONSE_BYTES ? tooLarge : whole;
  }
  if (!body) {
    const whole = new Uint8Array(await response.arrayBuffer());
    return whole.length > MAX_RESPONSE_BYTES ? tooLarge : whole;
  }
  const read = await readAtMost(body, MAX_RESPONSE_BYTES);
  return read === 'too-large' ? tooLarge : read;
}

/** null when `message` answers the question `name`/`type` sent with `id`; otherwise why not. */
export function checkAnswerFits(message: DecodedResponse, name: string, type: RRType, hostName: () => string, id = 0): string | null {
  if (!message.isResponse) return `${hostName()} sent a DNS message that is not a response.`;
  if (message.id !== id) return `${hostName()} answered with DNS ID ${message.id}, not the ID ${id} that was sent.`;
  const question = message.questions[0];
  if (message.questions.length !== 1 || !question) return `${hostName()} answered without echoing the question.`;
  const echoed = question.name.toLowerCase().replace(/\.$/, '');
  if (echoed !== name || question.type !== type || question.class !== 'IN') {
    return `${hostName()} answered a different question (${echoed.slice(0, 80)} ${question.type.slice(0, 16)}).`;
  }
  // RFC 8484 s6 and RFC 1035 s4.1.1: a truncated answer is incomplete; over HTTP it is an error.
  if (message.truncated) return `${hostName()} sent a truncated DNS response.`;
  const misfit = checkAnswerSection(message, name, type);
  return misfit === null ? null : `${hostName()} sent a malformed answer: ${misfit}`;
}

/**
 * The Exchange for the response bytes of a query `name`/`type` sent with `id`: decoded (strict
 * wire scan), the question and ID checked, the answer section checked.
 */
export function answerFromBytes(url: string, bytes: Uint8Array, name: string, type: RRType, id: number): Exchange {
  return answerFromDecoded(url, decodeResponse(bytes), name, type, id);
}

/** answerFromBytes for bytes already decoded (classic DNS decodes a datagram to see whether it is ours). */
export function answerFromDecoded(url: string, decoded: ReturnType<typeof decodeResponse>, name: string, type: RRType, id: number): Exchange {
  // The host is only for messages: parsing the URL for every good answer costs more than it seems.
  if (!decoded.ok) return { kind: 'error', url, error: `${hostOf(url)}: ${decoded.error}` };
  const problem = checkAnswerFits(decoded.message, name, type, () => hostOf(url), id);
  if (problem) return { kind: 'error', url, error: problem };
  return { kind: 'dns', url, message: decoded.message };
}

/** One HTTP request for `name`/`type` to `url`. Never throws. */
export async function exchange(url: string, name: string, type: RRType, options: ExchangeOptions): Promise<Exchange> {
  const { signal } = options;
  if (signal?.aborted) return { kind: 'aborted' };
  const host = hostOf(url);
  const controller = new AbortController();
  // A promise that settles when this exchange is abandoned, so a fetch implementation that
  // ignores its signal still cannot hold us past the timeout.
  let abandon: () => void = () => undefined;
  const abandoned = new Promise<'abandoned'>((resolve) => {
    abandon = () => resolve('abandoned');
  });
  const limit = limitTime(options.timeoutMs, signal, () => {
    controller.abort();
    abandon();
  });

  const work = async (): Promise<Exchange> => {
    const request = requestFor(url, encodeQuery(name, type), options.method, controller.signal);
    const response = await options.fetch(request.url, request.init);
    if (response.status < 200 || response.status > 299) {
      await response.body?.cancel().catch(() => undefined);
      return { kind: 'error', url, error: `${host} answered HTTP ${response.status}.` };
    }
    const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (mediaType !== DNS_MESSAGE) {
      await response.body?.cancel().catch(() => undefined);
      return { kind: 'error', url, error: `${host} answered with content type "${mediaType.slice(0, 60) || 'none'}", not ${DNS_MESSAGE}.` };
    }
    const body = await readCapped(response, host);
    if (typeof body === 'string') return { kind: 'error', url, error: body };
    return answerFromBytes(url, body, name, type, 0);
  };

  try {
    const outcome = await Promise.race([work(), abandoned]);
    if (outcome !== 'abandoned') return outcome;
  } catch (e) {
    if (!signal?.aborted && !limit.timedOut) {
      const cause = e instanceof Error && e.cause instanceof Error ? ` (${e.cause.message})` : '';
      const reason = e instanceof Error ? e.message : 'unknown failure';
      return { kind: 'error', url, error: `${host} could not be reached: ${reason}${cause}.` };
    }
  } finally {
    limit.dispose();
  }
  if (signal?.aborted) return { kind: 'aborted' };
  return { kind: 'timeout', url, error: `${host} did not answer within ${options.timeoutMs} ms.` };
}
