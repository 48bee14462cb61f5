// The webmail-neutral contract between the recipient watcher and one webmail's DOM (contract v2,
// docs/decisions.md "Webmails (src/content)"). Each webmail implements it in its own folder
// (src/content/<id>/adapter.ts, selectors as commented data in selectors.ts) and registers in
// src/shared/webmails.ts. Every method is scoped to what it is given (a document, a compose
// root, a field), so the watcher's work stays proportional to what changed.
//
// The contract is about READING. The compose root an adapter returns is the whole compose
// (header, fields, body and its own toolbar with Send), so that a later send-time check can
// find the compose's Send control inside the root it already knows.
import type { RecipientField, WebmailId } from '../shared/messages.ts';

/** One recipient field (To, Cc or Bcc) inside a compose. */
export interface FieldRef {
  kind: RecipientField;
  /** The field's container: chips and the typing element are inside it. */
  el: Element;
}

/** Where the inline badge goes: `parent.insertBefore(host, before)`. */
export interface BadgeAnchor {
  parent: Element;
  before: Node | null;
}

/** What one recipient chip shows. */
export interface ChipReading {
  /** The address as found on the chip (not yet validated), or null when it shows none. */
  address: string | null;
  /**
   * What the chip shows to the user (a display name, a group name). A chip whose address is
   * missing or unusable becomes a recipient WITHOUT an address under this name: counted, shown
   * as "address not visible", never looked up, never dropped.
   */
  name: string;
}

export interface WebmailAdapter {
  readonly webmail: WebmailId;
  /**
   * Attribute names whose changes can change a compose's recipients (a chip's address or title,
   * a field's label, an input's value attribute). The watcher's per-compose observer watches
   * these and nothing else, so attribute churn elsewhere (styles, focus classes) costs nothing.
   */
  readonly observedAttributes: readonly string[];
  /** Every compose root in `doc` (popup, full screen, inline reply, pop-out). Idempotent;
   *  two composes never share a root, and roots never nest. */
  findComposeRoots(doc: Document): Element[];
  /**
   * Cheap test for a subtree that was just added to the page: could it be or contain a compose
   * root? Lets the watcher skip a full `findComposeRoots` for unrelated mutations.
   */
  mayContainComposeRoot(el: Element): boolean;
  /** The webmail's own per-compose id if the page has one, else null (the watcher makes one). */
  composeKey(root: Element): string | null;
  /** The recipient fields of a compose, in To, Cc, Bcc order; never the From row. An empty
   *  list means "no recipient field recognised" (shown as such, never as "no recipients"). */
  fields(root: Element): FieldRef[];
  /** The confirmed recipient chips of one field; never suggestion-list entries. */
  chips(field: Element): Element[];
  /** What a chip shows, or null when the element is not a recipient after all (an invalid
   *  entry the webmail itself refuses to send to). */
  readChip(chip: Element): ChipReading | null;
  /** Text typed or pasted into the field but not yet turned into chips. */
  pendingText(field: Element): string;
  /** Where to mount the inline badge, or null when no sensible place exists. */
  badgeAnchor(root: Element): BadgeAnchor | null;
  /** True when an event target is inside a recipient field (typing, paste, chip removal). */
  isRecipientTarget(node: Node): boolean;
  /**
   * True for mutations that can never change the recipients (the message body, quoted text,
   * signature). The watcher drops those batches without re-reading anything.
   */
  isIrrelevantMutation(node: Node): boolean;
}
