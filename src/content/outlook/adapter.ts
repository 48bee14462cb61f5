// Outlook on the web's implementation of the webmail adapter (src/content/adapter.ts). Selectors
// are data in selectors.ts; this file scopes them. What it relies on:
// - a compose is `[id^=docking_InitVisiblePart_]` (docked: new message, inline reply/forward) or
//   `[data-app-section=Form_Content]` (its own window); failing both, the nearest ancestor of a
//   body editor that also holds a recipient field and no second body editor;
// - a recipient field is an editable element inside the compose that is not the body; its kind
//   comes from a small locale table, else from DOM order (To, Cc, Bcc);
// - a chip shows "Name <addr>", an address, or only a name: then it is a recipient without an
//   address (the address of a resolved contact or group is not in the page);
// - typed text that is not yet a chip is the well's own text (Enter and Tab do not resolve it).
// The From row, suggestion portals, the reading pane, the message list and the quoted reply
// header are outside every field, so they are never read.
import type { RecipientField } from '../../shared/messages.ts';
import type { BadgeAnchor, ChipReading, FieldRef, WebmailAdapter } from '../adapter.ts';
import { cleanAddress } from '../recipients.ts';
import { anyOf, elementOf, outermost } from '../selectors.ts';
import { activate, allOf, isCtrlEnter } from '../sending.ts';
import {
  BODY_EDITOR, CHIP, CHIP_ADDRESS_ATTRIBUTES, CHIP_TEXT, COMPOSE_ROOT, DRAFT_ID, FIELD, FIELD_LABELS, IRRELEVANT_SUBTREE,
  NOT_RECIPIENT, OBSERVED_ATTRIBUTES, PENDING_INPUT, SEND_CONTROL, SUBJECT_WITH_DRAFT_ID,
} from './selectors.ts';

const ROOT_SEL = anyOf(COMPOSE_ROOT);
const BODY_SEL = anyOf(BODY_EDITOR);
const FIELD_SEL = anyOf(FIELD);
const CHIP_SEL = anyOf(CHIP);
const CHIP_TEXT_SEL = anyOf(CHIP_TEXT);
const PENDING_SEL = anyOf(PENDING_INPUT);
const NOT_RECIPIENT_SEL = anyOf(NOT_RECIPIENT);
const IRRELEVANT_SEL = anyOf(IRRELEVANT_SUBTREE);
const KIND_ORDER: readonly RecipientField[] = ['to', 'cc', 'bcc'];
const MAX_TEXT = 65_536;

/** Elements a field's input names as its popup (aria-controls / aria-owns): a suggestion list. */
function popupsOf(field: Element): Element[] {
  const doc = field.ownerDocument;
  const out: Element[] = [];
  const named = field.matches('[aria-controls], [aria-owns]') ? [field, ...field.querySelectorAll('[aria-controls], [aria-owns]')] : [...field.querySelectorAll('[aria-controls], [aria-owns]')];
  for (const el of named) {
    for (const attr of ['aria-controls', 'aria-owns']) {
      for (const id of (el.getAttribute(attr) ?? '').split(/\s+/)) {
        const popup = id === '' ? null : doc.getElementById(id);
        if (popup !== null && !popup.contains(field)) out.push(popup);
      }
    }
  }
  return out;
}

/** The field's accessible name: aria-label, else the text of the elements aria-labelledby names. */
function accessibleName(el: Element): string {
  const label = el.getAttribute('aria-label');
  if (label !== null && label.trim() !== '') return label;
  const doc = el.ownerDocument;
  const ids = (el.getAttribute('aria-labelledby') ?? '').split(/\s+/).filter((id) => id !== '');
  return ids.map((id) => doc.getElementById(id)?.textContent ?? '').join(' ');
}

export function kindFromLabel(label: string): RecipientField {
  const word = label.trim().toLowerCase().replace(/[:：]\s*$/, '');
  for (const kind of KIND_ORDER) if ((FIELD_LABELS[kind as 'to' | 'cc' | 'bcc']).includes(word)) return kind;
  return 'unknown';
}

function isBody(el: Element): boolean {
  return el.matches(BODY_SEL) || el.closest(BODY_SEL) !== null;
}

/** The compose-sized ancestor of a body editor: the nearest one that also holds a field, as
 *  long as it holds no second body editor. */
function rootAroundBody(body: Element): Element | null {
  for (let el = body.parentElement; el !== null && el !== el.ownerDocument.body; el = el.parentElement) {
    if (el.querySelectorAll(BODY_SEL).length > 1) return null;
    if (fieldElements(el).length > 0) return el;
  }
  return null;
}

function fieldElements(root: Element): Element[] {
  const found: Element[] = [];
  for (const el of root.querySelectorAll(FIELD_SEL)) if (!isBody(el)) found.push(el);
  return outermost(found);
}

/** The child of `ancestor` on the path down to `node`. */
function childToward(ancestor: Element, node: Element): Element | null {
  let child: Element | null = node;
  while (child !== null && child.parentElement !== ancestor) child = child.parentElement;
  return child;
}

/** Text of a v9 well outside its chips and any suggestion list; chips and blocks separate words. */
function wellText(field: Element): string {
  let text = '';
  const visit = (node: Node): void => {
    for (const child of node.childNodes) {
      if (text.length > MAX_TEXT) return;
      if (child.nodeType === 3) text += child.nodeValue ?? '';
      else if (child.nodeType === 1) {
        const el = child as Element;
        if (el.matches(CHIP_SEL) || el.matches(NOT_RECIPIENT_SEL)) text += ' ';
        else if (el.tagName === 'BR') text += '\n';
        else {
          visit(el);
          if (el.tagName === 'DIV' || el.tagName === 'P') text += '\n';
        }
      }
    }
  };
  visit(field);
  return text;
}

function readAddressAttribute(chip: Element): string | null {
  for (const el of [chip, ...chip.querySelectorAll(CHIP_ADDRESS_ATTRIBUTES.map((a) => `[${a}]`).join(', '))]) {
    for (const attr of CHIP_ADDRESS_ATTRIBUTES) {
      const value = el.getAttribute(attr);
      if (value !== null && cleanAddress(value) !== null) return value;
    }
  }
  return null;
}

export const outlookAdapter: WebmailAdapter = {
  webmail: 'outlook',
  observedAttributes: OBSERVED_ATTRIBUTES,

  findComposeRoots(doc) {
    const found = outermost([...doc.querySelectorAll(ROOT_SEL)]);
    for (const body of doc.querySelectorAll(BODY_SEL)) {
      if (found.some((root) => root.contains(body))) continue;
      const root = rootAroundBody(body);
      if (root !== null && !found.some((r) => r.contains(root) || root.contains(r))) found.push(root);
    }
    return found;
  },

  mayContainComposeRoot(el) {
    return el.matches(ROOT_SEL) || el.matches(BODY_SEL) || el.querySelector(ROOT_SEL) !== null || el.querySelector(BODY_SEL) !== null;
  },

  composeKey(root) {
    const subject = root.querySelector(SUBJECT_WITH_DRAFT_ID);
    const id = subject === null ? null : DRAFT_ID.exec(subject.id)?.[1];
    return id ? `outlook:${id}` : null;
  },

  fields(root) {
    const els = fieldElements(root);
    const kinds = els.map((el) => kindFromLabel(accessibleName(el)));
    // Labels not in the table (another language): To, Cc, Bcc in DOM order, skipping kinds a
    // recognised label already took.
    const free = KIND_ORDER.filter((k) => !kinds.includes(k));
    const out: FieldRef[] = els.map((el, i) => ({ el, kind: kinds[i] === 'unknown' ? (free.shift() ?? 'unknown') : (kinds[i] as RecipientField) }));
    return out;
  },

  chips(field) {
    const popups = popupsOf(field);
    const candidates: Element[] = [];
    for (const el of field.querySelectorAll(CHIP_SEL)) {
      // Inside a suggestion list or a button within the field (the field itself may carry any role).
      const excluded = el.closest(NOT_RECIPIENT_SEL);
      if (excluded !== null && excluded !== field && field.contains(excluded)) continue;
      if (popups.some((p) => p.contains(el))) continue;
      candidates.push(el);
    }
    return outermost(candidates);
  },

  readChip(chip): ChipReading | null {
    const textEl = chip.querySelector(CHIP_TEXT_SEL);
    const shown = (textEl?.textContent ?? chip.textContent ?? '').trim() || (chip.getAttribute('aria-label') ?? '').trim();
    if (cleanAddress(shown) !== null) return { address: shown, name: shown };
    const attribute = readAddressAttribute(chip);
    if (attribute !== null) return { address: attribute, name: shown };
    // A name only: the chip is a recipient whose address the page does not show.
    return shown === '' ? null : { address: null, name: shown };
  },

  pendingText(field) {
    const inputs = field.querySelectorAll(PENDING_SEL);
    if (inputs.length > 0) return Array.from(inputs, (i) => (i as HTMLInputElement).value).filter((v) => v !== '').join(' ');
    return wellText(field);
  },

  badgeAnchor(root): BadgeAnchor | null {
    // Between the header (fields, subject) and the body: the branch of the root that holds the
    // body editor, at the level where the header branch splits off. Never inside a field.
    const field = fieldElements(root)[0];
    const body = root.querySelector(BODY_SEL);
    if (field === undefined) return null;
    if (body !== null && !body.contains(field)) {
      let holder: Element | null = body;
      while (holder !== null && holder.parentElement !== null && !holder.parentElement.contains(field)) holder = holder.parentElement;
      if (holder?.parentElement && root.contains(holder.parentElement)) return { parent: holder.parentElement, before: holder };
    }
    const branch = childToward(root, field);
    return branch === null ? null : { parent: root, before: branch.nextSibling };
  },

  isRecipientTarget(node) {
    const el = elementOf(node);
    const field = el?.closest(FIELD_SEL) ?? null;
    return field !== null && !isBody(field);
  },

  isIrrelevantMutation(node) {
    return elementOf(node)?.closest(IRRELEVANT_SEL) != null;
  },

  sendControls: (root) => allOf(root, SEND_CONTROL),
  pressSendControl: () => null,
  // The title says "Send (Ctrl+Enter)"; React acts on the click.
  isSendShortcut: isCtrlEnter,
  triggerSend: (root, control) => activate(control, allOf(root, SEND_CONTROL), false),
};
