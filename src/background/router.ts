// The one entry point for runtime messages: who sent it, is it well-formed, who handles it.
// Only this extension may talk to the background (sender.id); content-script messages must come
// from a frame of the webmail they claim (a sub-frame only where the registry lets the content
// script run in frames), in a tab of that webmail; page messages from our own pages.
import type { CsToBg, UiToBg, WebmailId } from '../shared/messages.ts';
import { parseCsToBg, parseUiToBg } from '../shared/validate.ts';
import { isOutsideWebmail, webmail as webmailEntry, webmailForOrigin, webmailForUrl } from '../shared/webmails.ts';

/**
 * The fields of runtime.MessageSender we read. origin: Chrome 80+, Firefox 126+ (the origin an
 * about:blank document inherited from the page that wrote it); documentId: Chrome 106+,
 * Firefox 153+.
 */
export interface SenderLike {
  id?: string;
  url?: string;
  origin?: string;
  frameId?: number;
  documentId?: string;
  tab?: { id?: number; url?: string };
}

export type MessageOrigin =
  | { kind: 'content'; tabId: number; frameId: number; webmail: WebmailId; documentId?: string }
  | { kind: 'page' };

export interface Self {
  id: string;
  /** runtime.getURL(''): chrome-extension://<id>/ or moz-extension://<uuid>/ */
  baseUrl: string;
}

export function classifySender(sender: SenderLike, self: Self): MessageOrigin | null {
  if (!sender.id || sender.id !== self.id) return null;
  if (sender.url !== undefined && sender.url.startsWith(self.baseUrl)) return { kind: 'page' };
  const tabId = sender.tab?.id;
  const frameId = sender.frameId ?? 0;
  if (tabId === undefined || tabId < 0 || !Number.isInteger(frameId) || frameId < 0) return null;
  // The frame's origin, not its URL: Outlook's pop-out is an about:blank document that inherits
  // the Outlook page's origin. Without `origin` (older browsers) only a real URL counts.
  const webmail = sender.origin !== undefined ? webmailForOrigin(sender.origin) : webmailForUrl(sender.url);
  if (!webmail) return null;
  // The content script runs in sub-frames only where the registry asks for it.
  if (frameId !== 0 && !webmailEntry(webmail).frames.allFrames) return null;
  // A webmail frame inside a tab showing some other site is not a compose the user is writing
  // in that webmail (when the browser tells us the tab's URL at all).
  const tabUrl = sender.tab?.url;
  if (isOutsideWebmail(tabUrl)) return null;
  const tabWebmail = webmailForUrl(tabUrl);
  if (tabWebmail !== null && tabWebmail !== webmail) return null;
  return { kind: 'content', tabId, frameId, webmail, ...(sender.documentId ? { documentId: sender.documentId } : {}) };
}

export interface RouterHandlers {
  content(message: CsToBg, origin: Extract<MessageOrigin, { kind: 'content' }>): Promise<unknown>;
  page(message: UiToBg): Promise<unknown>;
}

export type Rejection = { ok: false; error: string };

/**
 * A runtime.onMessage listener (webextension-polyfill style: return a promise to answer,
 * undefined to stay silent). Strangers get no answer at all; malformed messages from our own
 * parts get a rejection so the bug shows in their console.
 */
export function createRouter(handlers: RouterHandlers, self: Self) {
  return (message: unknown, sender: SenderLike): Promise<unknown> | undefined => {
    const origin = classifySender(sender, self);
    if (!origin) return undefined;
    if (origin.kind === 'content') {
      const parsed = parseCsToBg(message);
      if (!parsed) return Promise.resolve({ ok: false, error: 'invalid message' } satisfies Rejection);
      if (parsed.type === 'cs/compose-update' && parsed.webmail !== origin.webmail) {
        return Promise.resolve({ ok: false, error: 'webmail does not match the page' } satisfies Rejection);
      }
      return handlers.content(parsed, origin);
    }
    const parsed = parseUiToBg(message);
    if (!parsed) return Promise.reject(new Error('InTransit background: invalid message from an extension page.'));
    return handlers.page(parsed);
  };
}
