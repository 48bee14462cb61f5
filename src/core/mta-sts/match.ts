// MX host matching against a policy's `mx` patterns (RFC 8461 s4.1): RFC 6125 rules, with the
// wildcard allowed only as the entire left-most label; `*.example.com` matches exactly one extra
// label. Matching is ASCII case-insensitive (RFC 4343) and uses the MX record's name, never a
// CNAME target (standards.md B8).
import type { MtaStsPolicy } from '../types.ts';

// RFC 5321 Domain: sub-domain *("." sub-domain); sub-domain = Let-dig [Ldh-str].
const LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;
const MAX_LABEL = 63;
const MAX_NAME = 253;

/**
 * Whether an `mx` value is a pattern that can match: `["*."] Domain` with A-labels only, no
 * trailing dot, no IP literal (notes/standards.md section 0). Invalid patterns match nothing.
 */
export function isValidMxPattern(pattern: string): boolean {
  const domain = pattern.startsWith('*.') ? pattern.slice(2) : pattern;
  if (domain.length === 0 || domain.length > MAX_NAME) return false;
  const labels = domain.split('.');
  if (!labels.every((l) => l.length <= MAX_LABEL && LABEL.test(l))) return false;
  // An all-numeric last label is an IPv4 literal (or no host name at all): postfix-tlspol#70.
  return !/^[0-9]+$/.test(labels[labels.length - 1] ?? '');
}

/** The host as compared: A-labels, lower case, one trailing dot removed; null when unusable. */
export function normalizeMxHost(host: string): string | null {
  let name = host.endsWith('.') ? host.slice(0, -1) : host;
  if (/[\u0080-\uffff]/.test(name)) {
    // U-label host: IDNA (UTS-46) to A-labels through the WHATWG URL parser. Only name
    // characters may reach it: "bücher.example/x" would otherwise come back as a bare host.
    if (/[^A-Za-z0-9.\-\u0080-\uffff]/.test(name)) return null;
    try {
      name = new URL(`http://${name}`).hostname;
    } catch {
      return null;
    }
  }
  name = name.toLowerCase();
  if (name.length === 0 || name.length > MAX_NAME) return null;
  return name.split('.').every((l) => l.length <= MAX_LABEL && LABEL.test(l)) ? name : null;
}

export function mxMatchesPattern(pattern: string, host: string): boolean {
  if (!isValidMxPattern(pattern)) return false;
  const name = normalizeMxHost(host);
  if (name === null) return false;
  const lowered = pattern.toLowerCase();
  if (!lowered.startsWith('*.')) return name === lowered;
  const suffix = lowered.slice(1); // ".example.com"
  if (!name.endsWith(suffix)) return false;
  const first = name.slice(0, name.length - suffix.length);
  return first.length > 0 && !first.includes('.');
}

/** The first pattern of the policy that `host` matches, or null. */
export function policyMatches(policy: Pick<MtaStsPolicy, 'mx'>, host: string): string | null {
  return policy.mx.find((pattern) => mxMatchesPattern(pattern, host)) ?? null;
}
