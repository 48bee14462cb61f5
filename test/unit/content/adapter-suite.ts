// The shared adapter test suite: the same cases for every registered webmail, run against that
// webmail's own fixtures (several layout variants each) through a driver that scripts the page
// the way the webmail does (what Enter does, where suggestions appear, how Bcc is revealed).
// Each <webmail>-suite.test.ts calls runAdapterSuite with its driver; registry.test.ts checks
// that every registered webmail has one.
//
// Cases: layout variants read exactly; typed text; paste; confirm; removal; Bcc reveal; several
// composes; never-recipients; recipients shown by name only; another document (frame or pop-out
// window); no recognisable field.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WebmailAdapter } from '../../../src/content/adapter.ts';
import { startContentScript, type ContentScript } from '../../../src/content/controller.ts';
import { readRecipients } from '../../../src/content/recipients.ts';
import { TYPING_IDLE_MS } from '../../../src/content/watcher.ts';
import type { BgComposeVerdicts, DisplayLevel } from '../../../src/shared/messages.ts';
import { brief, FakeTransport, installI18n, loadFixture } from './support.ts';

export type Kind = 'to' | 'cc' | 'bcc';

export interface ComposeExpectation {
  /** data-testid of the compose root in the fixture (null: the root carries none). */
  testid: string | null;
  /** The adapter's compose key (null: the watcher generates one). */
  key: string | null;
  /** brief() strings: "to:a@x", "cc?:typed@x", "to#:Name only". */
  recipients: string[];
  fieldsFound?: boolean;
}

export interface FixtureExpectation {
  /** Under test/fixtures/, e.g. `outlook/new-message-textbox.html`. */
  file: string;
  /** What the variant is (the test name). */
  variant: string;
  composes: ComposeExpectation[];
}

export interface SuiteDriver {
  adapter: WebmailAdapter;
  /** Layout variants (at least three) and exactly what each must read. */
  fixtures: FixtureExpectation[];
  /** A fixture with one compose to script; Bcc not yet revealed. `prepare` may adjust it. */
  live: { file: string; testid: string; baseline: string[]; prepare?(doc: Document): void };
  /** A fixture with two composes side by side (in one [role=main] where the webmail allows it). */
  multi: { file: string; testids: [string, string] };
  /** Types text as a person does: the field focused, one insertText input event per character. */
  typeKeys(root: Element, kind: Kind, text: string): void;
  /** Pastes text into a field; it stays typed-but-unconfirmed. */
  paste(root: Element, kind: Kind, text: string): void;
  /** What the webmail does when the typed address is confirmed: it becomes a chip. */
  confirm(root: Element, kind: Kind): void;
  /** Removes the chip that shows `shown`, as its × does. */
  removeChip(root: Element, shown: string): void;
  /** Reveals the Bcc field as the webmail's own control does. */
  revealBcc(root: Element): void;
  /** The field loses focus (the user moves on). */
  leave(root: Element, kind: Kind): void;
  /** Opens the webmail's suggestion list for a field, full of addresses, where the webmail puts it. */
  openSuggestions(root: Element, kind: Kind, addresses: string[]): void;
  /** Adds a chip that shows `name` and no address. */
  addNameOnlyChip(root: Element, kind: Kind, name: string): void;
  /**
   * What such a chip is: 'recipient without address' for webmails that show resolved contacts
   * by name (Outlook, Yahoo); 'invalid entry' for Gmail, whose chips always carry their address
   * and which refuses to send to an entry without one.
   */
  nameOnlyChipIs: 'recipient without address' | 'invalid entry';
  /** Changes the page so that no recipient field is recognisable any more (drift). */
  breakFields(root: Element): void;
  /** Text added to the body or quoted text: never recipients. */
  writeInBody(root: Element, text: string): void;
}

/** Verdicts that answer exactly the list an update carried (the content script shows only those). */
function verdictsFor(
  update: { composeId: string; revision: number; recipients: { address: string | null; label?: string }[] } | undefined,
  level: (r: { address: string | null }) => DisplayLevel,
): BgComposeVerdicts {
  if (update === undefined) throw new Error('no update to answer');
  const recipients = update.recipients.map((r) => ({
    address: r.address, ...(r.address === null ? { label: r.label ?? '' } : {}), domain: r.address?.split('@')[1] ?? '',
    level: level(r), summary: r.address === null ? 'Address not visible: could not check.' : 'Checked.', policyNotChecked: false,
  }));
  const worst = recipients.find((r) => r.level === 'misconfigured') ?? recipients.find((r) => r.level === 'unknown');
  return {
    type: 'bg/compose-verdicts', composeId: update.composeId, revision: update.revision,
    summary: {
      level: worst?.level ?? 'protected', total: recipients.length, notProtected: recipients.filter((r) => r.level !== 'protected').length,
      checking: 0, atLevel: 1, culprit: worst?.address ?? worst?.label ?? null, warned: worst !== undefined, policyNotChecked: false, tooMany: false,
    },
    recipients,
    sendCheck: null,
  };
}

function rootOf(testid: string, doc: Document = document): Element {
  const el = doc.querySelector(`[data-testid="${testid}"]`);
  if (el === null) throw new Error(`fixture has no [data-testid="${testid}"]`);
  return el;
}

export function runAdapterSuite(driver: SuiteDriver): void {
  const { adapter } = driver;
  const name = adapter.webmail;

  describe(`${name}: layout variants`, () => {
    beforeEach(() => document.body.replaceChildren());
    it('has at least three layout variants', () => {
      expect(driver.fixtures.length).toBeGreaterThanOrEqual(3);
    });
    it.each(driver.fixtures.map((f) => [f.variant, f] as const))('%s', (_variant, fixture) => {
      loadFixture(fixture.file);
      const roots = adapter.findComposeRoots(document);
      const read = roots.map((root) => {
        const r = readRecipients(adapter, root);
        return { testid: root.getAttribute('data-testid'), key: adapter.composeKey(root), recipients: brief(r), fieldsFound: r.fieldsFound };
      });
      expect(read).toEqual(fixture.composes.map((c) => ({ testid: c.testid, key: c.key, recipients: c.recipients, fieldsFound: c.fieldsFound ?? true })));
    });
  });

  describe(`${name}: the watcher on a scripted compose`, () => {
    let transport: FakeTransport;
    let cs: ContentScript | undefined;
    let root: Element;
    const updates = () => transport.updates();
    const last = () => brief(updates().at(-1));
    const settle = () => vi.advanceTimersByTimeAsync(400);

    beforeEach(() => {
      vi.useFakeTimers();
      installI18n();
      transport = new FakeTransport();
      document.body.replaceChildren();
      loadFixture(driver.live.file);
      driver.live.prepare?.(document);
      root = rootOf(driver.live.testid);
      cs = startContentScript({ adapter, doc: document, transport });
    });
    afterEach(() => {
      cs?.stop();
      cs = undefined;
      vi.useRealTimers();
    });

    it('starts with the baseline recipients, once', async () => {
      expect(updates().map(brief)).toEqual([driver.live.baseline]);
      await vi.advanceTimersByTimeAsync(5000);
      expect(updates()).toHaveLength(1);
    });

    it('typed text: nothing while typing, then pending after the pause; leaving the field counts at once', async () => {
      transport.clear();
      driver.typeKeys(root, 'to', 'dave@new.exa');
      await settle();
      expect(updates()).toEqual([]);
      driver.typeKeys(root, 'to', 'mple');
      await vi.advanceTimersByTimeAsync(TYPING_IDLE_MS + 200);
      expect(updates()).toHaveLength(1);
      expect(last()).toEqual([...driver.live.baseline.filter((r) => !r.includes('#')), 'to?:dave@new.example', ...driver.live.baseline.filter((r) => r.includes('#'))]);
    });

    it('a paste of three addresses gives three pending recipients in one update', async () => {
      transport.clear();
      driver.paste(root, 'to', 'a@x.test, b@y.test; c@z.test');
      await settle();
      expect(updates()).toHaveLength(1);
      expect(last()).toEqual(expect.arrayContaining(['to?:a@x.test', 'to?:b@y.test', 'to?:c@z.test']));
    });

    it('confirming a typed address turns it into a chip (no longer pending)', async () => {
      driver.typeKeys(root, 'to', 'eve@chip.example');
      driver.leave(root, 'to');
      await settle();
      expect(last()).toContain('to?:eve@chip.example');
      driver.confirm(root, 'to');
      await settle();
      expect(last()).toContain('to:eve@chip.example');
      expect(last()).not.toContain('to?:eve@chip.example');
    });

    it('a removed chip is gone from the next update', async () => {
      const first = driver.live.baseline.find((r) => r.startsWith('to:'));
      if (first === undefined) throw new Error('the live fixture needs a To chip with an address');
      transport.clear();
      driver.removeChip(root, first.slice(3));
      await settle();
      expect(updates()).toHaveLength(1);
      expect(last()).toEqual(driver.live.baseline.filter((r) => r !== first));
    });

    it('Bcc: absent until revealed, then what is typed there counts as Bcc', async () => {
      expect(adapter.fields(root).map((f) => f.kind)).not.toContain('bcc');
      driver.revealBcc(root);
      await settle();
      expect(adapter.fields(root).map((f) => f.kind)).toContain('bcc');
      driver.typeKeys(root, 'bcc', 'hidden@bcc.example');
      driver.leave(root, 'bcc');
      await settle();
      expect(last()).toContain('bcc?:hidden@bcc.example');
    });

    it('never reads a suggestion list, the body or quoted text', async () => {
      transport.clear();
      driver.openSuggestions(root, 'to', ['sugg1@suggested.example', 'Sugg Two <sugg2@suggested.example>']);
      driver.writeInBody(root, 'write to body@body.example or quoted@quoted.example');
      await vi.advanceTimersByTimeAsync(5000);
      expect(updates()).toEqual([]);
    });

    it(`a chip showing only a name is a ${driver.nameOnlyChipIs}`, async () => {
      transport.clear();
      driver.addNameOnlyChip(root, 'to', 'Project Board');
      await vi.advanceTimersByTimeAsync(2500);
      if (driver.nameOnlyChipIs === 'invalid entry') {
        expect(updates()).toEqual([]);
        return;
      }
      expect(last()).toEqual([...driver.live.baseline, 'to#:Project Board']);
      // Shown in the inline details with its name, as the background words it.
      const composeId = updates().at(-1)?.composeId ?? '';
      const verdicts = verdictsFor(updates().at(-1), (r) => (r.address === null ? 'unknown' : 'protected'));
      transport.deliver(verdicts);
      const badge = cs!.badge(composeId)!;
      badge.shadow.querySelector<HTMLButtonElement>('button.toggle')!.click();
      const rows = [...badge.shadow.querySelectorAll('li')].map((li) => li.textContent ?? '');
      expect(rows.filter((row) => row.includes('Project Board'))).toEqual(['?Project Board \u2014 Could not checkAddress not visible: could not check.']);
      expect(rows).toHaveLength(driver.live.baseline.length + 1);
    });

    it('a compose whose fields are no longer recognisable reports fieldsFound false, never "no recipients"', async () => {
      driver.breakFields(root);
      await vi.advanceTimersByTimeAsync(2500);
      expect(updates().at(-1)).toMatchObject({ fieldsFound: false, recipients: [] });
    });

    it('a document that goes away closes its composes (pagehide)', () => {
      transport.clear();
      window.dispatchEvent(new Event('pagehide'));
      expect(transport.sent.map((m) => m.type)).toEqual(['cs/compose-closed']);
    });
  });

  describe(`${name}: several composes and other documents`, () => {
    let transport: FakeTransport;
    let cs: ContentScript | undefined;
    beforeEach(() => {
      vi.useFakeTimers();
      installI18n();
      transport = new FakeTransport();
      document.body.replaceChildren();
    });
    afterEach(() => {
      cs?.stop();
      cs = undefined;
      vi.useRealTimers();
    });

    it('two composes get separate ids, updates, badges and verdicts', async () => {
      loadFixture(driver.multi.file);
      cs = startContentScript({ adapter, doc: document, transport });
      const [a, b] = driver.multi.testids.map((id) => rootOf(id));
      const ids = [...cs.watcher.composes()].map(([id, c]) => [id, c.root.getAttribute('data-testid')]);
      expect(ids.map(([, t]) => t)).toEqual(expect.arrayContaining([...driver.multi.testids]));
      const idOf = (root: Element | undefined) => ids.find(([, t]) => t === root?.getAttribute('data-testid'))?.[0] as string;
      expect(new Set(ids.map(([id]) => id)).size).toBe(ids.length);
      // Each compose has its own badge, inside its own root.
      expect(a!.contains(cs.badge(idOf(a))!.host)).toBe(true);
      expect(b!.contains(cs.badge(idOf(b))!.host)).toBe(true);
      transport.clear();
      driver.typeKeys(b!, 'to', 'only@b.example');
      driver.leave(b!, 'to');
      await vi.advanceTimersByTimeAsync(400);
      expect(transport.updates().map((u) => u.composeId)).toEqual([idOf(b)]);
      transport.deliver(verdictsFor(transport.updates(idOf(b)).at(-1), (r) => (r.address === 'only@b.example' ? 'misconfigured' : 'protected')));
      const text = (root: Element | undefined) => cs!.badge(idOf(root))!.shadow.querySelector('[role="status"]')!.textContent;
      expect(text(b)).toContain('only@b.example: protection broken');
      expect(text(a)).not.toContain('only@b.example');
    });

    it('watches a compose in another document (a frame or a pop-out window) on its own', async () => {
      const other = document.implementation.createHTMLDocument('pop-out');
      loadFixture(driver.live.file, other);
      driver.live.prepare?.(other);
      cs = startContentScript({ adapter, doc: other, transport });
      expect(transport.updates().map(brief)).toEqual([driver.live.baseline]);
      driver.typeKeys(rootOf(driver.live.testid, other), 'to', 'far@frame.example');
      driver.leave(rootOf(driver.live.testid, other), 'to');
      await vi.advanceTimersByTimeAsync(400);
      expect(brief(transport.updates().at(-1))).toContain('to?:far@frame.example');
      // Nothing of it leaks into the main document.
      expect(adapter.findComposeRoots(document)).toEqual([]);
    });
  });
}
