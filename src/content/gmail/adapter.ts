// Gmail's implementation of the webmail adapter (src/content/adapter.ts). All selectors come
// from selectors.ts; this file holds only the logic that scopes them: every query is scoped to a
// `[name=to|cc|bcc]` field, so the From row, suggestion lists and quoted headers that look like
// chips are never read.
import type { RecipientField } from '../../shared/messages.ts';
import type { BadgeAnchor, FieldRef, WebmailAdapter } from '../adapter.ts';
import { cleanAddress } from '../recipients.ts';
import { elementOf, outermost } from '../selectors.ts';
import { activate, allOf, closestOf, isCtrlEnter } from '../sending.ts';
import {
  anyOf, CHIP, CHIP_ADDRESS_ATTRIBUTES, CHIP_LISTBOX, CHIP_NAME_ATTRIBUTE, CLASSIC_CHIP_VALUE, CLASSIC_FIELD_CONTAINER,
  COMPOSE_KEY_INPUT, COMPOSE_ROOT, COMPOSE_ROOT_CLASS, FIELD, IRRELEVANT_SUBTREE, OBSERVED_ATTRIBUTES, PENDING_INPUT,
  PRESS_SEND_CONTROL, RECIPIENT_TARGET, RECIPIENTS_BLOCK, SEND_CONTROL, STANDALONE_COMPOSE_BODY_CLASSES, STANDALONE_COMPOSE_ROOT,
  SUBJECT_INPUT, SUBJECT_ROW,
} from './selectors.ts';

const ROOT_SEL = anyOf(COMPOSE_ROOT);
const STANDALONE_SEL = anyOf(STANDALONE_COMPOSE_ROOT);
const FIELD_SEL = anyOf(FIELD);
const CLASSIC_CONTAINER_SEL = anyOf(CLASSIC_FIELD_CONTAINER);
const LISTBOX_SEL = anyOf(CHIP_LISTBOX);
const CHIP_SEL = anyOf(CHIP);
const PENDING_SEL = anyOf(PENDING_INPUT);
const IRRELEVANT_SEL = anyOf(IRRELEVANT_SUBTREE);
const SUBJECT_ROW_SEL = anyOf(SUBJECT_ROW);
const FIELD_ORDER: Record<RecipientField, number> = { to: 0, cc: 1, bcc: 2, unknown: 3 };
const MAX_KEY_LENGTH = 100;

function isStandaloneCompose(doc: Document): boolean {
  const body = doc.body as HTMLElement | null;
  return body !== null && STANDALONE_COMPOSE_BODY_CLASSES.every((c) => body.classList.contains(c));
}

function fieldKind(el: Element): RecipientField {
  const name = (el.getAttribute('name') ?? '').toLowerCase();
  return name === 'to' || name === 'cc' || name === 'bcc' ? name : 'unknown';
}

/** Elements a combobox names as its popup (the suggestion list), via aria-controls/aria-owns. */
function suggestionPopups(field: Element): Element[] {
  const doc = field.ownerDocument;
  const out: Element[] = [];
  for (const input of field.querySelectorAll(PENDING_SEL)) {
    for (const attr of ['aria-controls', 'aria-owns']) {
      for (const id of (input.getAttribute(attr) ?? '').split(/\s+/)) {
        const popup = id === '' ? null : doc.getElementById(id);
        if (popup !== null && !popup.contains(input)) out.push(popup);
      }
    }
  }
  return out;
}

function readAttributeAddress(el: Element): string | null {
  for (const attr of CHIP_ADDRESS_ATTRIBUTES) {
    const value = el.getAttribute(attr);
    if (value !== null && cleanAddress(value) !== null) return value;
  }
  return null;
}

export const gmailAdapter: WebmailAdapter = {
  webmail: 'gmail',
  observedAttributes: OBSERVED_ATTRIBUTES,

  findComposeRoots(doc) {
    const found: Element[] = [];
    for (const el of doc.getElementsByClassName(COMPOSE_ROOT_CLASS)) {
      if (el.matches(ROOT_SEL)) found.push(el);
    }
    if (found.length === 0 && isStandaloneCompose(doc)) {
      const main = doc.querySelector(STANDALONE_SEL);
      if (main !== null) found.push(main);
    }
    // Keep the outermost root if Gmail ever nests them, so a compose is never counted twice.
    return outermost(found);
  },

  mayContainComposeRoot(el) {
    if (el.classList.contains(COMPOSE_ROOT_CLASS) || el.getElementsByClassName(COMPOSE_ROOT_CLASS).length > 0) return true;
    return isStandaloneCompose(el.ownerDocument) && (el.matches(STANDALONE_SEL) || el.querySelector(STANDALONE_SEL) !== null);
  },

  composeKey(root) {
    for (const alt of COMPOSE_KEY_INPUT) {
      const input = root.querySelector(alt.selector);
      const value = input === null ? '' : (input as HTMLInputElement).value.trim();
      if (value !== '') return `gmail:${value.slice(0, MAX_KEY_LENGTH)}`;
    }
    return null;
  },

  fields(root) {
    const out: FieldRef[] = [];
    for (const el of root.querySelectorAll(FIELD_SEL)) {
      const kind = fieldKind(el);
      // Classic: the textarea is the typing element; chips are its siblings in the container.
      const container = el.tagName === 'TEXTAREA' ? (el.closest(CLASSIC_CONTAINER_SEL) ?? el.parentElement ?? el) : el;
      if (!root.contains(container) || out.some((f) => f.el.contains(container) || container.contains(f.el))) continue;
      out.push({ kind, el: container });
    }
    return out.sort((a, b) => FIELD_ORDER[a.kind] - FIELD_ORDER[b.kind]);
  },

  chips(field) {
    const popups = suggestionPopups(field);
    // PeopleKit: the chip listbox is the one that holds the typing combobox; any other listbox
    // in the field (a suggestion popup, gmail.js #713) is not a recipient.
    const input = field.querySelector(PENDING_SEL);
    const chipListbox = input?.closest(LISTBOX_SEL) ?? null;
    const own = chipListbox !== null && field.contains(chipListbox) ? chipListbox : null;
    const out: Element[] = [];
    for (const chip of field.querySelectorAll(CHIP_SEL)) {
      if (popups.some((p) => p.contains(chip))) continue;
      const listbox = chip.closest(LISTBOX_SEL);
      if (own !== null && listbox !== null && listbox !== own) continue;
      // Skip an element nested inside a chip already taken (classic .vR around a hovercard span).
      if (out.some((c) => c.contains(chip))) continue;
      out.push(chip);
    }
    return out;
  },

  readChip(chip) {
    const name = chip.getAttribute(CHIP_NAME_ATTRIBUTE) ?? '';
    const direct = readAttributeAddress(chip);
    if (direct !== null) return { address: direct, name };
    // Classic: hidden input "Name <addr>", or a descendant span[email].
    const hidden = chip.querySelector(CLASSIC_CHIP_VALUE);
    if (hidden !== null) {
      const value = (hidden as HTMLInputElement).value;
      if (cleanAddress(value) !== null) return { address: value, name };
    }
    for (const el of chip.querySelectorAll('[email], [data-hovercard-id]')) {
      const value = readAttributeAddress(el);
      if (value !== null) return { address: value, name };
    }
    // Every Gmail chip carries its address; one without a valid one is an entry Gmail marks
    // invalid and refuses to send to (Mailvelope's "not-an-email" case): not a recipient.
    return null;
  },

  pendingText(field) {
    if (field.tagName === 'TEXTAREA') return (field as HTMLTextAreaElement).value;
    // Joined without a trailing separator: whether the user ended the last word matters
    // (the watcher holds back a word still being typed).
    const values: string[] = [];
    for (const el of field.querySelectorAll(PENDING_SEL)) {
      const value = (el as HTMLInputElement).value;
      if (value) values.push(value);
    }
    return values.join(' ');
  },

  badgeAnchor(root): BadgeAnchor | null {
    const subject = root.querySelector(SUBJECT_ROW_SEL) ?? root.querySelector(SUBJECT_INPUT)?.parentElement ?? null;
    if (subject?.parentElement && root.contains(subject)) return { parent: subject.parentElement, before: subject };
    // Inline replies have no subject row: go right after the recipients block.
    for (const alt of RECIPIENTS_BLOCK) {
      const block = root.querySelector(alt.selector);
      if (block?.parentElement) return { parent: block.parentElement, before: block.nextSibling };
    }
    // Fallback: after the top-level child of the form that holds the first field.
    const field = root.querySelector(FIELD_SEL);
    const form = field?.closest('form');
    if (field && form && root.contains(form)) {
      let child: Element = field;
      while (child.parentElement !== null && child.parentElement !== form) child = child.parentElement;
      return { parent: form, before: child.nextSibling };
    }
    return null;
  },

  isRecipientTarget(node) {
    return elementOf(node)?.closest(RECIPIENT_TARGET) != null;
  },

  isIrrelevantMutation(node) {
    return elementOf(node)?.closest(IRRELEVANT_SEL) != null;
  },

  sendControls: (root) => allOf(root, SEND_CONTROL),
  pressSendControl: (el) => closestOf(el, PRESS_SEND_CONTROL),
  // Gmail's keyboard shortcuts (support.google.com/mail/answer/6594): Ctrl+Enter, ⌘+Enter on macOS.
  isSendShortcut: isCtrlEnter,
  // Gmail's controls act on the press as well as the click: InboxSDK's simulateClick sends all three.
  triggerSend: (root, control) => activate(control, allOf(root, SEND_CONTROL), true),
};
