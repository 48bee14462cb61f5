// DoH (RFC 8484) over the HTTP/2 sessions of http2-fetch.ts, as an UpstreamExchange for the
// engine's resolver: the same request as the FetchLike path of src/core/dns/transport.ts (GET,
// ID 0, `?dns=` base64url, Accept application/dns-message) and the same checks on the answer
// (answerFromBytes), without the WHATWG Response, Headers, ReadableStream and AbortController
// that a FetchLike costs per query. The CLI and the lookup service ask dozens to hundreds of
// queries per check; the extension keeps the browser's fetch (transport.ts).
import { answerFromBytes, DNS_MESSAGE, hostOf, MAX_RESPONSE_BYTES, type Exchange, type UpstreamExchange } from '../core/dns/transport.ts';
import { base64url, encodeQuery } from '../core/dns/wire.ts';
import { BytesTimeoutError, type Http2Fetch } from './http2-fetch.ts';

export function createHttp2DohExchange(url: string, h2: Pick<Http2Fetch, 'getBytes'>): UpstreamExchange {
  const host = hostOf(url);
  const separator = url.includes('?') ? '&' : '?';
  return async (name, type, { timeoutMs, signal }): Promise<Exchange> => {
    if (signal?.aborted) return { kind: 'aborted' };
    const target = `${url}${separator}dns=${base64url(encodeQuery(name, type))}`;
    try {
      const response = await h2.getBytes(target, { headers: { accept: DNS_MESSAGE }, timeoutMs, maxBytes: MAX_RESPONSE_BYTES, ...(signal ? { signal } : {}) });
      if (response.status < 200 || response.status > 299) return { kind: 'error', url, error: `${host} answered HTTP ${response.status}.` };
      const mediaType = response.contentType.split(';')[0]?.trim().toLowerCase() ?? '';
      if (mediaType !== DNS_MESSAGE) return { kind: 'error', url, error: `${host} answered with content type "${mediaType.slice(0, 60) || 'none'}", not ${DNS_MESSAGE}.` };
      if (response.body === null) return { kind: 'error', url, error: `${host} sent a response larger than the ${MAX_RESPONSE_BYTES} bytes allowed.` };
      return answerFromBytes(url, response.body, name, type, 0);
    } catch (e) {
      if (signal?.aborted) return { kind: 'aborted' };
      if (e instanceof BytesTimeoutError) return { kind: 'timeout', url, error: `${host} did not answer within ${timeoutMs} ms.` };
      const cause = e instanceof Error && e.cause instanceof Error ? ` (${e.cause.message})` : '';
      const reason = e instanceof Error ? e.message : 'unknown failure';
      return { kind: 'error', url, error: `${host} could not be reached: ${reason}${cause}.` };
    }
  };
}
