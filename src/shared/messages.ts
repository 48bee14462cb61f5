// The one message protocol between content scripts, the background service worker and the
// extension pages. Direction is in the name (cs = content script, bg = background, ui = popup,
// options, welcome). Every message crossing a boundary is validated by the receiver
// (see validate.ts); these types are the contract.
import type { Assessment, Level, OrgLevel } from '../core/types.ts';
import type { WebmailId } from './webmails.ts';

export type { WebmailId } from './webmails.ts';
export type RecipientField = 'to' | 'cc' | 'bcc' | 'unknown';

/**
 * A level as the extension shows it: core's levels, the org's levels, still checking, or
 * `skipped` (the domain is on the settings' skip list: never looked up, and it does not count
 * toward the worst level unless every recipient is skipped).
 */
export type DisplayLevel = Level | OrgLevel | 'checking' | 'skipped';

/** A recipient's name shown without an address is kept to this many characters. */
export const MAX_LABEL_LENGTH = 100;

export interface ComposeRecipient {
  /**
   * The address as read from the page (trimmed, at most 320 characters), or null for a recipient
   * the page shows by name only (an Outlook contact or distribution group): such a recipient is
   * counted and shown as "address not visible", never looked up (docs/decisions.md).
   */
  address: string | null;
  /** What the page shows for a recipient without an address (at most MAX_LABEL_LENGTH characters). */
  label?: string;
  field: RecipientField;
  /** Typed or pasted but not yet turned into a chip. */
  pending: boolean;
}

// ----- content script -> background -------------------------------------------------------
export interface CsComposeUpdate {
  type: 'cs/compose-update';
  composeId: string;
  webmail: WebmailId;
  recipients: ComposeRecipient[];
  /** False when a compose was found but none of its recipient fields were (adapter drift). */
  fieldsFound: boolean;
}
export interface CsComposeClosed { type: 'cs/compose-closed'; composeId: string }
/** The user is working in this compose: it becomes the tab's active compose. */
export interface CsComposeFocus { type: 'cs/compose-focus'; composeId: string }
export type CsToBg = CsComposeUpdate | CsComposeClosed | CsComposeFocus;

// ----- background -> content script -------------------------------------------------------
export interface RecipientVerdict {
  /** Null for a recipient shown by name only (see ComposeRecipient); its level is `unknown`. */
  address: string | null;
  /** The name shown for a recipient without an address. */
  label?: string;
  /** The policy domain; '' when there is none to check. */
  domain: string;
  level: DisplayLevel;
  /** One plain sentence for the level of this recipient. */
  summary: string;
}
export interface ComposeSummary {
  /** The worst level among the recipients; null when there are none. */
  level: DisplayLevel | null;
  total: number;
  /** Recipients whose level is at or below the warning threshold (or not yet known). */
  notProtected: number;
  checking: number;
}
export interface BgComposeVerdicts {
  type: 'bg/compose-verdicts';
  composeId: string;
  summary: ComposeSummary;
  recipients: RecipientVerdict[];
}
export type BgToCs = BgComposeVerdicts;

// ----- extension pages -> background (with responses) ---------------------------------------
export interface UiGetTabState { type: 'ui/get-tab-state'; tabId: number }
export interface UiRecheck { type: 'ui/recheck'; domains: string[] }
export interface UiCheckManual { type: 'ui/check-manual'; input: string }
/** Options page "clear cache": forget every assessment, DNS answer and cached MTA-STS policy. */
export interface UiClearCache { type: 'ui/clear-cache' }
export type UiToBg = UiGetTabState | UiRecheck | UiCheckManual | UiClearCache;

export interface ComposeView {
  composeId: string;
  webmail: WebmailId;
  active: boolean;
  summary: ComposeSummary;
  recipients: RecipientVerdict[];
}
export interface TabStateResponse {
  /** Null when the tab is not a supported webmail. */
  webmail: WebmailId | null;
  composes: ComposeView[];
  /** Full assessments by domain, for the details view. */
  assessments: Record<string, Assessment>;
  /** Whether the optional permission to fetch MTA-STS policy files is granted. */
  policyFetchGranted: boolean;
}
export interface CheckManualResponse { assessments: Assessment[]; error?: string }

export interface UiResponses {
  'ui/get-tab-state': TabStateResponse;
  'ui/recheck': { ok: true };
  'ui/check-manual': CheckManualResponse;
  'ui/clear-cache': { ok: true };
}
