// @vitest-environment happy-dom
// The content script and the background across the real message boundary (boundary.ts): what
// readRecipients finds goes through the background's router and schema, and what the background
// pushes goes through the content script's parser into the inline badge.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { memoryArea } from '../../../src/background/storage-area.ts';
import { startContentScript, type ContentScript } from '../../../src/content/controller.ts';
import { gmailAdapter } from '../../../src/content/gmail/adapter.ts';
import { STATE_KEY } from '../../../src/background/controller.ts';
import type { AssessDeps } from '../../../src/core/index.ts';
import type { TabStateResponse } from '../../../src/shared/messages.ts';
import { MAX_RECIPIENTS } from '../../../src/shared/limits.ts';
import { composeById, loadFixture } from '../content/support.ts';
import { WiredTransport } from './boundary.ts';
import { assessment, largeAssessment, quotaArea } from './fakes.ts';
import { installI18n } from './locale-fixture.ts';

const COMPOSE = 'gmail:101';
let cs: ContentScript | undefined;

beforeEach(() => {
  installI18n();
  loadFixture('peoplekit-compose.html');
});
afterEach(() => {
  cs?.stop();
  cs = undefined;
});

/** Replaces the fixture's recipients with these confirmed PeopleKit chips in the To field. */
function addChips(addresses: readonly string[]): void {
  for (const chip of composeById('101').querySelectorAll('div[name="to"] [role="option"], div[name="cc"] [role="option"]')) (chip.closest('.agh') ?? chip).remove();
  appendChips(addresses);
}

/** Adds chips after the ones already in the To field (a person adding recipients). */
function appendChips(addresses: readonly string[]): void {
  const input = composeById('101').querySelector<HTMLInputElement>('div[name="to"] input[role="combobox"]')!;
  for (const address of addresses) {
    const wrapper = document.createElement('div');
    wrapper.className = 'agh';
    const chip = document.createElement('div');
    chip.className = 'afV';
    chip.setAttribute('role', 'option');
    chip.setAttribute('data-hovercard-id', address);
    chip.append(address);
    wrapper.append(chip);
    input.before(wrapper);
  }
}

function badgeText(): string {
  return cs?.badge(COMPOSE)?.shadow.querySelector('[role="status"]')?.textContent ?? '';
}

function start(transport: WiredTransport): void {
  cs = startContentScript({ adapter: gmailAdapter, doc: document, transport, timing: { rootScanDelayMs: 0, readDelayMs: 0, pollMs: 50 } });
}

describe('recipient limit across the message boundary', () => {
  it('checks a compose with exactly the maximum number of recipients', async () => {
    const transport = new WiredTransport(memoryArea(), async (d) => assessment(d, 'protected', { now: Date.now() }));
    addChips(Array.from({ length: MAX_RECIPIENTS }, (_, i) => `u${i}@d${i % 3}.example`));
    start(transport);
    await vi.waitFor(() => expect(badgeText()).toContain('Protected'), { timeout: 3000 });
    expect(transport.background.replies.every((r) => (r as { ok?: boolean }).ok === true)).toBe(true);
  });

  it('says "too many recipients to check" for one more than the maximum, never "checking" forever', async () => {
    const assess = vi.fn(async (d: string) => assessment(d, 'protected', { now: Date.now() }));
    const transport = new WiredTransport(memoryArea(), assess);
    addChips(Array.from({ length: MAX_RECIPIENTS + 1 }, (_, i) => `u${i}@d${i % 3}.example`));
    start(transport);
    await vi.waitFor(() => expect(badgeText()).toMatch(/too many recipients to check/i), { timeout: 3000 });
    // The background accepted the message (no silent rejection) and looked nothing up.
    expect(transport.background.replies).not.toContainEqual(expect.objectContaining({ ok: false }));
    expect(assess).not.toHaveBeenCalled();
  });

  it('shows a rejection by the background instead of waiting forever', async () => {
    const transport = new WiredTransport(memoryArea(), async (d) => assessment(d, 'protected', { now: Date.now() }));
    addChips(['ann@example.com']);
    // A background that refuses the message (e.g. a newer content script than the worker).
    transport.send = async () => ({ ok: false, error: 'invalid message' });
    start(transport);
    await vi.waitFor(() => expect(badgeText()).toMatch(/could not check/i), { timeout: 3000 });
  });
});

/** Every headline the badge shows from now on (read inside its closed root, as the person sees it). */
function recordHeadlines(): string[] {
  const seen: string[] = [];
  const shadow = cs!.badge(COMPOSE)!.shadow;
  new MutationObserver(() => seen.push(shadow.querySelector('.headline')?.textContent ?? '')).observe(shadow, { subtree: true, childList: true, characterData: true });
  return seen;
}

describe('verdicts after a worker restart with storage.session full', () => {
  const engine = async (domain: string, _deps: AssessDeps) => {
    if (domain === 'plain.test') return assessment(domain, 'unverified', { now: Date.now() });
    if (domain.startsWith('big')) return largeAssessment(domain, 'protected');
    return assessment(domain, 'protected', { now: Date.now() });
  };

  it('keeps the compose state when 34 large results fill the quota: results are compacted, room is made', async () => {
    // Chrome's storage.session quota before Chrome 112 (1 MB); 34 such results exceed it uncompacted.
    const session = quotaArea(1_000_000);
    const transport = new WiredTransport(session, engine);
    addChips(['ann@enforce.test']);
    start(transport);
    await vi.waitFor(() => expect(badgeText()).toContain('Protected'), { timeout: 3000 });
    // Another compose of the tab checks 34 domains that publish huge MX sets.
    const big = Array.from({ length: 34 }, (_, i) => ({ address: `u@big${i}.test`, field: 'to' as const, pending: false }));
    await transport.send({ type: 'cs/compose-update', composeId: 'other', webmail: 'gmail', revision: 1, recipients: big, tooMany: false, fieldsFound: true });
    await vi.waitFor(async () => {
      const tab = await transport.background.controller.handlePage({ type: 'ui/get-tab-state', tabId: 7 }) as TabStateResponse;
      expect(tab.composes.find((c) => c.composeId === 'other')?.summary).toMatchObject({ level: 'protected', total: 34 });
    }, { timeout: 3000 });

    appendChips(['cat@plain.test']);
    await vi.waitFor(() => expect(badgeText()).toContain('cat@plain.test: no protection published'), { timeout: 3000 });

    const seen = recordHeadlines();
    transport.restart(engine);
    await transport.background.controller.resume();
    await vi.waitFor(() => expect(transport.background.action.last('setBadgeText', 7)?.text).toBe('!'), { timeout: 3000 });
    expect(seen.filter((h) => h === 'Protected')).toEqual([]);
    expect(badgeText()).toContain('cat@plain.test: no protection published');
    // The results were compacted to what the popup shows: they all fit, with room left.
    expect([...session.data.keys()].filter((k) => k.includes('|big')).length).toBe(34);
    expect(session.bytesInUse()).toBeLessThan(500_000);
  });

  it('shows only verdicts for the list the compose holds when the state write was lost, and sends the list again', async () => {
    const session = quotaArea(10_000_000);
    const transport = new WiredTransport(session, engine);
    addChips(['ann@enforce.test']);
    start(transport);
    await vi.waitFor(() => expect(badgeText()).toContain('Protected'), { timeout: 3000 });
    await vi.waitFor(() => expect(JSON.stringify(session.data.get(STATE_KEY))).toContain('ann@enforce.test'));

    // From now on every write of the compose state fails, even after making room.
    session.refuse = (key) => key === STATE_KEY;
    appendChips(['cat@plain.test']);
    await vi.waitFor(() => expect(badgeText()).toContain('cat@plain.test: no protection published'), { timeout: 3000 });

    const seen = recordHeadlines();
    const before = transport.sent.length;
    session.refuse = null;
    // The new worker reads the state without cat@plain.test and pushes its verdict for that list.
    transport.restart(engine);
    await transport.background.controller.resume();
    // The content script refuses the stale verdict and sends its current list again.
    await vi.waitFor(() => expect(transport.sent.slice(before).some((m) => m.type === 'cs/compose-update'
      && m.recipients.some((r) => r.address === 'cat@plain.test'))).toBe(true), { timeout: 3000 });
    await vi.waitFor(() => expect(transport.background.action.last('setBadgeText', 7)?.text).toBe('!'), { timeout: 3000 });
    expect(seen.filter((h) => h === 'Protected')).toEqual([]);
    expect(badgeText()).toContain('cat@plain.test: no protection published');
  });
});
