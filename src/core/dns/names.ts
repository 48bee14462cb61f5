// Domain-name normalisation for queries (RFC 1035 s2.3.4): lower-case (RFC 4343), one trailing dot
// stripped, and the RFC 1035 s2.3.4 size limits enforced before anything is sent.

export type NameCheck = { ok: true; name: string } | { ok: false; error: string };

const MAX_LABEL_OCTETS = 63;
const MAX_NAME_OCTETS = 253; // presentation form without the trailing dot (255 on the wire)

/** Lower-cases `input`, strips one trailing dot, and rejects names a resolver would refuse. */
export function normalizeName(input: string): NameCheck {
  if (typeof input !== 'string') return { ok: false, error: 'The domain name is not a string.' };
  const name = (input.endsWith('.') ? input.slice(0, -1) : input).toLowerCase();
  if (name === '') return { ok: false, error: 'The domain name is empty.' };
  // Only A-labels go on the wire: IDNs must be converted (RFC 5891) before they reach here.
  // Control characters and spaces are never part of a host or service name either.
  if (/[^\x21-\x7e]/.test(name)) {
    return { ok: false, error: 'The domain name contains characters outside printable ASCII (convert IDNs to A-labels first).' };
  }
  if (name.length > MAX_NAME_OCTETS) return { ok: false, error: `The domain name is longer than ${MAX_NAME_OCTETS} characters.` };
  for (const label of name.split('.')) {
    if (label === '') return { ok: false, error: 'The domain name has an empty label.' };
    if (label.length > MAX_LABEL_OCTETS) return { ok: false, error: `A label of the domain name is longer than ${MAX_LABEL_OCTETS} characters.` };
  }
  return { ok: true, name };
}

/** Lower-case, no trailing dot; the root ('.' or '') becomes ''. For names read off the wire. */
export function canonicalWireName(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}
