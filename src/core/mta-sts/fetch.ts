// Fetching the policy file (RFC 8461 s3.3): `https://mta-sts.<domain>/.well-known/mta-sts.txt`,
// 200 only, redirects never followed, no HTTP caching, media type text/plain, bounded size and
// time. `fetch` is injected (src/core is pure); the browser's fetch enforces WebPKI (s3.3, D2).
import type { Diagnostic, FetchLike } from '../types.ts';
import { capText, quote } from './limits.ts';

export type PolicyFetchFailureKind = 'not-found' | 'http-status' | 'redirect' | 'content-type' | 'too-large' | 'timeout' | 'network' | 'encoding';

export type PolicyFetchError = Diagnostic & { kind: PolicyFetchFailureKind };

export interface PolicyFetchOptions {
  fetch: FetchLike;
  /** Covers the response headers and the body. Default 10000 ms (s3.3 allows any timeout). */
  timeoutMs?: number;
  /** Default 65536 bytes: the suggested maximum policy size (s3.3). */
  maxBytes?: number;
  signal?: AbortSignal;
}

export type PolicyFetchResult = { ok: true; body: string; url: string } | { ok: false; url: string; error: PolicyFetchError };

export const DEFAULT_FETCH_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_POLICY_BYTES = 65_536;

const LDH_NAME = /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?)*$/i;

/** The one place a policy lives (RFC 8461 s3.3); `domain` is already lower-case A-labels. */
export function mtaStsPolicyUrl(domain: string): string {
  return `https://mta-sts.${domain}/.well-known/mta-sts.txt`;
}

/** Never throws: every failure is a result with a kind and a diagnostic. */
export async function fetchMtaStsPolicy(domain: string, options: PolicyFetchOptions): Promise<PolicyFetchResult> {
  const url = mtaStsPolicyUrl(domain);
  const fail = (kind: PolicyFetchFailureKind, message: string, code: string = `mta-sts.fetch.${kind}`): PolicyFetchResult => ({
    ok: false,
    url,
    error: { code, kind, message },
  });
  if (!LDH_NAME.test(domain)) return fail('network', `${quote(domain)} is not a domain name.`, 'mta-sts.fetch.bad-domain');
  const timeoutMs = options.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_POLICY_BYTES;
  if (options.signal?.aborted) return fail('network', 'The policy fetch was cancelled.', 'mta-sts.fetch.aborted');

  // One controller for the caller's signal and the timeout. Every await races `stopped`, so a
  // fetch or a body stream that ignores the signal still cannot outlive the timeout.
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const forwardAbort = (): void => controller.abort();
  options.signal?.addEventListener('abort', forwardAbort, { once: true });
  const stopped = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
  });
  stopped.catch(() => undefined);
  const interrupted = (): PolicyFetchResult =>
    timedOut
      ? fail('timeout', `The policy host did not send the policy within ${Math.round(timeoutMs / 100) / 10} s.`)
      : fail('network', 'The policy fetch was cancelled.', 'mta-sts.fetch.aborted');

  try {
    let response: Response;
    try {
      response = await Promise.race([
        options.fetch(url, { redirect: 'manual', cache: 'no-store', credentials: 'omit', signal: controller.signal }),
        stopped,
      ]);
    } catch (error) {
      if (controller.signal.aborted) return interrupted();
      return fail('network', `The policy host could not be reached over HTTPS (${describeError(error)}).`);
    }
    const rejected = checkHeaders(response, maxBytes);
    if (rejected) {
      discardBody(response);
      return fail(rejected.kind, rejected.message);
    }
    const read = await readCapped(response, maxBytes, stopped);
    if (read === 'too-large') return fail('too-large', `The policy file is larger than ${maxBytes} bytes.`);
    if (read === 'failed') {
      if (controller.signal.aborted) return interrupted();
      return fail('network', 'The connection failed while the policy file was being read.');
    }
    try {
      // fatal: invalid UTF-8 is an error, not U+FFFD; ignoreBOM keeps a BOM for the parser to flag.
      const body = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(read);
      return { ok: true, body, url };
    } catch {
      return fail('encoding', 'The policy file is not valid UTF-8.');
    }
  } catch (error) {
    return fail('network', `The policy fetch failed (${describeError(error)}).`);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', forwardAbort);
  }
}

function checkHeaders(response: Response, maxBytes: number): { kind: PolicyFetchFailureKind; message: string } | null {
  // Browsers report a manual redirect as an opaque response with status 0; Node reports the 3xx.
  if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
    return { kind: 'redirect', message: 'The policy URL redirects elsewhere; senders must not follow redirects (RFC 8461 s3.3).' };
  }
  if (response.status === 404 || response.status === 410) {
    return { kind: 'not-found', message: `The policy file does not exist (HTTP ${response.status}).` };
  }
  if (response.status !== 200) {
    return { kind: 'http-status', message: `The policy host answered HTTP ${response.status}; only 200 is valid (RFC 8461 s3.3).` };
  }
  const contentType = response.headers.get('content-type');
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'text/plain') {
    return {
      kind: 'content-type',
      message: contentType === null
        ? 'The policy file has no Content-Type; it must be text/plain (RFC 8461 s3.3).'
        : `The policy file is served as ${quote(contentType)}, not text/plain (RFC 8461 s3.3).`,
    };
  }
  const length = response.headers.get('content-length');
  if (length !== null && /^\s*\d+\s*$/.test(length) && Number(length) > maxBytes) {
    return { kind: 'too-large', message: `The policy file is ${capText(length.trim(), 20)} bytes, larger than ${maxBytes}.` };
  }
  return null;
}

/** Reads at most maxBytes, cancelling the stream as soon as it goes over (D6). */
async function readCapped(response: Response, maxBytes: number, stopped: Promise<never>): Promise<Uint8Array | 'too-large' | 'failed'> {
  const stream = response.body;
  if (stream === null) return new Uint8Array(0);
  let reader: ReadableStreamDefaultReader<Uint8Array>;
  try {
    reader = stream.getReader();
  } catch {
    return 'failed';
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), stopped]);
      if (done) break;
      if (!(value instanceof Uint8Array)) throw new TypeError('the body stream did not yield bytes');
      total += value.byteLength;
      if (total > maxBytes) {
        reader.cancel().catch(() => undefined);
        return 'too-large';
      }
      chunks.push(value);
    }
  } catch {
    reader.cancel().catch(() => undefined);
    return 'failed';
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function discardBody(response: Response): void {
  try {
    response.body?.cancel().catch(() => undefined);
  } catch {
    // a locked or exotic body: nothing more to release
  }
}

function describeError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return capText(text || 'unknown error', 120);
}
