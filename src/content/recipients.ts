// Turns what an adapter finds in a compose into the recipient list sent to the background:
// validated, capped, deduplicated by lower-cased address. The bounds are the protocol's own
// (src/shared/limits.ts), so the background accepts every list this produces.
import type { ComposeRecipient, RecipientField } from '../shared/messages.ts';
import { MAX_ADDRESS_LENGTH, MAX_PENDING_TEXT, MAX_RECIPIENTS } from '../shared/limits.ts';
import type { ProviderAdapter } from './adapter.ts';

export { MAX_ADDRESS_LENGTH, MAX_RECIPIENTS } from '../shared/limits.ts';

// Deliberately loose (the background parses properly): a local part, "@", and a domain with a
// dot or an address literal. Rejects display names, "not-an-email" hovercard ids (Mailvelope's
// test case), and half-typed words without "@".
const ADDRESS = /^[^\s@<>()[\]",;:]+@(?:[^\s@<>()[\]",;:]+\.[^\s@<>()[\]",;:.]+|\[[^\s\]]+\])$/;

/** The address if `raw` (trimmed, `<…>` and quotes stripped) looks like one, else null. */
export function cleanAddress(raw: string): string | null {
  let s = raw.trim();
  // "Jane Doe <jane@example.com>" (classic Gmail hidden input) -> the part in angle brackets.
  const angle = /<([^<>]*)>\s*$/.exec(s);
  if (angle?.[1] !== undefined) s = angle[1].trim();
  s = s.replace(/^['"]+|['"]+$/g, '');
  if (s.toLowerCase().startsWith('mailto:')) s = s.slice(7);
  if (s.length === 0 || s.length > MAX_ADDRESS_LENGTH) return null;
  return ADDRESS.test(s) ? s : null;
}

/** Typed or pasted text -> the tokens that look like addresses ("a@x.test, b@y.test; c@z.test"). */
export function splitPending(text: string): string[] {
  const out: string[] = [];
  // Bound the work on absurd pastes; 64 KB is far more than any real recipient list.
  for (const token of text.slice(0, MAX_PENDING_TEXT).split(/[,;\s]+/)) {
    const address = cleanAddress(token.replace(/^<|>$/g, ''));
    if (address !== null) out.push(address);
  }
  return out;
}

export interface RecipientRead {
  recipients: ComposeRecipient[];
  /** More than MAX_RECIPIENTS distinct addresses: `recipients` is empty, nothing is checked. */
  tooMany: boolean;
  /** False when the compose has no recognisable recipient field (adapter drift). */
  fieldsFound: boolean;
}

export interface ReadOptions {
  /** True for a field whose last word is still being typed: that word is left out for now. */
  holdBackLastWord?: (field: Element) => boolean;
}

/** Re-reads one compose completely. Idempotent; touches only the compose's recipient fields. */
export function readRecipients(adapter: ProviderAdapter, root: Element, options: ReadOptions = {}): RecipientRead {
  const fields = adapter.fields(root);
  const byAddress = new Map<string, ComposeRecipient>();
  const add = (address: string, field: RecipientField, pending: boolean): void => {
    const key = address.toLowerCase();
    const seen = byAddress.get(key);
    if (seen === undefined) {
      // One past the limit is enough to know the compose has too many.
      if (byAddress.size <= MAX_RECIPIENTS) byAddress.set(key, { address, field, pending });
    } else if (seen.pending && !pending) {
      // A confirmed chip wins over the same address still being typed elsewhere.
      byAddress.set(key, { address, field, pending });
    }
  };
  for (const { kind, el } of fields) {
    for (const chip of adapter.chips(el)) {
      const raw = adapter.readChip(chip);
      const address = raw === null ? null : cleanAddress(raw);
      if (address !== null) add(address, kind, false);
    }
  }
  for (const { kind, el } of fields) {
    let text = adapter.pendingText(el);
    // A word not yet ended by a separator is still being typed ("bob@example.co|").
    if (options.holdBackLastWord?.(el) && !/[,;\s]$/.test(text)) text = text.replace(/[^,;\s]*$/, '');
    for (const address of splitPending(text)) add(address, kind, true);
  }
  const tooMany = byAddress.size > MAX_RECIPIENTS;
  return { recipients: tooMany ? [] : [...byAddress.values()], tooMany, fieldsFound: fields.length > 0 };
}

/** A compact, order-sensitive fingerprint: equal fingerprints mean nothing to emit. */
export function fingerprint(read: RecipientRead): string {
  let s = (read.fieldsFound ? 'F' : 'N') + (read.tooMany ? '+' : '');
  for (const r of read.recipients) s += `\n${r.field}${r.pending ? '?' : '='}${r.address}`;
  return s;
}
