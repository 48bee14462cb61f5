// Recipient address -> policy domain (RFC 5321 s4.1.2; RFC 8461 s3.4; RFC 1035 s2.3.4).
//
// Everything here is total: any string gives a defined result, never an exception. Errors carry
// a stable `code` (see AddressErrorCode) and one plain sentence for people.

import type { Diagnostic } from './types.ts';

export type AddressErrorCode =
  | 'address.malformed'        // not an email address at all
  | 'address.literal'          // user@[192.0.2.1]: no policy can apply (RFC 8461 s3.4)
  | 'address.domain-empty'
  | 'address.domain-invalid'   // characters, labels or IDNA conversion not acceptable
  | 'address.domain-ip'        // an IP address written as a domain name
  | 'address.domain-too-long'  // a label over 63 octets or a name over 253 (RFC 1035 s2.3.4)
  | 'address.domain-single-label';

export type DomainResult =
  | {
      ok: true;
      /** Lower-case A-labels, no trailing dot: what every query and URL uses (RFC 5891; RFC 1035 s2.3.4). */
      domain: string;
      /** As the user wrote it, lower-cased, one trailing dot stripped (may hold U-labels). */
      display: string;
    }
  | { ok: false; error: Diagnostic; literal?: boolean };

export type RecipientResult =
  | {
      ok: true;
      /** local-part@domain with the domain in A-labels; the local part is kept as written. */
      address: string;
      /** The policy domain: lower-case A-labels, no trailing dot. */
      domain: string;
      /** The domain as the user wrote it (lower-cased, trailing dot stripped). */
      display: string;
    }
  | { ok: false; error: Diagnostic; literal?: boolean };

/** RFC 5321 s4.5.3.1.3 caps a path at 256 octets; 64 + 1 + 255 = 320 is the common upper bound. */
export const MAX_ADDRESS_LENGTH = 320;
/** Longer input (display name included) is refused before any parsing work. */
const MAX_INPUT_LENGTH = 1000;
const MAX_LABEL_OCTETS = 63;
const MAX_NAME_OCTETS = 253;

const fail = (code: AddressErrorCode, message: string, literal?: boolean): { ok: false; error: Diagnostic; literal?: boolean } =>
  literal ? { ok: false, error: { code, message }, literal } : { ok: false, error: { code, message } };

// C0 controls, DEL and C1 controls never belong in an address (and could forge log lines).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// ASCII that may appear in a domain as typed: letters, digits, hyphen, dot. Any other ASCII
// character ('@', ':', '/', '%', '[', '_', space...) would make the URL parser read a port,
// a path, user info or a percent-escape, or is simply not allowed in a mail domain.
const ASCII_NOT_LDH = /[\u0020-\u002c\u002f\u003a-\u0040\u005b-\u0060\u007b-\u007e]/;
// RFC 5321 s4.1.2 sub-domain after IDNA: Let-dig [Ldh-str]; no leading or trailing hyphen.
const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
// The WHATWG URL parser treats a name whose last label is numeric (decimal, 0x-hex or octal)
// as an IPv4 address; no TLD is numeric, so such a name is never a mail domain.
const NUMERIC_LABEL = /^(?:0x[0-9a-f]*|[0-9]+)$/;

/**
 * Normalise a domain as typed to the A-label form used for DNS queries and URLs.
 * IDNA (UTS-46) is done by the URL API, which browsers and Node 20 both ship.
 */
export function normalizeDomain(input: string): DomainResult {
  if (typeof input !== 'string') return fail('address.domain-empty', 'No domain was given.');
  let display = input.trim().toLowerCase();
  if (display.endsWith('.')) display = display.slice(0, -1);
  if (display === '') return fail('address.domain-empty', 'No domain was given.');
  if (display.length > MAX_INPUT_LENGTH) return fail('address.domain-too-long', 'The domain name is too long.');
  if (CONTROL.test(display)) return fail('address.domain-invalid', 'The domain contains control characters.');
  if (display.startsWith('[')) return fail('address.literal', 'An address literal is not a domain name; no policy can apply to it.', true);
  if (display.includes(':')) return fail('address.domain-ip', 'This looks like an IP address or a port, not a mail domain.');
  if (ASCII_NOT_LDH.test(display)) {
    return fail('address.domain-invalid', 'The domain may contain only letters, digits, hyphens and dots.');
  }

  if (display.split('.').some((label) => label === '')) {
    return fail('address.domain-invalid', 'The domain has an empty label (two dots in a row, or a leading dot).');
  }
  if (NUMERIC_LABEL.test(display.slice(display.lastIndexOf('.') + 1))) {
    return fail('address.domain-ip', 'This is an IP address, not a mail domain.');
  }

  let domain: string;
  try {
    domain = new URL(`http://${display}`).hostname;
  } catch {
    return fail('address.domain-invalid', 'The domain is not a valid internationalised domain name.');
  }
  // A trailing dot can reappear when a Unicode full stop (U+3002 ...) was mapped to '.'.
  if (domain.endsWith('.')) domain = domain.slice(0, -1);

  const labels = domain.split('.');
  const last = labels[labels.length - 1] ?? '';
  if (/^[0-9.]+$/.test(domain) || NUMERIC_LABEL.test(last)) {
    return fail('address.domain-ip', 'This is an IP address, not a mail domain.');
  }
  if (labels.some((label) => label === '')) return fail('address.domain-invalid', 'The domain has an empty label (two dots in a row, or a leading dot).');
  if (labels.length < 2) return fail('address.domain-single-label', 'A mail domain needs at least two labels, such as example.com.');
  // A-labels are ASCII, so characters are octets here.
  if (labels.some((label) => label.length > MAX_LABEL_OCTETS)) return fail('address.domain-too-long', 'A label of the domain is longer than 63 characters.');
  if (domain.length > MAX_NAME_OCTETS) return fail('address.domain-too-long', 'The domain name is longer than 253 characters.');
  if (!labels.every((label) => LDH_LABEL.test(label))) {
    return fail('address.domain-invalid', 'The domain may contain only letters, digits and hyphens between dots, and a label cannot start or end with a hyphen.');
  }
  return { ok: true, domain, display };
}

/** Index of the last '<' that is not inside a quoted string, or -1. */
function lastOpenAngleOutsideQuotes(text: string): number {
  let inQuotes = false;
  let found = -1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inQuotes && ch === '\\') i++;
    else if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && ch === '<') found = i;
  }
  return found;
}

/** RFC 5321 s4.1.2 Quoted-string: DQUOTE *( qtextSMTP / quoted-pairSMTP ) DQUOTE. */
function isQuotedString(local: string): boolean {
  if (local.length < 2 || !local.startsWith('"') || !local.endsWith('"')) return false;
  for (let i = 1; i < local.length - 1; i++) {
    const ch = local[i];
    if (ch === '\\') {
      i++;
      if (i >= local.length - 1) return false; // the backslash escaped the closing quote
    } else if (ch === '"') return false;
  }
  return true;
}

// Characters an unquoted local part may not contain: whitespace and the RFC 5322 specials.
// Non-ASCII is allowed (SMTPUTF8, RFC 6531).
const UNQUOTED_LOCAL_FORBIDDEN = /[\s"(),:;<>@[\\\]]/;

function isDotAtom(local: string): boolean {
  if (UNQUOTED_LOCAL_FORBIDDEN.test(local)) return false;
  return local.split('.').every((part) => part !== '');
}

/**
 * Parse one recipient as a webmail shows it: `user@example.com`, `Name <user@example.com>`,
 * `"quoted@local"@example.com`. The domain is what follows the LAST '@' (RFC 5321 s4.1.2).
 */
export function parseRecipient(input: string): RecipientResult {
  if (typeof input !== 'string') return fail('address.malformed', 'This is not an email address.');
  if (input.length > MAX_INPUT_LENGTH) return fail('address.malformed', 'The address is too long.');
  let text = input.trim();
  if (CONTROL.test(text)) return fail('address.malformed', 'The address contains control characters.');

  // `Display Name <addr-spec>`: take what is inside the last unquoted angle brackets.
  if (text.endsWith('>')) {
    const open = lastOpenAngleOutsideQuotes(text);
    if (open < 0) return fail('address.malformed', 'The address has a closing ">" without an opening "<".');
    text = text.slice(open + 1, -1).trim();
  }
  if (text.length > MAX_ADDRESS_LENGTH) return fail('address.malformed', 'The address is longer than 320 characters.');

  const at = text.lastIndexOf('@');
  if (at < 0) return fail('address.malformed', 'The address has no "@".');
  const local = text.slice(0, at);
  const domainPart = text.slice(at + 1);
  if (local === '') return fail('address.malformed', 'The address has nothing before the "@".');
  if (!isQuotedString(local) && !isDotAtom(local)) {
    return fail('address.malformed', 'The part before the "@" contains spaces or characters that need quoting.');
  }
  if (domainPart.startsWith('[')) {
    if (!domainPart.endsWith(']')) return fail('address.malformed', 'The address literal after the "@" is not closed with "]".');
    return fail('address.literal', 'The address uses an IP address literal instead of a domain; no published policy can apply to it.', true);
  }
  if (domainPart === '') return fail('address.malformed', 'The address has nothing after the "@".');

  const domain = normalizeDomain(domainPart);
  if (!domain.ok) return domain;
  return { ok: true, address: `${local}@${domain.domain}`, domain: domain.domain, display: domain.display };
}

/**
 * The CLI and the lookup service take either an address or a bare domain. Input with an '@'
 * (or in angle brackets) is parsed as an address; anything else as a domain.
 */
export function domainOfAddressOrDomain(input: string): DomainResult {
  if (typeof input !== 'string') return fail('address.malformed', 'This is neither an email address nor a domain.');
  const text = input.trim();
  if (text.includes('@') || text.endsWith('>')) {
    const recipient = parseRecipient(text);
    if (!recipient.ok) return recipient;
    return { ok: true, domain: recipient.domain, display: recipient.display };
  }
  return normalizeDomain(text);
}
