// The real message boundary between a content script (happy-dom) and the background: the
// content script's messages go through the background's router (sender check + schema), the
// background's pushes through the content script's parser, each as a structured clone, as the
// browser does. A "worker restart" swaps the background for a fresh one over the same
// storage.session, the way Chrome stops and starts a service worker.
import { vi } from 'vitest';
import { createAssessmentCache } from '../../../src/background/assessment-cache.ts';
import { createAssessmentService } from '../../../src/background/assessment-service.ts';
import { createController, type Controller } from '../../../src/background/controller.ts';
import { createRouter, type SenderLike } from '../../../src/background/router.ts';
import type { KeyValueArea } from '../../../src/background/storage-area.ts';
import type { Transport } from '../../../src/content/messaging.ts';
import type { AssessDeps, Assessment } from '../../../src/core/index.ts';
import type { CsToBg } from '../../../src/shared/messages.ts';
import { fakeAction } from './fakes.ts';

export const TAB = 7;
const SELF = { id: 'kojkdehamgggcacghdimajanhpnlpfpe', baseUrl: 'chrome-extension://kojkdehamgggcacghdimajanhpnlpfpe/' };
const SENDER: SenderLike = { id: SELF.id, url: 'https://mail.google.com/mail/u/0/#inbox', tab: { id: TAB }, frameId: 0, documentId: 'doc-1' };

export type AssessFn = (domain: string, deps: AssessDeps) => Promise<Assessment>;

export interface Background {
  controller: Controller;
  action: ReturnType<typeof fakeAction>;
  /** Every answer the router gave to a content-script message. */
  replies: unknown[];
}

/** A content-script transport wired to a (replaceable) background. */
export class WiredTransport implements Transport {
  private readonly listeners = new Set<(message: unknown) => void>();
  readonly sent: CsToBg[] = [];
  background!: Background;
  private router!: ReturnType<typeof createRouter>;

  constructor(private readonly session: KeyValueArea, private readonly assess: AssessFn) {
    this.restart();
  }

  /** A new background over the same session storage (the old one gets no more messages). */
  restart(assess: AssessFn = this.assess): Background {
    const cache = createAssessmentCache(this.session);
    const service = createAssessmentService({ assess, cache, deps: () => ({ resolver: { query: vi.fn() }, fetch: null }) as never });
    const action = fakeAction();
    const background: Background = { controller: undefined as unknown as Controller, action, replies: [] };
    background.controller = createController({
      session: this.session,
      service,
      action: action.action,
      sendToTab: async (_tabId, message) => {
        // The old worker is gone: its late pushes never arrive.
        if (this.background !== background) return;
        const copy = structuredClone(message);
        queueMicrotask(() => { for (const l of this.listeners) l(copy); });
      },
      tabUrl: async () => SENDER.url,
      hasPolicyPermission: async () => true,
      senderFor: () => ({ mtaSts: true, dane: false }),
      clearDnsCache: () => undefined,
      init: () => cache.load(),
    });
    this.router = createRouter({ content: background.controller.handleContent, page: background.controller.handlePage }, SELF);
    this.background = background;
    return background;
  }

  async send(message: CsToBg): Promise<unknown> {
    this.sent.push(structuredClone(message));
    const reply = await this.router(structuredClone(message), SENDER);
    this.background.replies.push(reply);
    return reply;
  }
  onMessage(listener: (message: unknown) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  alive(): boolean {
    return true;
  }
}
