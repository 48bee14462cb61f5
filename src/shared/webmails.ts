// The supported webmails, as data. Everything that differs per webmail outside its own folder
// src/content/<id>/ lives in this table; the manifest (content_scripts, host_permissions), the
// build (one standalone script per entry), message validation, the background's router and
// senders, and the popup and welcome page derive from it. Adding a webmail is one folder plus
// one entry here plus its name in src/shared/locale/en.json; test/unit/content/registry.test.ts
// checks that every entry is complete. Decisions: docs/decisions.md "Webmails (src/content)".
//
// Imported by background and UI code and by the build; content scripts import only the type.
import type { SenderId } from '../core/providers/senders.ts';

export const WEBMAIL_IDS = ['gmail', 'outlook', 'yahoo'] as const;
/** A supported webmail (not an MX operator: that is core's provider table). */
export type WebmailId = (typeof WEBMAIL_IDS)[number];

/** What the webmail's SENDING side enforces, for sender-aware verdicts (RFC 8461 s5, RFC 7672 s2.2: only a sender that applies the policy makes it protect). */
export interface WebmailSending {
  /** The row of core's SENDERS table (src/core/providers/senders.ts) that holds the facts and their source. */
  readonly sender: SenderId;
  /**
   * `documented`: the provider documents what its outbound servers enforce, and the row's
   * mtaSts/dane apply. `undocumented`: it documents nothing about outbound MTA-STS/DANE, so the
   * sender is unknown and a verdict says "protected, if your provider honours …" instead of
   * claiming either way. The row's source is then the page that was read and says nothing.
   */
  readonly enforcement: 'documented' | 'undocumented';
}

/** Where the content script must run besides the top frame, and why (manifest content_scripts keys). */
export interface WebmailFrames {
  /** `all_frames`: composes can live in sub-frames. */
  readonly allFrames: boolean;
  /** `match_about_blank` (Chrome, Firefox) and `match_origin_as_fallback` (Chrome 99+, Firefox 128+):
   *  composes are moved into about:blank windows or frames written by the webmail's own page. */
  readonly aboutBlank: boolean;
  readonly why: string;
}

export interface WebmailEntry {
  readonly id: WebmailId;
  /** The product's own name (a trademark, shown untranslated), as in src/shared/locale/en.json. */
  readonly name: string;
  /** Locale key of the name (src/shared/locale/en.json). */
  readonly nameKey: string;
  /** Manifest match patterns, `https://<host>/*` each: where the content script runs and what the
   *  extension needs host access to. Exact hosts only: a webmail's own subdomains are not it. */
  readonly matches: readonly string[];
  /** The content-script entry (built as one standalone file). */
  readonly contentScript: string;
  readonly frames: WebmailFrames;
  readonly sending: WebmailSending;
}

export const WEBMAILS: readonly WebmailEntry[] = [
  {
    id: 'gmail',
    name: 'Gmail',
    nameKey: 'webmail_name_gmail',
    matches: ['https://mail.google.com/*'],
    contentScript: 'src/content/gmail/main.ts',
    // The pop-out compose window is its own top-level mail.google.com document (InboxSDK
    // isStandaloneComposeWindow); Gmail's sub-frames hold no compose.
    frames: { allFrames: false, aboutBlank: false, why: 'pop-out compose is a top-level mail.google.com page' },
    sending: { sender: 'gmail', enforcement: 'documented' },
  },
  {
    id: 'outlook',
    name: 'Outlook on the web',
    nameKey: 'webmail_name_outlook',
    // Work/school accounts are redirected to outlook.cloud.microsoft; outlook.live.com is Outlook.com.
    matches: [
      'https://outlook.office.com/*',
      'https://outlook.office365.com/*',
      'https://outlook.live.com/*',
      'https://outlook.cloud.microsoft/*',
    ],
    contentScript: 'src/content/outlook/main.ts',
    frames: { allFrames: true, aboutBlank: true, why: '"Open in new window" moves the draft into an about:blank window written by the Outlook page' },
    // Microsoft 365 (Exchange Online) and Outlook.com send through Exchange Online, which
    // enforces MTA-STS and DANE outbound (sources in SENDERS.microsoft; docs/decisions.md).
    sending: { sender: 'microsoft', enforcement: 'documented' },
  },
  {
    id: 'yahoo',
    name: 'Yahoo Mail',
    nameKey: 'webmail_name_yahoo',
    matches: ['https://mail.yahoo.com/*'],
    contentScript: 'src/content/yahoo/main.ts',
    frames: { allFrames: false, aboutBlank: false, why: 'composes (new, reply, forward) are in the top-level page' },
    // Yahoo's sender pages cover SPF, DKIM and DMARC only: nothing on outbound MTA-STS or DANE.
    sending: { sender: 'yahoo', enforcement: 'undocumented' },
  },
];

/** The entry of a webmail. */
export function webmail(id: WebmailId): WebmailEntry {
  const entry = WEBMAILS.find((w) => w.id === id);
  if (entry === undefined) throw new Error(`No webmail ${id}`);
  return entry;
}

/** `https://host/*` -> `https://host`. */
export function originOfMatch(pattern: string): string {
  return pattern.replace(/\/\*$/, '');
}

/** Every origin of a webmail (from its match patterns). */
export function webmailOrigins(entry: WebmailEntry): string[] {
  return entry.matches.map(originOfMatch);
}

/** The webmail an origin belongs to (`https://outlook.office.com`), or null. */
export function webmailForOrigin(origin: string | undefined | null): WebmailId | null {
  if (!origin) return null;
  for (const entry of WEBMAILS) if (webmailOrigins(entry).includes(origin)) return entry.id;
  return null;
}

/** The webmail a page URL belongs to, or null (not a webmail, unparsable, about:blank). */
export function webmailForUrl(url: string | undefined | null): WebmailId | null {
  if (!url) return null;
  try {
    return webmailForOrigin(new URL(url).origin);
  } catch {
    return null;
  }
}

/**
 * True when a tab at `url` has certainly left every webmail: a real page elsewhere. An about:
 * URL is not (Outlook's pop-out window is about:blank, written by the Outlook page), nor is a
 * URL the tabs API did not tell us.
 */
export function isOutsideWebmail(url: string | undefined | null): boolean {
  if (!url || url.startsWith('about:')) return false;
  return webmailForUrl(url) === null;
}
