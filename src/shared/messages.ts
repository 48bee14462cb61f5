// The one message protocol between content scripts, the background service worker and the
// extension pages. Direction is in the name (cs = content script, bg = background, ui = popup,
// options, welcome). Every message crossing a boundary is validated by the receiver
// (see validate.ts); these types are the contract.
import type { Assessment, Level, OrgLevel } from '../core/types.ts';
import type { LogEntry } from './log.ts';
import type { SendCheckMode } from './settings.ts';
import type { WebmailId } from './webmails.ts';

export type { WebmailId } from './webmails.ts';
export type RecipientField = 'to' | 'cc' | 'bcc' | 'unknown';

/**
 * A level as the extension shows it: core's levels, the org's levels, still checking, or
 * `skipped` (the domain is on the settings' skip list: never looked up, and it does not count
 * toward the worst level unless every recipient is skipped).
 */
export type DisplayLevel = Level | OrgLevel | 'checking' | 'skipped';

export interface ComposeRecipient {
  /**
   * The address as read from the page (trimmed, at most 320 characters), or null for a recipient
   * the page shows by name only (an Outlook contact or distribution group): such a recipient is
   * counted and shown as "address not visible", never looked up (docs/decisions.md).
   */
  address: string | null;
  /** What the page shows for a recipient without an address (at most MAX_LABEL_LENGTH characters, limits.ts). */
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
  /**
   * Counted up by the content script with every change of this compose's recipient list; the
   * background echoes it on the verdicts it pushes, so the content script shows only verdicts
   * for the list it holds now.
   */
  revision: number;
  recipients: ComposeRecipient[];
  /** More recipients than MAX_RECIPIENTS (limits.ts): `recipients` is empty and nothing is checked. */
  tooMany: boolean;
  /** False when a compose was found but none of its recipient fields were (adapter drift). */
  fieldsFound: boolean;
}
export interface CsComposeClosed { type: 'cs/compose-closed'; composeId: string }
/** The user is working in this compose: it becomes the tab's active compose. */
export interface CsComposeFocus { type: 'cs/compose-focus'; composeId: string }
/** The person clicked "policy not checked — allow" in a badge: open the welcome page's permission flow. */
export interface CsAllowPolicyChecks { type: 'cs/allow-policy-checks' }
export type CsToBg = CsComposeUpdate | CsComposeClosed | CsComposeFocus | CsAllowPolicyChecks;

// ----- background -> content script -------------------------------------------------------
export interface RecipientVerdict {
  /** Null for a recipient shown by name only (see ComposeRecipient); its level is `unknown`. */
  address: string | null;
  /** The name shown for a recipient without an address. */
  label?: string;
  /** The policy domain; '' when there is none to check. */
  domain: string;
  level: DisplayLevel;
  /** One plain sentence: what the level means for this recipient. */
  summary: string;
  /** The MTA-STS policy file was not read (no permission) and reading it could change this verdict. */
  policyNotChecked: boolean;
}
export interface ComposeSummary {
  /** The headline level: the most actionable among the recipients (src/shared/level-table.ts); null when there are none. */
  level: DisplayLevel | null;
  total: number;
  /** Recipients at or below the warning threshold (`unknown` always), or not yet known. */
  notProtected: number;
  checking: number;
  /** Recipients at the headline level. */
  atLevel: number;
  /** The recipient at the headline level when it is the only one there, else null. */
  culprit: string | null;
  /** The settings count the headline level as a warning (`warnAtOrBelow`; `unknown` always). */
  warned: boolean;
  /** Allowing MTA-STS policy checks (the optional permission) could change this compose's verdict. */
  policyNotChecked: boolean;
  /** More recipients than MAX_RECIPIENTS: nothing was checked. */
  tooMany: boolean;
}
/**
 * What the content script needs to hold a send (docs/decisions.md "Send-time check"): the
 * effective settings `sendCheck` and `warnAtOrBelow`, and the organisation's name and help page
 * for the dialog. It travels with every push of verdicts, so the verdicts a content script holds
 * always come with the rules they were made under.
 */
export interface SendCheckConfig {
  mode: SendCheckMode;
  warnAtOrBelow: Level;
  orgName: string | null;
  helpUrl: string | null;
}
export interface BgComposeVerdicts {
  type: 'bg/compose-verdicts';
  composeId: string;
  /** The revision of the recipient list these verdicts answer (CsComposeUpdate.revision). */
  revision: number;
  summary: ComposeSummary;
  recipients: RecipientVerdict[];
  /** Null until the background has read the settings (then no send is held: the mode is not known yet). */
  sendCheck: SendCheckConfig | null;
}
export type BgToCs = BgComposeVerdicts;

// ----- extension pages -> background (with responses) ---------------------------------------
export interface UiGetTabState { type: 'ui/get-tab-state'; tabId: number }
export interface UiRecheck { type: 'ui/recheck'; domains: string[] }
export interface UiCheckManual { type: 'ui/check-manual'; input: string }
/** Options page "clear cache": forget every assessment, DNS answer and cached MTA-STS policy. */
export interface UiClearCache { type: 'ui/clear-cache' }
/** Options page "export diagnostics": the background's recent log and the health of its storage. */
export interface UiGetDiagnostics { type: 'ui/get-diagnostics' }
/**
 * Options page: GET /v1/info of the organisation's lookup service ("test connection"). `service`:
 * the one typed into the form (validated again by the background); absent: the one in effect.
 */
export interface UiLookupServiceStatus { type: 'ui/lookup-service-status'; service?: { url: string; token?: string } }
export type UiToBg = UiGetTabState | UiRecheck | UiCheckManual | UiClearCache | UiGetDiagnostics | UiLookupServiceStatus;

/** Who checked the verdicts shown: the organisation's lookup service (docs/lookup-service.md). */
export interface CheckedBy {
  /** The service's own name (/v1/info `service.name`), else the setting `orgName`; null: neither. */
  name: string | null;
  /** The service's host, shown when there is no name. */
  host: string;
}

/** The connection to the lookup service as the options page shows it. */
export type LookupServiceStatus =
  | { state: 'off' }
  | {
      state: 'connected';
      url: string;
      name: string | null;
      api: string;
      /** The service's engine version and this extension's: verdicts may differ when their major.minor differ. */
      engine: string;
      extension: string;
      skew: boolean;
      auth: 'none' | 'token';
      cache: 'memory' | 'redis';
    }
  | { state: 'failed'; url: string; code: string; message: string };

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
  /** Set while the organisation's lookup service checks the recipients (setting `lookupService`). */
  checkedBy?: CheckedBy;
}
export interface CheckManualResponse { assessments: Assessment[]; error?: string; checkedBy?: CheckedBy }

/** What the background's storage could and could not keep (counts only: no domain, no address). */
export interface StorageHealth {
  /** Assessments kept in storage.session / only in the worker's memory (a write failed). */
  assessmentsStored: number;
  assessmentsMemoryOnly: number;
  /** storage.session writes that failed (quota) since the worker started, and how many were recovered by making room. */
  sessionWriteFailures: number;
  sessionWritesRecovered: number;
  /** Where MTA-STS policies are kept (setting `policyCache`) and how many. */
  policyCache: 'disk' | 'memory';
  policiesStored: number;
}
export interface DiagnosticsResponse {
  log: LogEntry[];
  storage: StorageHealth;
}

export interface UiResponses {
  'ui/get-tab-state': TabStateResponse;
  'ui/recheck': { ok: true };
  'ui/check-manual': CheckManualResponse;
  'ui/clear-cache': { ok: true };
  'ui/get-diagnostics': DiagnosticsResponse;
  'ui/lookup-service-status': LookupServiceStatus;
}
