// Resolver URLs for the CLI and the lookup service: `https://…` (DoH, RFC 8484) or
// `dns://127.0.0.1[:53]` / `dns://[::1][:53]` (classic DNS, RFC 1035 over UDP with TCP on
// truncation, to a validating resolver on this machine).
//
// Classic DNS is accepted only on loopback: it is unauthenticated on the wire, so anyone on the
// path to a remote resolver can forge any answer, the AD bit included, and the engine trusts
// that bit for DANE (RFC 7672 s2.1, RFC 6698 s4.1: the AD bit is only as good as the path to
// the validator). A resolver on 127.0.0.0/8 or ::1 is the setup Postfix
// (smtp_dns_support_level = dnssec) and danecheck rely on (docs/decisions.md "Command line").
// Light on purpose: the CLI parses its arguments before anything loads.
import { ipFamily } from './ip-literal.ts';

export const DEFAULT_DNS_PORT = 53;

export type ResolverUrl =
  | { kind: 'doh'; url: string }
  | { kind: 'dns'; url: string; address: string; port: number; family: 4 | 6 };

export type ParsedResolverUrl = ({ ok: true } & ResolverUrl) | { ok: false; error: string };

/** An address on the loopback network: 127.0.0.0/8 or ::1. */
export function isLoopbackAddress(address: string): boolean {
  const family = ipFamily(address);
  if (family === 4) return address.startsWith('127.');
  if (family !== 6) return false;
  try {
    return new URL(`http://[${address}]/`).hostname === '[::1]';
  } catch {
    return false;
  }
}

/** Parses one resolver URL; the error is a sentence without the option name (callers add it). */
export function parseResolverUrl(text: string): ParsedResolverUrl {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, error: `'${text}' is not a URL` };
  }
  if (url.protocol === 'https:') return { ok: true, kind: 'doh', url: url.href };
  if (url.protocol !== 'dns:') return { ok: false, error: `'${text}' must be an https:// URL (DoH, RFC 8484) or dns://127.0.0.1 (classic DNS to a resolver on this machine)` };
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '' || (url.pathname !== '' && url.pathname !== '/')) {
    return { ok: false, error: `'${text}': a dns:// resolver is an address and a port only, e.g. dns://127.0.0.1:53` };
  }
  const address = url.hostname.replace(/^\[|\]$/g, '');
  const family = ipFamily(address);
  if (family === 0) return { ok: false, error: `'${text}': a dns:// resolver must be an IP address (127.0.0.1 or [::1]), not a name` };
  if (!isLoopbackAddress(address)) {
    return {
      ok: false,
      error: `'${text}' is not on loopback: classic DNS is unauthenticated on the wire, so anyone on the path to a remote resolver could forge its answers and the DNSSEC AD bit; run a validating resolver on this machine (dns://127.0.0.1) or use DoH (https://)`,
    };
  }
  const port = url.port === '' ? DEFAULT_DNS_PORT : Number(url.port);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) return { ok: false, error: `'${text}': the port must be 1-65535` };
  const shown = family === 6 ? `[${address}]` : address;
  return { ok: true, kind: 'dns', url: `dns://${shown}:${port}`, address, port, family };
}
