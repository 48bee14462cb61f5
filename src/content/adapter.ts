// The provider-neutral contract between the recipient watcher and one webmail's DOM
// (docs/architecture.md "Content script"). Gmail implements it first; Outlook and Yahoo implement the same interface.
// Every method is scoped to what it is given (a document, a compose root, a field) so the
// watcher's work stays proportional to what changed.
import type { ProviderId, RecipientField } from '../shared/messages.ts';

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

export interface ProviderAdapter {
  readonly provider: ProviderId;
  /** True when this adapter applies to the page (host name, page shape). */
  matches(loc: Location, doc: Document): boolean;
  /** Every compose root in `doc` (popup, full screen, inline reply, pop-out). Idempotent. */
  findComposeRoots(doc: Document): Element[];
  /**
   * Cheap test for a subtree that was just added to the page: could it be or contain a compose
   * root? Lets the watcher skip a full `findComposeRoots` for unrelated mutations.
   */
  mayContainComposeRoot(el: Element): boolean;
  /** The provider's own per-compose id if the page has one, else null (the watcher makes one). */
  composeKey(root: Element): string | null;
  /** The recipient fields of a compose, in To, Cc, Bcc order; never the From row. */
  fields(root: Element): FieldRef[];
  /** The confirmed recipient chips of one field; never suggestion-list entries. */
  chips(field: Element): Element[];
  /** The address a chip stands for, as found (not yet validated), or null. */
  readChip(chip: Element): string | null;
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
