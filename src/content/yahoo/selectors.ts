// Every Yahoo Mail selector the adapter uses, as data (role = the constant's name). Yahoo's
// `data-test-id` attributes are its own test contract and have stayed stable since about 2018,
// while its atomic class names changed three times in 2021-22 (evicypher-webmail history), so
// only test ids, ids and roles are used. Nothing here was checked on a live mailbox; sources
// are public extension code and automation suites. docs/decisions.md "Webmails (src/content)".
//
// Eras: "2019+" = the React compose with pills whose `title` holds the address (current);
// "pill-list" = the same compose with pills in `ul.pill-list > li` (Mailvelope 2019 → HEAD).
import type { SelectorAlt as Alt } from '../selectors.ts';

type SelectorAlt = Alt<'2019+' | 'pill-list'>;

/** One element per compose: new message, and reply/forward inline in the message view. */
export const COMPOSE_ROOT: readonly SelectorAlt[] = [
  { selector: '[data-test-id="compose"]', era: 'any', source: 'Briskine yahoo.js (≤2021-10); Mailvelope; Cypress and WebdriverIO suites' },
];

/** A field's row or container, with the field kind it stands for. */
export const FIELD_CONTAINERS: readonly (SelectorAlt & { kind: 'to' | 'cc' | 'bcc' })[] = [
  { selector: '[data-test-id="container-to"]', kind: 'to', era: 'any', source: 'Mailvelope providerSpecific.js (2019-06 → HEAD)' },
  { selector: '[data-test-id="container-cc"]', kind: 'cc', era: 'any', source: 'by analogy with container-to (Mailvelope reads To only)' },
  { selector: '[data-test-id="container-bcc"]', kind: 'bcc', era: 'any', source: 'by analogy with container-to' },
  { selector: '[data-test-id="compose-header-field-to"]', kind: 'to', era: 'any', source: 'mozilla/email-tabs (2018); Playwright (2025)' },
  { selector: '[data-test-id="compose-header-field-cc"]', kind: 'cc', era: 'any', source: "Briskine's commented compose-header-field-cc" },
  { selector: '[data-test-id="compose-header-field-bcc"]', kind: 'bcc', era: 'any', source: 'by analogy with compose-header-field-cc' },
];

/** The typing input of a field, with its kind (for a field found through its input only). */
export const FIELD_INPUTS: readonly (SelectorAlt & { kind: 'to' | 'cc' | 'bcc' })[] = [
  { selector: '#message-to-field', kind: 'to', era: '2019+', source: 'Selenium scripts 2019-24; Playwright getByRole(combobox, {name: To})' },
  { selector: '#message-cc-field', kind: 'cc', era: '2019+', source: 'Selenium scripts 2019-24' },
  { selector: '#message-bcc-field', kind: 'bcc', era: '2019+', source: 'Selenium scripts 2019-24' },
  { selector: 'input.input-to', kind: 'to', era: 'pill-list', source: 'Mailvelope ul.pill-list > li.pill-container input.input-to' },
  { selector: 'input.input-cc', kind: 'cc', era: 'pill-list', source: 'by analogy with input.input-to' },
  { selector: 'input.input-bcc', kind: 'bcc', era: 'pill-list', source: 'by analogy with input.input-to' },
];

/** Where typed-but-unconfirmed text lives (`.value`), scoped to a field. */
export const PENDING_INPUT: readonly SelectorAlt[] = [
  { selector: 'input[id^="message-"][id$="-field"]', era: '2019+', source: 'Selenium scripts (#message-to-field …)' },
  { selector: 'input[role="combobox"]', era: 'any', source: 'Selenium/Playwright (role=combobox, name "To")' },
  { selector: 'li.pill-container input', era: 'pill-list', source: 'Mailvelope' },
];

/** Recipient pills, scoped to a field. */
export const CHIP: readonly SelectorAlt[] = [
  { selector: '[data-test-id="pill"]', era: 'any', source: 'Mailvelope; mozilla/email-tabs; WebdriverIO suites' },
  { selector: '[data-test-id="y-pill"]', era: '2019+', source: 'unattributed extension: pill or y-pill "in both old and new UI"' },
];

/** A pill's `title`: "Name <addr>" or "<addr>" (exact values asserted by WebdriverIO suites). */
export const CHIP_ADDRESS_ATTRIBUTE = 'title';
/** A pill's visible text (the name, or the address). */
export const CHIP_TEXT: readonly SelectorAlt[] = [
  { selector: '[data-test-id="pill-text"]', era: 'any', source: 'WebdriverIO suites' },
];

/** Never recipients even inside a field: the autocomplete list (its markup is unknown; it is
 *  also excluded through the input's aria-controls / aria-owns) and the remove buttons. */
export const NOT_RECIPIENT: readonly SelectorAlt[] = [
  { selector: '[role="listbox"]', era: 'any', source: 'ARIA combobox pattern; Yahoo autocomplete markup unknown' },
  { selector: '.pill-close', era: 'pill-list', source: 'Mailvelope li:not(.pill-container) .pill-close button' },
];

/** Subtrees whose mutations never change recipients: the body editor (quoted text inside). */
export const IRRELEVANT_SUBTREE: readonly SelectorAlt[] = [
  { selector: '[data-test-id="rte"]', era: 'any', source: 'Mailvelope #editor-container > [data-test-id=rte]; Selenium' },
  { selector: '[data-test-id="compose-editor-container"]', era: 'any', source: 'Selenium ([data-test-id=compose-editor-container] [contenteditable])' },
  { selector: '.yahoo_quoted', era: 'any', source: 'quoted text of Yahoo-sent mail' },
  { selector: '[data-test-id="compose-subject"]', era: 'any', source: 'Mailvelope; Selenium' },
];

/** The body's container: the badge goes right before it. */
export const BODY_CONTAINER: readonly SelectorAlt[] = [
  { selector: '#editor-container', era: 'any', source: 'Mailvelope #editor-container > [data-test-id=rte]' },
  { selector: '[data-test-id="compose-editor-container"]', era: 'any', source: 'Selenium' },
];

/** Attributes whose changes can change a field's recipients. */
export const OBSERVED_ATTRIBUTES = ['title', 'value', 'data-test-id'] as const;

// ----- sending (the send-time check, docs/decisions.md "Send-time check") -------------------

/** The compose's Send button (title "Send this email"; aria-disabled while the compose is invalid). */
export const SEND_CONTROL: readonly SelectorAlt[] = [
  { selector: 'button[data-test-id="compose-send-button"]', era: 'any', source: 'WebdriverIO/Selenium suites; Puppeteer script; userscript' },
];
