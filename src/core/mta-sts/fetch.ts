// Fetching the policy file (RFC 8461 s3.3): `https://mta-sts.<domain>/.well-known/mta-sts.txt`,
// 200 only, redirects never followed, no HTTP caching, media type text/plain, bounded size and
// time. `fetch` is injected (src/core is pure); the browser's fetch enforces WebPKI (s3.3).
import type { Diagnostic, FetchLike, FetchResponse } from '../types.ts';
import { readAtMost } from '../read-body.ts';
import { limitTime } from '../time-limit.ts';
import { capAtWord } from '../text.ts';
import { capText, quote } from './limits.ts';

export type PolicyFetchFailureKind = 'not-found' | 'http-status' | 'redirect' | 'content-type' | 'too-large' | 'timeout' | 'network' | 'encoding' | 'certificate' | 'content-encoding';

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
  if (typeof domain !== 'string' || !LDH_NAME.test(domain)) return fail('network', `${quote(typeof domain === 'string' ? domain : '')} is not a domain name.`, 'mta-sts.fetch.bad-domain');
  const timeoutMs = options.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_POLICY_BYTES;
  if (options.signal?.aborted) return fail('network', 'The policy fetch was cancelled.', 'mta-sts.fetch.aborted');

  // One controller for the caller's signal and the timeout. Every await races `stopped`, so a
  // fetch or a body stream that ignores the signal still cannot outlive the timeout.
  const controller = new AbortController();
  const limit = limitTime(timeoutMs, options.signal, () => controller.abort());
  const stopped = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
  });
  stopped.catch(() => undefined);
  const interrupted = (): PolicyFetchResult =>
    limit.timedOut
      ? fail('timeout', `The policy host did not send the policy within ${Math.round(timeoutMs / 100) / 10} s.`)
      : fail('network', 'The policy fetch was cancelled.', 'mta-sts.fetch.aborted');

  try {
    let response: FetchResponse;
    try {
      response = await Promise.race([
        options.fetch(url, { redirect: 'manual', cache: 'no-store', credentials: 'omit', signal: controller.signal }),
        stopped,
      ]);
    } catch (error) {
      if (controller.signal.aborted) return interrupted();
      const certificate = certificateProblem(error);
      if (certificate) {
        // RFC 8461 s3.3: the policy host must present a certificate valid for its name and
        // chaining to a trusted root; senders refuse the policy otherwise.
        return fail('certificate', `The certificate of the policy host is not trusted (${certificate}), so senders refuse its policy.`);
      }
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
    limit.dispose();
  }
}

function checkHeaders(response: FetchResponse, maxBytes: number): { kind: PolicyFetchFailureKind; message: string } | null {
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
  // docs/decisions.md "Content coding of the policy file": the body is never inflated, and a body
  // in any content coding but identity is not the text/plain policy text (RFC 8461 s3.2-3.3).
  const coding = (response.headers.get('content-encoding') ?? '').trim().toLowerCase();
  if (coding !== '' && coding !== 'identity') {
    return { kind: 'content-encoding', message: `The policy file is sent with Content-Encoding ${quote(coding)}; it must be plain text (RFC 8461 s3.2).` };
  }
  const length = response.headers.get('content-length');
  if (length !== null && /^\s*\d+\s*$/.test(length) && Number(length) > maxBytes) {
    return { kind: 'too-large', message: `The policy file is ${capText(length.trim(), 20)} bytes, larger than ${maxBytes}.` };
  }
  return null;
}

/** Reads at most maxBytes (RFC 8461 s3.3 suggests 64 KiB); any failure while reading is 'failed'. */
async function readCapped(response: FetchResponse, maxBytes: number, stopped: Promise<never>): Promise<Uint8Array | 'too-large' | 'failed'> {
  if (response.body === null) return new Uint8Array(0);
  try {
    return await readAtMost(response.body, maxBytes, stopped);
  } catch {
    return 'failed';
  }
}

function discardBody(response: FetchResponse): void {
  try {
    response.body?.cancel().catch(() => undefined);
  } catch {
    // a locked or exotic body: nothing more to release
  }
}

/**
 * Node's TLS error codes for a certificate the client does not trust (OpenSSL X509 verify
 * results as Node names them, plus the host name check). A browser's fetch says only "Failed to
 * fetch", which stays a network failure.
 */
const CERTIFICATE_CODES: Readonly<Record<string, string>> = {
  CERT_HAS_EXPIRED: 'it has expired',
  CERT_NOT_YET_VALID: 'it is not valid yet',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'it is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'its chain ends in an untrusted self-signed certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'it does not chain to a trusted certificate authority',
  UNABLE_TO_GET_ISSUER_CERT: 'its issuer is unknown',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its issuer is not a trusted certificate authority',
  ERR_TLS_CERT_ALTNAME_INVALID: 'it is not valid for the host name',
  HOSTNAME_MISMATCH: 'it is not valid for the host name',
  CERT_REVOKED: 'it has been revoked',
  CERT_UNTRUSTED: 'it is not trusted',
  CERT_REJECTED: 'it was rejected',
  CERT_SIGNATURE_FAILURE: 'its signature is invalid',
  CERT_CHAIN_TOO_LONG: 'its chain is too long',
  INVALID_CA: 'its chain contains an invalid certificate authority',
  INVALID_PURPOSE: 'it is not meant for a server',
  PATH_LENGTH_EXCEEDED: 'its chain is too long',
  ERR_TLS_CERT_ALTNAME_FORMAT: 'its subject alternative names are malformed',
};

/** What is wrong with the certificate, when the thrown error (or a cause of it) says so. */
function certificateProblem(error: unknown): string | null {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== null && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && Object.hasOwn(CERTIFICATE_CODES, code)) return `${CERTIFICATE_CODES[code]}: ${code}`;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

function describeError(error: unknown): string {
  let text: string;
  try {
    const cause = error instanceof Error && error.cause instanceof Error && error.cause.message !== error.message ? `: ${error.cause.message}` : '';
    text = error instanceof Error ? `${error.message}${cause}` : String(error);
  } catch {
    text = '';
  }
  return capAtWord(capText(text || 'unknown error', 400), 160);
}
