// The one entry point for runtime messages: who sent it, is it well-formed, who handles it.
// Only this extension may talk to the background (sender.id), content-script messages must come
// from the top frame of a tab of the webmail they claim, and page messages from our own pages.
import type { CsToBg, ProviderId, UiToBg } from '../shared/messages.ts';
import { parseCsToBg, parseUiToBg } from '../shared/validate.ts';
import { providerForUrl } from '../shared/providers.ts';

/** The fields of runtime.MessageSender we read (documentId: Chrome 106+, absent in Firefox). */
export interface SenderLike {
  id?: string;
  url?: string;
  frameId?: number;
  documentId?: string;
  tab?: { id?: number };
}

export type MessageOrigin =
  | { kind: 'content'; tabId: number; provider: ProviderId; documentId?: string }
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
  // all_frames is false: a message from a sub-frame is not from our content script.
  if (tabId === undefined || tabId < 0 || (sender.frameId !== undefined && sender.frameId !== 0)) return null;
  const provider = providerForUrl(sender.url);
  if (!provider) return null;
  return { kind: 'content', tabId, provider, ...(sender.documentId ? { documentId: sender.documentId } : {}) };
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
      if (parsed.type === 'cs/compose-update' && parsed.provider !== origin.provider) {
        return Promise.resolve({ ok: false, error: 'provider does not match the page' } satisfies Rejection);
      }
      return handlers.content(parsed, origin);
    }
    const parsed = parseUiToBg(message);
    if (!parsed) return Promise.reject(new Error('InTransit background: invalid message from an extension page.'));
    return handlers.page(parsed);
  };
}
