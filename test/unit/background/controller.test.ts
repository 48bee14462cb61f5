// The background controller end to end with fakes: verdicts pushed to the tab, the badge, the
// popup's view, and — the point of persisting in storage.session — a worker restart mid-compose.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createAssessmentCache } from '../../../src/background/assessment-cache.ts';
import { createAssessmentService } from '../../../src/background/assessment-service.ts';
import { createController, STATE_KEY } from '../../../src/background/controller.ts';
import { memoryArea, type KeyValueArea } from '../../../src/background/storage-area.ts';
import type { AssessDeps, Assessment, Level } from '../../../src/core/index.ts';
import type { BgComposeVerdicts, CsComposeUpdate, DiagnosticsResponse, TabStateResponse } from '../../../src/shared/messages.ts';
import { log } from '../../../src/shared/log.ts';
import { assessment, deferred, fakeAction, quotaArea } from './fakes.ts';
import { installI18n } from './locale-fixture.ts';

beforeAll(installI18n);

const TAB = 7;
const ORIGIN = { kind: 'content', tabId: TAB, frameId: 0, webmail: 'gmail', documentId: 'doc-1' } as const;
const update = (composeId: string, ...addresses: string[]): CsComposeUpdate => ({
  type: 'cs/compose-update', composeId, webmail: 'gmail', revision: 1, tooMany: false, fieldsFound: true,
  recipients: addresses.map((address) => ({ address, field: 'to', pending: false })),
});

/** One "worker": a fresh controller over the given session storage, as after a restart. */
function worker(session: KeyValueArea, assess: (domain: string, deps: AssessDeps) => Promise<Assessment>, tabs: Record<number, string> = { [TAB]: 'https://mail.google.com/mail/u/0/' }) {
  const pushes: { tabId: number; message: BgComposeVerdicts; frameId: number }[] = [];
  const badge = fakeAction();
  const cache = createAssessmentCache(session, { now: () => 1_000 });
  const service = createAssessmentService({ assess, cache, deps: () => ({ resolver: { query: vi.fn() }, fetch: null }) as never, now: () => 1_000 });
  const clearDnsCache = vi.fn();
  const controller = createController({
    session,
    service,
    action: badge.action,
    sendToTab: async (tabId, message, frameId) => { pushes.push({ tabId, message, frameId }); },
    tabUrl: async (tabId) => (tabId in tabs ? tabs[tabId] : null),
    hasPolicyPermission: async () => false,
    senderFor: (p) => (p === 'gmail' ? { mtaSts: true, dane: false } : undefined),
    clearDnsCache,
    init: () => cache.load(),
  });
  const lastPush = (composeId = 'c1') => [...pushes].reverse().find((p) => p.message.composeId === composeId)?.message;
  return { controller, pushes, lastPush, badge, clearDnsCache };
}

function controllableEngine() {
  const pending = new Map<string, ReturnType<typeof deferred<Assessment>>>();
  const assess = vi.fn((domain: string, _deps: AssessDeps) => {
    const d = deferred<Assessment>();
    pending.set(domain, d);
    return d.promise;
  });
  const finish = (domain: string, level: Level) => pending.get(domain)?.resolve(assessment(domain, level));
  return { assess, pending, finish };
}

describe('background controller: answers that arrive together', () => {
  it('refreshes the tab at most twice for a burst of answers (one running, one after it), and ends with every verdict', async () => {
    const engine = controllableEngine();
    const session = memoryArea();
    const cache = createAssessmentCache(session, { now: () => 1_000 });
    const service = createAssessmentService({ assess: engine.assess, cache, deps: () => ({ resolver: { query: vi.fn() }, fetch: null }) as never, now: () => 1_000 });
    const pushes: BgComposeVerdicts[] = [];
    // Every refresh asks for the permission first; while `gate` is set, that answer waits for it.
    let refreshes = 0;
    let gate: Promise<void> | null = null;
    const controller = createController({
      session, service, action: fakeAction().action,
      sendToTab: async (_tabId, message) => { pushes.push(message); },
      tabUrl: async () => 'https://mail.google.com/mail/u/0/',
      hasPolicyPermission: async () => {
        refreshes++;
        if (gate) await gate;
        return false;
      },
      senderFor: () => undefined,
      clearDnsCache: () => undefined,
    });
    const domains = Array.from({ length: 20 }, (_, i) => `d${i}.example`);
    await controller.handleContent(update('c1', ...domains.map((d) => `user@${d}`)), ORIGIN);
    await vi.waitFor(() => expect(engine.assess).toHaveBeenCalledTimes(20));
    const before = refreshes;
    let open!: () => void;
    gate = new Promise<void>((resolve) => { open = resolve; });
    // Twenty answers, a few storage writes apart, while the first refresh they cause is held.
    for (const d of domains) {
      engine.finish(d, 'protected');
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    open();
    gate = null;
    await vi.waitFor(() => expect(pushes.at(-1)?.summary).toMatchObject({ level: 'protected', checking: 0, total: 20 }));
    expect(refreshes - before).toBeLessThanOrEqual(2);
  });
});

describe('background controller', () => {
  it('pushes "checking" at once, then each verdict as it arrives, and sets the badge', async () => {
    const engine = controllableEngine();
    const w = worker(memoryArea(), engine.assess);
    await w.controller.handleContent(update('c1', 'ann@example.com', 'bob@other.example'), ORIGIN);

    expect(w.lastPush()?.recipients.map((r) => r.level)).toEqual(['checking', 'checking']);
    expect(w.badge.last('setBadgeText', TAB)).toEqual({ tabId: TAB, text: '…' });
    await vi.waitFor(() => expect(engine.assess).toHaveBeenCalledTimes(2));
    expect(engine.assess.mock.calls[0]?.[1]).toMatchObject({ sender: { mtaSts: true, dane: false } });

    engine.finish('example.com', 'protected');
    await vi.waitFor(() => expect(w.lastPush()?.recipients.map((r) => r.level)).toEqual(['protected', 'checking']));
    engine.finish('other.example', 'unverified');
    await vi.waitFor(() => expect(w.lastPush()?.summary).toMatchObject({ level: 'unverified', total: 2, notProtected: 1, checking: 0, culprit: 'bob@other.example' }));
    await vi.waitFor(() => expect(w.badge.last('setTitle', TAB)?.title).toBe('InTransit — bob@other.example: no protection published'));
    expect(w.badge.last('setBadgeText', TAB)?.text).toBe('!');
  });

  it('survives a worker restart mid-compose: state and finished results persist, unfinished checks restart', async () => {
    const session = memoryArea();
    const first = controllableEngine();
    const w1 = worker(session, first.assess);
    await w1.controller.handleContent(update('c1', 'ann@example.com', 'bob@other.example'), ORIGIN);
    await vi.waitFor(() => expect(first.assess).toHaveBeenCalledTimes(2));
    first.finish('example.com', 'protected');
    await vi.waitFor(() => expect(session.data.has('assess:m1d0|example.com')).toBe(true));
    // The browser stops the worker now: other.example never finishes in this worker.
    expect(session.data.get(STATE_KEY)).toBeDefined();

    const second = vi.fn(async (domain: string) => assessment(domain, 'encrypted'));
    const w2 = worker(session, second);
    await w2.controller.resume();
    await vi.waitFor(() => expect(w2.lastPush()?.recipients.map((r) => [r.domain, r.level])).toEqual([
      ['example.com', 'protected'], ['other.example', 'encrypted'],
    ]));
    // Only the unfinished domain is checked again.
    expect(second.mock.calls.map((c) => c[0])).toEqual(['other.example']);
    expect(w2.badge.last('setBadgeText', TAB)?.text).toBe('~');

    // The popup of the new worker sees the compose too.
    const state = await w2.controller.handlePage({ type: 'ui/get-tab-state', tabId: TAB });
    expect(state).toMatchObject({ webmail: 'gmail', policyFetchGranted: false, composes: [{ composeId: 'c1', active: true }] });
    expect(Object.keys((state as { assessments: object }).assessments).sort()).toEqual(['example.com', 'other.example']);
  });

  it('drops on restart the tabs that closed while the worker was stopped', async () => {
    const session = memoryArea();
    const w1 = worker(session, async (d) => assessment(d, 'protected'));
    await w1.controller.handleContent(update('c1', 'a@example.com'), ORIGIN);
    const w2 = worker(session, async (d) => assessment(d, 'protected'), {});
    await w2.controller.resume();
    expect(w2.controller.snapshot().tabs).toEqual({});
  });

  it('shows the active compose in the badge and follows focus', async () => {
    const w = worker(memoryArea(), async (d) => assessment(d, d === 'bad.example' ? 'misconfigured' : 'protected'));
    await w.controller.handleContent(update('c1', 'a@good.example'), ORIGIN);
    await w.controller.handleContent(update('c2', 'b@bad.example'), ORIGIN);
    await vi.waitFor(() => expect(w.badge.last('setBadgeText', TAB)?.text).toBe('✓'));
    await w.controller.handleContent({ type: 'cs/compose-focus', composeId: 'c2' }, ORIGIN);
    await vi.waitFor(() => expect(w.badge.last('setBadgeText', TAB)?.text).toBe('!!'));
    await w.controller.handleContent({ type: 'cs/compose-closed', composeId: 'c2' }, ORIGIN);
    await vi.waitFor(() => expect(w.badge.last('setBadgeText', TAB)?.text).toBe('✓'));
  });

  it('answers every update with verdicts, also when they read as before (a typed address became a chip)', async () => {
    const w = worker(memoryArea(), async (d) => assessment(d, 'protected'));
    const pending: CsComposeUpdate = { ...update('c1'), recipients: [{ address: 'a@example.com', field: 'to', pending: true }] };
    await w.controller.handleContent(pending, ORIGIN);
    await vi.waitFor(() => expect(w.lastPush()?.recipients[0]?.level).toBe('protected'));
    const before = w.pushes.length;
    await w.controller.handleContent(update('c1', 'a@example.com'), ORIGIN);
    await vi.waitFor(() => expect(w.pushes.length).toBe(before + 1));
    expect(w.lastPush()?.recipients[0]?.level).toBe('protected');
  });

  it('pushes verdicts to the frame that holds the compose; an about:blank pop-out is not "leaving the webmail"', async () => {
    const w = worker(memoryArea(), async (d) => assessment(d, 'protected'), { [TAB]: 'about:blank' });
    const outlook = (composeId: string, ...addresses: string[]): CsComposeUpdate => ({ ...update(composeId, ...addresses), webmail: 'outlook' });
    await w.controller.handleContent(outlook('outlook:a', 'a@example.com'), { kind: 'content', tabId: TAB, frameId: 0, webmail: 'outlook' });
    await w.controller.handleContent(outlook('outlook:a', 'b@example.com'), { kind: 'content', tabId: TAB, frameId: 3, webmail: 'outlook' });
    await vi.waitFor(() => expect(w.pushes.filter((p) => p.message.recipients[0]?.level === 'protected').map((p) => [p.frameId, p.message.composeId, p.message.recipients[0]?.address]))
      .toEqual(expect.arrayContaining([[0, 'outlook:a', 'a@example.com'], [3, 'outlook:a', 'b@example.com']])));
    await w.controller.tabNavigated(TAB, 'about:blank');
    await w.controller.resume();
    expect(Object.keys(w.controller.snapshot().tabs[TAB]?.composes ?? {}).sort()).toEqual(['3|outlook:a', 'outlook:a']);
    const state = await w.controller.handlePage({ type: 'ui/get-tab-state', tabId: TAB });
    expect(state).toMatchObject({ webmail: 'outlook' });
  });

  it('clears the tab when it closes or leaves the webmail', async () => {
    const w = worker(memoryArea(), async (d) => assessment(d, 'unverified'));
    await w.controller.handleContent(update('c1', 'a@example.com'), ORIGIN);
    await w.controller.tabNavigated(TAB, 'https://mail.google.com/mail/u/0/#inbox');
    expect(w.controller.snapshot().tabs[TAB]).toBeDefined();
    await w.controller.tabNavigated(TAB, 'https://example.org/');
    expect(w.controller.snapshot().tabs[TAB]).toBeUndefined();
    expect(w.badge.last('setBadgeText', TAB)?.text).toBe('');

    await w.controller.handleContent(update('c1', 'a@example.com'), ORIGIN);
    await w.controller.tabRemoved(TAB);
    expect(w.controller.snapshot().tabs).toEqual({});
  });

  it('checks an address or a domain by hand, and explains input it cannot check', async () => {
    const assess = vi.fn(async (d: string, _deps: AssessDeps) => assessment(d, 'encrypted'));
    const w = worker(memoryArea(), assess);
    const ok = await w.controller.handlePage({ type: 'ui/check-manual', input: 'Someone <someone@Example.COM>' });
    expect(ok).toMatchObject({ assessments: [{ domain: 'example.com', level: 'encrypted' }] });
    expect(assess.mock.calls[0]?.[1]?.sender).toBeUndefined();
    const bad = await w.controller.handlePage({ type: 'ui/check-manual', input: 'user@[192.0.2.1]' });
    expect(bad).toMatchObject({ assessments: [] });
    expect((bad as { error?: string }).error).toMatch(/IP address/);
  });

  it('"check again" forgets the cached result and the DNS cache, then checks again', async () => {
    const assess = vi.fn(async (d: string) => assessment(d, 'unverified'));
    const w = worker(memoryArea(), assess);
    await w.controller.handleContent(update('c1', 'a@example.com'), ORIGIN);
    await vi.waitFor(() => expect(w.lastPush()?.recipients[0]?.level).toBe('unverified'));
    await w.controller.handlePage({ type: 'ui/recheck', domains: ['Example.com'] });
    expect(w.clearDnsCache).toHaveBeenCalled();
    await vi.waitFor(() => expect(assess).toHaveBeenCalledTimes(2));
  });
});

describe('background controller: revisions, settings, storage', () => {
  it('echoes the revision of the recipient list each push answers', async () => {
    const w = worker(memoryArea(), async (d) => assessment(d, 'protected'));
    await w.controller.handleContent({ ...update('c1', 'a@example.com'), revision: 7 }, ORIGIN);
    await vi.waitFor(() => expect(w.lastPush()?.recipients[0]?.level).toBe('protected'));
    expect(w.lastPush()?.revision).toBe(7);
    await w.controller.handleContent({ ...update('c1', 'a@example.com', 'b@example.org'), revision: 8 }, ORIGIN);
    expect(w.lastPush()?.revision).toBe(8);
  });

  it('pushes again when a content script re-sends an unchanged list (it refused a stale answer)', async () => {
    const w = worker(memoryArea(), async (d) => assessment(d, 'protected'));
    await w.controller.handleContent(update('c1', 'a@example.com'), ORIGIN);
    await vi.waitFor(() => expect(w.lastPush()?.recipients[0]?.level).toBe('protected'));
    const before = w.pushes.length;
    await w.controller.handleContent(update('c1', 'a@example.com'), ORIGIN);
    expect(w.pushes.length).toBe(before + 1);
  });

  it('answers the popup at once while the settings are still being read, and looks nothing up before', async () => {
    const settings = deferred<void>();
    const assess = vi.fn(async (d: string) => assessment(d, 'protected'));
    const session = memoryArea();
    const cache = createAssessmentCache(session, { now: () => 1_000 });
    const service = createAssessmentService({ assess, cache, deps: () => ({ resolver: { query: vi.fn() }, fetch: null }) as never, now: () => 1_000 });
    const pushes: BgComposeVerdicts[] = [];
    const controller = createController({
      session, service, action: fakeAction().action,
      sendToTab: async (_t, m) => { pushes.push(m); },
      tabUrl: async () => 'https://mail.google.com/mail/u/0/',
      hasPolicyPermission: async () => true,
      senderFor: () => undefined,
      clearDnsCache: vi.fn(),
      settingsReady: settings.promise,
      init: () => cache.load(),
    });
    await controller.handleContent(update('c1', 'a@secret.example'), ORIGIN);
    const state = await controller.handlePage({ type: 'ui/get-tab-state', tabId: TAB }) as TabStateResponse;
    expect(state.composes[0]?.recipients.map((r) => r.level)).toEqual(['checking']);
    expect(assess).not.toHaveBeenCalled();
    settings.resolve();
    await vi.waitFor(() => expect(pushes.at(-1)?.recipients[0]?.level).toBe('protected'));
    expect(assess).toHaveBeenCalledTimes(1);
  });

  it('says "policy not checked" on a compose whose verdict the missing permission could change', async () => {
    const notRead = (d: string) => {
      const a = assessment(d, 'encrypted');
      a.evidence.mtaSts = { record: 'valid', id: '1', policy: 'not-checked', warnings: [] };
      return a;
    };
    const w = worker(memoryArea(), async (d) => notRead(d));
    await w.controller.handleContent(update('c1', 'a@sts.example'), ORIGIN);
    await vi.waitFor(() => expect(w.lastPush()?.summary).toMatchObject({ level: 'encrypted', policyNotChecked: true, warned: false }));
    expect(w.lastPush()?.recipients[0]?.policyNotChecked).toBe(true);
  });

  it('opens the permission flow when a badge asks, and answers the diagnostics request', async () => {
    const openPermissionFlow = vi.fn(async () => undefined);
    const session = memoryArea();
    const cache = createAssessmentCache(session, { now: () => 1_000 });
    const service = createAssessmentService({ assess: async (d) => assessment(d, 'protected'), cache, deps: () => ({}) as never, now: () => 1_000 });
    const controller = createController({
      session, service, action: fakeAction().action, sendToTab: async () => undefined, tabUrl: async () => null,
      hasPolicyPermission: async () => false, senderFor: () => undefined, clearDnsCache: vi.fn(), openPermissionFlow,
    });
    await expect(controller.handleContent({ type: 'cs/allow-policy-checks' }, ORIGIN)).resolves.toEqual({ ok: true });
    expect(openPermissionFlow).toHaveBeenCalledTimes(1);
    const diagnostics = await controller.handlePage({ type: 'ui/get-diagnostics' }) as DiagnosticsResponse;
    expect(Array.isArray(diagnostics.log)).toBe(true);
  });

  it('makes room in storage.session when saving the compose state fails, and logs it', async () => {
    const session = quotaArea(10_000_000);
    const makeRoom = vi.fn(async () => { session.refuse = null; });
    const cache = createAssessmentCache(session, { now: () => 1_000 });
    const service = createAssessmentService({ assess: async (d) => assessment(d, 'protected'), cache, deps: () => ({}) as never, now: () => 1_000 });
    const controller = createController({
      session, service, action: fakeAction().action, sendToTab: async () => undefined, tabUrl: async () => 'https://mail.google.com/',
      hasPolicyPermission: async () => true, senderFor: () => undefined, clearDnsCache: vi.fn(), makeRoom,
    });
    session.refuse = (key) => key === STATE_KEY;
    const logged = log.entries().length;
    await controller.handleContent(update('c1', 'a@example.com'), ORIGIN);
    expect(makeRoom).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(session.data.get(STATE_KEY))).toContain('a@example.com');
    expect(log.entries().slice(logged).map((e) => e.code)).toContain('storage.session-write-failed');
    // The log names no address and no domain.
    expect(JSON.stringify(log.entries())).not.toMatch(/example\.com/);
  });
});
