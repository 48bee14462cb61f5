// Turns what an adapter finds in a compose into the recipient list sent to the background:
// validated, capped, addresses deduplicated by lower-cased address. The bounds are the
// protocol's own (src/shared/limits.ts), so the background accepts every list this produces. A
// chip that shows no usable address is a recipient WITHOUT an address (address null, label =
// what it shows): counted, never looked up, never dropped (docs/decisions.md "Webmails (src/content)").
import type { ComposeRecipient, RecipientField } from '../shared/messages.ts';
import { MAX_ADDRESS_LENGTH, MAX_LABEL_LENGTH, MAX_PENDING_TEXT, MAX_RECIPIENTS } from '../shared/limits.ts';
import type { WebmailAdapter } from './adapter.ts';

export { MAX_ADDRESS_LENGTH, MAX_RECIPIENTS } from '../shared/limits.ts';

// Deliberately loose (the background parses properly): a local part, "@", and a domain with a
// dot or an address literal. Rejects display names, "not-an-email" hovercard ids (Mailvelope's
// test case), and half-typed words without "@".
const ADDRESS = /^[^\s@<>()[\]",;:]+@(?:[^\s@<>()[\]",;:]+\.[^\s@<>()[\]",;:.]+|\[[^\s\]]+\])$/;

/** The address if `raw` (trimmed, `<…>` and quotes stripped) looks like one, else null. */
export function cleanAddress(raw: string): string | null {
  let s = raw.trim();
  // "Jane Doe <jane@example.com>" (classic Gmail hidden input, Outlook and Yahoo chips) -> the part in angle brackets.
  const angle = /<([^<>]*)>\s*$/.exec(s);
  if (angle?.[1] !== undefined) s = angle[1].trim();
  s = s.replace(/^['"]+|['"]+$/g, '');
  if (s.toLowerCase().startsWith('mailto:')) s = s.slice(7);
  if (s.length === 0 || s.length > MAX_ADDRESS_LENGTH) return null;
  return ADDRESS.test(s) ? s : null;
}

/** What a chip shows, whitespace collapsed and capped ('' when it shows nothing). */
export function cleanLabel(raw: string): string {
  return raw.replace(/\s+/g, ' ').trim().slice(0, MAX_LABEL_LENGTH);
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
export function readRecipients(adapter: WebmailAdapter, root: Element, options: ReadOptions = {}): RecipientRead {
  const fields = adapter.fields(root);
  const byAddress = new Map<string, ComposeRecipient>();
  const nameOnly: ComposeRecipient[] = [];
  const count = (): number => byAddress.size + nameOnly.length;
  const add = (address: string, field: RecipientField, pending: boolean): void => {
    const key = address.toLowerCase();
    const seen = byAddress.get(key);
    if (seen === undefined) {
      // One past the limit is enough to know the compose has too many.
      if (count() <= MAX_RECIPIENTS) byAddress.set(key, { address, field, pending });
    } else if (seen.pending && !pending) {
      // A confirmed chip wins over the same address still being typed elsewhere.
      byAddress.set(key, { address, field, pending });
    }
  };
  for (const { kind, el } of fields) {
    for (const chip of adapter.chips(el)) {
      const reading = adapter.readChip(chip);
      if (reading === null) continue;
      const address = reading.address === null ? null : cleanAddress(reading.address);
      if (address !== null) {
        add(address, kind, false);
        continue;
      }
      // No usable address: the chip is still a recipient. Each one counts (two contacts may
      // share a name); what it shows becomes its label.
      const label = cleanLabel(reading.name) || cleanLabel(reading.address ?? '');
      if (label !== '' && count() <= MAX_RECIPIENTS) nameOnly.push({ address: null, label, field: kind, pending: false });
    }
  }
  for (const { kind, el } of fields) {
    let text = adapter.pendingText(el);
    // A word not yet ended by a separator is still being typed ("bob@example.co|").
    if (options.holdBackLastWord?.(el) && !/[,;\s]$/.test(text)) text = text.replace(/[^,;\s]*$/, '');
    for (const address of splitPending(text)) add(address, kind, true);
  }
  const tooMany = count() > MAX_RECIPIENTS;
  return { recipients: tooMany ? [] : [...byAddress.values(), ...nameOnly], tooMany, fieldsFound: fields.length > 0 };
}

/** A compact, order-sensitive fingerprint: equal fingerprints mean nothing to emit. */
export function fingerprint(read: RecipientRead): string {
  let s = (read.fieldsFound ? 'F' : 'N') + (read.tooMany ? '+' : '');
  for (const r of read.recipients) s += r.address === null ? `\n${r.field}#${r.label ?? ''}` : `\n${r.field}${r.pending ? '?' : '='}${r.address}`;
  return s;
}
