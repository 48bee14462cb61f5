// The webmail-neutral contract between the recipient watcher and one webmail's DOM (contract v2,
// docs/decisions.md "Webmails (src/content)"). Each webmail implements it in its own folder
// (src/content/<id>/adapter.ts, selectors as commented data in selectors.ts) and registers in
// src/shared/webmails.ts. Every method is scoped to what it is given (a document, a compose
// root, a field), so the watcher's work stays proportional to what changed.
//
// The contract is mostly about READING. The compose root an adapter returns is the whole compose
// (header, fields, body and its own toolbar with Send), so that the send-time check finds the
// compose's Send controls inside the root it already knows (src/content/send-check/, docs/decisions.md
// "Send-time check"); the four sending methods at the end are all it needs from a webmail.
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

  // ----- sending: what the send-time check intercepts and how it resumes a held send ---------
  /** The compose's own controls that send at once when clicked (or activated with Enter or
   *  Space), the primary Send control first. Re-queried at every event: webmails re-render them. */
  sendControls(root: Element): Element[];
  /**
   * The control `el` is in when that control sends on PRESS (mousedown/mouseup) rather than on
   * click, like Gmail's "Schedule send" menu item; it may sit outside the compose (a menu).
   * Null when `el` is in none.
   */
  pressSendControl(el: Element): Element | null;
  /** Whether a keydown in a compose sends it (Ctrl+Enter, Cmd+Enter). */
  isSendShortcut(event: KeyboardEvent): boolean;
  /**
   * Sends the compose through the webmail's own control after "Send anyway": `control` (the one
   * the person used, if still usable) or the compose's primary Send control. Never a key event
   * (a synthesized Escape in an Outlook compose starts discarding it). False when no usable
   * control is left (the compose was closed meanwhile).
   */
  triggerSend(root: Element, control: Element | null): boolean;
}
