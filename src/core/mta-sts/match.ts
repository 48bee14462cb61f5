// MX host matching against a policy's `mx` patterns (RFC 8461 s4.1): RFC 6125 rules, with the
// wildcard allowed only as the entire left-most label; `*.example.com` matches exactly one extra
// label. Matching is ASCII case-insensitive (RFC 4343) and uses the MX record's name, never a
// CNAME target (RFC 8461 s4.1 "the MX record name").
//
// Every function here is total: input of any type gives false / null, never an exception. All
// checks are single linear passes (docs/decisions.md "Engine": linear parsers).
import type { MtaStsPolicy } from '../types.ts';

const MAX_LABEL = 63;
const MAX_NAME = 253;

/** RFC 5321 sub-domain: Let-dig [Ldh-str], i.e. letters, digits, inner hyphens. */
function isLdhLabel(label: string): boolean {
  const n = label.length;
  if (n === 0 || n > MAX_LABEL) return false;
  for (let i = 0; i < n; i++) {
    const c = label.charCodeAt(i) | 0x20; // ASCII letters to lower case
    const alnum = (c >= 0x61 && c <= 0x7a) || (label.charCodeAt(i) >= 0x30 && label.charCodeAt(i) <= 0x39);
    if (alnum) continue;
    if (label.charCodeAt(i) === 0x2d && i > 0 && i < n - 1) continue;
    return false;
  }
  return true;
}

function isAllDigits(label: string): boolean {
  if (label.length === 0) return false;
  for (let i = 0; i < label.length; i++) {
    const c = label.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/**
 * Whether an `mx` value is a pattern that can match: `["*."] Domain` with A-labels only, no
 * trailing dot, no IP literal (docs/decisions.md "Engine": mx patterns). Invalid patterns match
 * nothing.
 */
export function isValidMxPattern(pattern: string): boolean {
  if (typeof pattern !== 'string') return false;
  const domain = pattern.startsWith('*.') ? pattern.slice(2) : pattern;
  if (domain.length === 0 || domain.length > MAX_NAME) return false;
  const labels = domain.split('.');
  if (!labels.every(isLdhLabel)) return false;
  // An all-numeric last label is an IPv4 literal (or no host name at all): postfix-tlspol#70.
  return !isAllDigits(labels[labels.length - 1] ?? '');
}

/** The host as compared: A-labels, lower case, one trailing dot removed; null when unusable. */
export function normalizeMxHost(host: string): string | null {
  if (typeof host !== 'string' || host.length > 4 * MAX_NAME) return null;
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
  return name.split('.').every(isLdhLabel) ? name : null;
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

/** A policy's patterns prepared once: each host is then matched in time independent of their number. */
export type PolicyMatcher = (host: string) => string | null;

export function createPolicyMatcher(policy: Pick<MtaStsPolicy, 'mx'> | null | undefined): PolicyMatcher {
  const patterns = Array.isArray(policy?.mx) ? policy.mx : [];
  // Lower-cased name -> [index, pattern as written], the first occurrence kept.
  const exact = new Map<string, [number, string]>();
  const wildcard = new Map<string, [number, string]>();
  patterns.forEach((pattern, index) => {
    if (!isValidMxPattern(pattern)) return;
    const lowered = pattern.toLowerCase();
    const [table, key] = lowered.startsWith('*.') ? [wildcard, lowered.slice(2)] : [exact, lowered];
    if (!table.has(key)) table.set(key, [index, pattern]);
  });
  return (host) => {
    const name = normalizeMxHost(host);
    if (name === null) return null;
    const dot = name.indexOf('.');
    const byName = exact.get(name);
    const byParent = dot > 0 ? wildcard.get(name.slice(dot + 1)) : undefined;
    // The policy's first matching pattern, as policyMatches has always answered.
    if (byName && byParent) return byName[0] < byParent[0] ? byName[1] : byParent[1];
    return (byName ?? byParent)?.[1] ?? null;
  };
}

/** The first pattern of the policy that `host` matches, or null. */
export function policyMatches(policy: Pick<MtaStsPolicy, 'mx'>, host: string): string | null {
  if (!Array.isArray(policy?.mx)) return null;
  return policy.mx.find((pattern) => mxMatchesPattern(pattern, host)) ?? null;
}
