// Every Gmail selector the adapter uses, as data. Gmail's class names are obfuscated and change
// without notice (PeopleKit replaced the whole chip layer in Oct 2021), so each role lists alternatives, newest era first,
// each with where it was seen. A breakage should be a one-line change here.
//
// Era names: "peoplekit" = the recipient UI rolled out in Oct 2021 (workspaceupdates.googleblog.com
// /2021/10/visual-updates-for-composing-email-in-gmail.html), current; "classic" = 2014 → 2021,
// still kept as a fallback by InboxSDK and gmail.js in 2026.

import type { SelectorAlt as Alt } from '../selectors.ts';

export { anyOf } from '../selectors.ts';
type SelectorAlt = Alt<'peoplekit' | 'classic'>;

/** Compose roots: popup "moles" (several at once), full screen, inline reply/forward. */
export const COMPOSE_ROOT: readonly SelectorAlt[] = [
  // Stable 2014 → 2026. Full screen is `body > .aSs > .aSt [role=dialog] div.aaZ > div.M9`,
  // inline replies are `div.adn .ip .M9` (InboxSDK setup-compose-view-driver-stream.ts,
  // gmail-message-view.ts): all of them are div.M9.
  { selector: 'div.M9', era: 'any', source: 'gmail.js api.dom.composes; Briskine gmail.js textfieldContainerSelector; 2020 capture (evan-brass/js-min)' },
];

/** The class name of COMPOSE_ROOT, for a getElementsByClassName fast path. */
export const COMPOSE_ROOT_CLASS = 'M9';

/** The pop-out compose window is a separate document; its body has these classes. */
export const STANDALONE_COMPOSE_BODY_CLASSES = ['xE', 'xp'] as const; // InboxSDK GmailElementGetter.isStandaloneComposeWindow()
/** In the pop-out window, the compose container when no div.M9 is present. */
export const STANDALONE_COMPOSE_ROOT: readonly SelectorAlt[] = [
  { selector: '[role="main"]', era: 'any', source: 'InboxSDK StandaloneCompose.getComposeWindowContainer()' },
];

/** Hidden inputs holding a per-compose id, best first (value is the key). */
export const COMPOSE_KEY_INPUT: readonly SelectorAlt[] = [
  { selector: 'input[name="composeid"]', era: 'any', source: 'gmail.js compose.id()' },
  // Draft id like "#msg-a:r-…"; may be empty until the first autosave, hence second.
  { selector: 'input[name="draft"]', era: 'any', source: 'gmail.js compose.email_id(), get.compose_ids (.M9 [name=draft])' },
];

/** Recipient field containers. Only to/cc/bcc: the From row and everything else is excluded. */
export const FIELD: readonly SelectorAlt[] = [
  // div.anm[name=to|cc|bcc]; `name` is the longest-lived hook (2014 → 2026).
  { selector: 'div[name="to"], div[name="cc"], div[name="bcc"]', era: 'peoplekit', source: 'InboxSDK page-parser.ts (.GS .anm[name]); gmail.js #714 (tr.bzf div[name])' },
  // The typing textarea; its container (CLASSIC_FIELD_CONTAINER) also holds the .vR chips.
  { selector: 'textarea[name="to"], textarea[name="cc"], textarea[name="bcc"]', era: 'classic', source: 'InboxSDK getOldRecipientRowForType (textarea.vO[name]); 2020 capture' },
];

/** For a classic textarea field: the nearest ancestor that holds its chips, best first. */
export const CLASSIC_FIELD_CONTAINER: readonly SelectorAlt[] = [
  { selector: '.wO', era: 'classic', source: 'gmail-classic reconstruction (div.oj > div.wO.nr > .vR…, textarea.vO)' },
  { selector: 'td.eV', era: 'classic', source: "InboxSDK watcher path 'td.eV','div','div','.vR'" },
];

/** The listbox that holds a field's chips (PeopleKit); suggestion popups are other listboxes. */
export const CHIP_LISTBOX: readonly SelectorAlt[] = [
  { selector: '[role="listbox"]', era: 'peoplekit', source: 'InboxSDK get-recipients.ts (.anm[name] [role=listbox] [role=option])' },
];

/** Confirmed recipient chips, scoped to a field. */
export const CHIP: readonly SelectorAlt[] = [
  // Address in data-hovercard-id, display name in data-name (class afV).
  { selector: '[role="option"][data-hovercard-id]', era: 'peoplekit', source: 'InboxSDK getRecipientChips; gmail.js div[data-hovercard-id]; Mailvelope .afV[data-hovercard-id]; Briskine' },
  // Classic chip: .vR holding input[type=hidden][name] ("Name <addr>") and span[email].
  { selector: '.vR', era: 'classic', source: "InboxSDK '.vR > input[type=hidden]'; gmail.js recipient_change (class vR); Mailvelope .vR span[email]" },
];

/** Attributes of a chip (or a descendant) that hold the address, best first. */
export const CHIP_ADDRESS_ATTRIBUTES = [
  'data-hovercard-id', // PeopleKit: InboxSDK get-recipients.ts, gmail.js, Mailvelope, Briskine
  'email', // classic span.vN[email]: Mailvelope providerSpecific.js ≤2022; FlowCrypt span[email]
] as const;

/** A PeopleKit chip's display name. */
export const CHIP_NAME_ATTRIBUTE = 'data-name'; // InboxSDK get-recipients.ts, gmail.js

/** Classic chip's hidden input whose value is "Name <addr>" (gmail.js recipients(), InboxSDK). */
export const CLASSIC_CHIP_VALUE = 'input[type="hidden"]';

/** Where typed-but-unconfirmed text lives (`.value`), scoped to a field. */
export const PENDING_INPUT: readonly SelectorAlt[] = [
  { selector: 'input[role="combobox"]', era: 'peoplekit', source: 'InboxSDK (input[role=combobox][aria-autocomplete=list] inside the listbox)' },
  { selector: 'input[peoplekit-id]', era: 'peoplekit', source: 'gmail.js is_peoplekit_compose / dom(to); live capture peoplekit-id="BbVjBd"' },
  { selector: 'input.agP', era: 'peoplekit', source: 'Mailvelope .agP.aFw' },
  { selector: 'textarea', era: 'classic', source: 'classic textarea.vO[name] is the field itself (see FIELD)' },
];

/** Attributes whose changes can change what a field holds (PeopleKit chip, classic chip
 *  span/hidden input, the field's name). The watcher observes only these. */
export const OBSERVED_ATTRIBUTES = ['data-hovercard-id', 'email', 'value', 'name'] as const;

/** Where the recipient data may be touched by events: inside a field or a classic textarea. */
export const RECIPIENT_TARGET = 'div[name="to"], div[name="cc"], div[name="bcc"], .wO, textarea[name="to"], textarea[name="cc"], textarea[name="bcc"]';

/** Subtrees whose mutations never change recipients: the body editor, quoted text, signature. */
export const IRRELEVANT_SUBTREE: readonly SelectorAlt[] = [
  { selector: '[contenteditable="true"]', era: 'any', source: 'body div.Am.Al.editable[contenteditable] (gmail.js, InboxSDK, 2020 capture)' },
  { selector: '[g_editable="true"]', era: 'any', source: "InboxSDK '.Ap [g_editable=true]'" },
  { selector: 'input[name="subjectbox"]', era: 'any', source: 'gmail.js, Mailvelope .aoT' },
];

/** Badge placement: before the subject row (where FlowCrypt puts its strip) … */
export const SUBJECT_ROW: readonly SelectorAlt[] = [
  { selector: '.aoD.az6', era: 'any', source: 'FlowCrypt inserts before it; InboxSDK/Mailvelope subject input.aoT lives inside' },
];
/** … found from the subject input when the row's classes change. */
export const SUBJECT_INPUT = 'input[name="subjectbox"]'; // gmail.js, InboxSDK
/** … or after the recipients block (inline replies have no subject row). */
export const RECIPIENTS_BLOCK: readonly SelectorAlt[] = [
  { selector: '.aoD.hl', era: 'any', source: 'InboxSDK openRecipientsSectionIfNeeded; Mailvelope; Briskine (collapsed cover)' },
  { selector: 'div.fX', era: 'any', source: 'InboxSDK (.fX.aiL hidden when collapsed); gmail.js' },
];

// ----- sending (the send-time check, docs/decisions.md "Send-time check") -------------------

/** The compose's Send controls, primary first; Gmail acts on their click (InboxSDK intercepts
 *  click, and Enter/Space on them, in its presending stream). */
export const SEND_CONTROL: readonly SelectorAlt[] = [
  // Send: in the compose's bottom toolbar, not Send & archive (.Uo), not the "More send options" chevron (aria-haspopup).
  { selector: '.IZ .Up div > div[role="button"]:not(.Uo):not([aria-haspopup="true"])', era: 'any', source: 'InboxSDK gmail-compose-view.ts getSendButton()' },
  // Send & archive (replies, when the setting is on).
  { selector: '.IZ .Up div > div[role="button"].Uo:not([aria-haspopup="true"])', era: 'any', source: 'InboxSDK gmail-compose-view.ts getSendAndArchiveButton()' },
];

/** Sends on PRESS (mousedown + mouseup, not click), from the "More send options" menu, which
 *  may be rendered outside the compose. `selector` is Gmail's locale-independent action id. */
export const PRESS_SEND_CONTROL: readonly SelectorAlt[] = [
  { selector: '[role="menuitem"][selector="scheduledSend"]', era: 'any', source: 'InboxSDK getPrescheduledSendingStream (onMouseDownAndUp on the schedule-send item); several Gmail schedulers anchor on [selector="scheduledSend"]' },
];
