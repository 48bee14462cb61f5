// Every Outlook on the web selector the adapter uses, as data (role = the constant's name).
// Outlook changes its compose DOM almost every year and its class names are hashed per build
// (Briskine changed its Outlook field/pill selectors ten times from 2022-11 to 2026-03), so the
// adapter finds fields STRUCTURALLY (an editable element that is not the multi-line body) and
// uses roles, aria and ids only as hints. Nothing here was checked on a live mailbox; sources
// are public extension code and automation scripts. docs/decisions.md "Webmails (src/content)".
//
// Eras: "v9" = the contenteditable recipient wells of new Outlook / OWA (late 2022 → 2026);
// "v7" = the Fluent v7 PeoplePicker (2019 → 2022), kept as a fallback for old tenants.
import type { SelectorAlt as Alt } from '../selectors.ts';

type SelectorAlt = Alt<'v9' | 'v7'>;

/** One element per compose (new, reply, forward; docked in the reading pane or full; pop-out). */
export const COMPOSE_ROOT: readonly SelectorAlt[] = [
  // The docked compose (new message and inline reply/forward); one per compose, so two composes
  // in one [role=main] stay apart. [role=main] itself is too coarse: it holds the reading pane too.
  { selector: '[id^="docking_InitVisiblePart_"]', era: 'v9', source: "Playwright page objects; Briskine outlook.js closest('[id*=\"docking_InitVisiblePart\"]')" },
  // The compose in its own window ("Open in new window": an about:blank window Outlook writes).
  { selector: '[data-app-section="Form_Content"]', era: 'v9', source: 'Briskine outlook.js 6707c13e (2022-11) → HEAD' },
];

/** The message body editor: never a recipient field; its nearest compose-sized ancestor is a
 *  fallback root when none of COMPOSE_ROOT matches. */
export const BODY_EDITOR: readonly SelectorAlt[] = [
  { selector: '[contenteditable="true"][aria-multiline="true"]', era: 'v9', source: 'OWA design-doc snapshots; Briskine [aria-multiline]; scrum_helper' },
  { selector: '[contenteditable="true"][textprediction]', era: 'v9', source: 'AI-assistant extension (three reply UIs); Briskine :not([textprediction]) for fields' },
];

/** Recipient fields. v9: the editable wells, role textbox/combobox or none depending on the
 *  tenant and build; found structurally, the body excluded. v7: the PeoplePicker. */
export const FIELD: readonly SelectorAlt[] = [
  { selector: '[contenteditable="true"]:not([aria-multiline="true"]):not([textprediction])', era: 'v9', source: 'Briskine 1839856c (2026-03) [contenteditable=true]:not([aria-multiline=true]), DOM order To, Cc, Bcc' },
  { selector: '.ms-BasePicker', era: 'v7', source: 'Mailvelope providerSpecific.js (.ms-BasePicker-input); OWA ReadWriteRecipient' },
];

/** Recipient chips, scoped to a field; the outermost match is the chip. */
export const CHIP: readonly SelectorAlt[] = [
  // v9: non-editable children of the editable well.
  { selector: '[contenteditable="false"]', era: 'v9', source: 'Briskine 4981d8ec (2025-06) :scope > [contenteditable]' },
  { selector: '[draggable="true"]', era: 'v9', source: 'Briskine 6707c13e … 2d6cd71e (2022-11 → 2024-06)' },
  { selector: '[data-lpc-hover-target-id]', era: 'v9', source: 'Briskine 2d6cd71e (2024-06); captured OWA fragment (opaque id, never an address)' },
  // v7: one list item per recipient.
  { selector: '[data-selection-index]', era: 'v7', source: 'Mailvelope a281c00b ([data-selection-index] .lpc-hoverTarget); OWA ReadWriteCommonWellItem' },
];

/** Inside a chip, the element whose text is what the chip shows, best first. The text is
 *  "Name <addr>" (a re-opened draft), a bare address (someone not in the address book), or a
 *  name only (a resolved contact or a distribution group: the address is NOT in the page). */
export const CHIP_TEXT: readonly SelectorAlt[] = [
  { selector: '[class*="individualText-"]', era: 'v9', source: 'Briskine 4981d8ec (2025-06) → HEAD' },
  { selector: '[class*="textContainer-"]', era: 'v9', source: 'Briskine 4981d8ec (2025-06) → HEAD' },
  { selector: '[class*="wellItemText-"]', era: 'v7', source: 'Briskine 37e88fcb (2021-10); OWA renderWellItem span.wellItemText' },
];

/** Attributes of a chip or its descendants that may carry "Name <addr>" (only an address that
 *  parses counts). Unconfirmed on live builds: a pill's aria-label is "Opens card for <name>". */
export const CHIP_ADDRESS_ATTRIBUTES = ['title'] as const;

/** Where v7 typed text lives (`.value`); v9 typed text is the well's own text outside chips. */
export const PENDING_INPUT: readonly SelectorAlt[] = [
  { selector: 'input.ms-BasePicker-input', era: 'v7', source: 'Mailvelope; Briskine 2021 input[autocapitalize=off]' },
  { selector: 'input[role="combobox"]', era: 'v7', source: 'Briskine 25cfe5dd (2021-12)' },
];

/** Never part of a field's recipients even when inside it: suggestion lists and remove buttons. */
export const NOT_RECIPIENT: readonly SelectorAlt[] = [
  { selector: '[role="listbox"]', era: 'any', source: 'Fluent FloatingSuggestionsList role=listbox (Playwright page object)' },
  { selector: '#FloatingSuggestionsList', era: 'any', source: 'Playwright page object quoting the DOM; Briskine 2021' },
  { selector: 'button', era: 'any', source: 'OWA removeWellItemButton; Cc/Bcc buttons' },
];

/**
 * Field kind from the field's accessible name (aria-label, or the text of aria-labelledby).
 * Outlook localizes it ("An" in German: bastibuck/emails-from-template; "收件者" in zh-TW), so
 * this is a small table; a label not in it falls back to DOM order (To, Cc, Bcc).
 */
export const FIELD_LABELS: Readonly<Record<'to' | 'cc' | 'bcc', readonly string[]>> = {
  to: ['to', 'an', 'à', 'a', 'para', 'aan', 'till', 'til', 'do', 'per', '宛先', '收件者', '收件人', 'kime'],
  cc: ['cc', 'kopie', 'copie', 'cópia', 'copia', 'kopia', 'kopio'],
  bcc: ['bcc', 'cci', 'cco', 'bcc-kopie', 'blindkopie', 'piilokopio', 'ukryta kopia'],
};

/** Subtrees whose mutations never change recipients. */
export const IRRELEVANT_SUBTREE: readonly SelectorAlt[] = [
  ...BODY_EDITOR,
  { selector: '#divRplyFwdMsg', era: 'any', source: 'quoted header of a reply/forward (OWA design doc; AI-assistant extension)' },
  { selector: '#Signature', era: 'any', source: 'OWA design doc' },
  { selector: 'input[aria-label]:not([role="combobox"])', era: 'any', source: 'the subject input (input[aria-label="Subject"|"Add a subject"], localized)' },
];

/** The per-compose draft id: the subject input's id is MSG_<draftId>_SUBJECT (inline replies have none). */
export const SUBJECT_WITH_DRAFT_ID = 'input[id^="MSG_"][id$="_SUBJECT"]'; // OWA design-doc snapshots
export const DRAFT_ID = /^MSG_([A-Za-z0-9_-]{1,80})_SUBJECT$/;

/** Attributes whose changes can change a field's recipients. */
export const OBSERVED_ATTRIBUTES = ['contenteditable', 'aria-label', 'title', 'value'] as const;

// ----- sending (the send-time check, docs/decisions.md "Send-time check") -------------------

/** The compose's Send control (React: acts on click; Ctrl+Enter is its shortcut, per its title
 *  "Send (Ctrl+Enter)"). Labels are localized, so the test id and the split button come first. */
export const SEND_CONTROL: readonly SelectorAlt[] = [
  { selector: '[data-testid="ComposeSendButton"]', era: 'v9', source: 'OWA design-doc snapshots' },
  // The split button's primary half is Send; its other half ("More send options") opens Schedule send.
  { selector: '.fui-SplitButton__primaryActionButton', era: 'v9', source: 'CH3COOOH/OutlookSendingSafety content.js (2025-02)' },
  { selector: 'button[aria-label="Send"]', era: 'any', source: 'Playwright sender (getByRole button "Send"); English only' },
];
