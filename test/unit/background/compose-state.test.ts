// The per-tab, per-compose reducer.
import { describe, expect, it } from 'vitest';
import { activeCompose, composeKey, emptyState, MAX_COMPOSES_PER_TAB, normalizeRecipients, reduce, type ComposeEvent } from '../../../src/background/compose-state.ts';
import type { ComposeRecipient, CsComposeUpdate } from '../../../src/shared/messages.ts';

const r = (address: string, field: ComposeRecipient['field'] = 'to', pending = false): ComposeRecipient => ({ address, field, pending });
const update = (composeId: string, recipients: ComposeRecipient[], documentId?: string): ComposeEvent => ({
  kind: 'update', tabId: 1, frameId: 0, ...(documentId ? { documentId } : {}),
  message: { type: 'cs/compose-update', composeId, webmail: 'gmail', revision: 1, tooMany: false, recipients, fieldsFound: true } satisfies CsComposeUpdate,
});
const run = (...events: ComposeEvent[]) => events.reduce(reduce, emptyState());

describe('normalizeRecipients', () => {
  it('trims, drops empty ones and keeps the first of case-insensitive duplicates', () => {
    expect(normalizeRecipients([r(' A@Example.com '), r(''), r('a@example.com', 'cc'), r('b@example.com', 'bcc', true)]))
      .toEqual([r('A@Example.com'), r('b@example.com', 'bcc', true)]);
  });
});

describe('normalizeRecipients without addresses', () => {
  it('keeps every name-only recipient (two contacts may share a name), trimmed and capped, and drops unnamed ones', () => {
    const named = (label: string): ComposeRecipient => ({ address: null, label, field: 'to', pending: false });
    expect(normalizeRecipients([named(' Design Group '), named('Design Group'), named('  '), named('x'.repeat(150))]).map((x) => x.label))
      .toEqual(['Design Group', 'Design Group', 'x'.repeat(100)]);
  });
});

/** An update from a sub-frame (Outlook runs in frames and in its pop-out window). */
const frameUpdate = (frameId: number, composeId: string, recipients: ComposeRecipient[], documentId?: string): ComposeEvent => ({
  kind: 'update', tabId: 1, frameId, ...(documentId ? { documentId } : {}),
  message: { type: 'cs/compose-update', composeId, webmail: 'outlook', revision: 1, tooMany: false, recipients, fieldsFound: true },
});

describe('composes in frames', () => {
  it('keeps composes with the same id in two frames apart, each with its frame', () => {
    const s = run(frameUpdate(0, 'outlook:auto-1', [r('a@x.test')], 'top'), frameUpdate(4, 'outlook:auto-1', [r('b@y.test')], 'sub'));
    const composes = s.tabs[1]?.composes ?? {};
    expect(Object.keys(composes).sort()).toEqual(['4|outlook:auto-1', 'outlook:auto-1']);
    expect(composes[composeKey(4, 'outlook:auto-1')]).toMatchObject({ frameId: 4, documentId: 'sub', recipients: [r('b@y.test')] });
    expect(s.tabs[1]?.documentId).toBe('top');
  });

  it('focuses and closes the compose of the right frame', () => {
    const s1 = run(frameUpdate(0, 'c', []), frameUpdate(4, 'c', []), { kind: 'focus', tabId: 1, frameId: 4, composeId: 'c' });
    expect(s1.tabs[1]?.activeComposeId).toBe('4|c');
    const s2 = reduce(s1, { kind: 'closed', tabId: 1, frameId: 4, composeId: 'c' });
    expect(Object.keys(s2.tabs[1]?.composes ?? {})).toEqual(['c']);
    expect(s2.tabs[1]?.activeComposeId).toBe('c');
  });

  it('a sub-frame with a new document drops only its own old composes', () => {
    const s = run(frameUpdate(0, 'top', [], 'd0'), frameUpdate(4, 'old', [], 'd4'), frameUpdate(4, 'new', [], 'd4b'));
    expect(Object.keys(s.tabs[1]?.composes ?? {}).sort()).toEqual(['4|new', 'top']);
  });

  it('a new top document (a reload) drops the composes of every frame', () => {
    const s = run(frameUpdate(0, 'top', [], 'd0'), frameUpdate(4, 'sub', [], 'd4'), frameUpdate(0, 'again', [], 'd0b'));
    expect(Object.keys(s.tabs[1]?.composes ?? {})).toEqual(['again']);
  });

  it('a sub-frame message does not count as a new top document', () => {
    const s = run(frameUpdate(0, 'top', [], 'd0'), frameUpdate(4, 'sub', [], 'd4'));
    expect(Object.keys(s.tabs[1]?.composes ?? {}).sort()).toEqual(['4|sub', 'top']);
    expect(s.tabs[1]?.documentId).toBe('d0');
  });
});

describe('reduce', () => {
  it('records a compose per tab and makes the first one active', () => {
    const s = run(update('c1', [r('a@example.com')]));
    const tab = s.tabs[1];
    expect(tab?.webmail).toBe('gmail');
    expect(tab?.activeComposeId).toBe('c1');
    expect(tab?.composes.c1?.recipients).toEqual([r('a@example.com')]);
  });

  it('replaces the recipients of a compose on every update', () => {
    const s = run(update('c1', [r('a@example.com')]), update('c1', [r('b@example.com')]));
    expect(s.tabs[1]?.composes.c1?.recipients).toEqual([r('b@example.com')]);
  });

  it('keeps the focused compose active while another one changes', () => {
    const s = run(update('c1', []), update('c2', []), { kind: 'focus', tabId: 1, frameId: 0, composeId: 'c2' }, update('c1', [r('x@y.z')]));
    expect(s.tabs[1]?.activeComposeId).toBe('c2');
  });

  it('ignores focus on a compose it does not know', () => {
    const s1 = run(update('c1', []));
    expect(reduce(s1, { kind: 'focus', tabId: 1, frameId: 0, composeId: 'nope' })).toBe(s1);
    expect(reduce(s1, { kind: 'focus', tabId: 2, frameId: 0, composeId: 'c1' })).toBe(s1);
  });

  it('falls back to the most recently changed compose when the active one closes', () => {
    const s = run(update('c1', []), update('c2', []), update('c3', []), { kind: 'focus', tabId: 1, frameId: 0, composeId: 'c3' }, update('c1', [r('a@b.c')]),
      { kind: 'closed', tabId: 1, frameId: 0, composeId: 'c3' });
    expect(Object.keys(s.tabs[1]?.composes ?? {}).sort()).toEqual(['c1', 'c2']);
    expect(s.tabs[1]?.activeComposeId).toBe('c1');
  });

  it('leaves the tab with no active compose when the last one closes', () => {
    const s = run(update('c1', []), { kind: 'closed', tabId: 1, frameId: 0, composeId: 'c1' });
    expect(s.tabs[1]?.activeComposeId).toBeNull();
    expect(activeCompose(s.tabs[1]!)).toBeNull();
  });

  it('forgets a removed tab', () => {
    const s = run(update('c1', []), { kind: 'tab-removed', tabId: 1 });
    expect(s.tabs).toEqual({});
  });

  it('drops the old composes when the document changed (a reload)', () => {
    const s = run(update('c1', [], 'doc-1'), update('c2', [], 'doc-2'));
    expect(Object.keys(s.tabs[1]?.composes ?? {})).toEqual(['c2']);
    expect(s.tabs[1]?.documentId).toBe('doc-2');
  });

  it('keeps composes when the browser gives no document id (Firefox)', () => {
    const s = run(update('c1', []), update('c2', []));
    expect(Object.keys(s.tabs[1]?.composes ?? {}).sort()).toEqual(['c1', 'c2']);
  });

  it('bounds the composes per tab, dropping the least recently changed', () => {
    const events = Array.from({ length: MAX_COMPOSES_PER_TAB + 2 }, (_, i) => update(`c${i}`, []));
    const composes = run(...events).tabs[1]?.composes ?? {};
    expect(Object.keys(composes)).toHaveLength(MAX_COMPOSES_PER_TAB);
    expect(composes.c0).toBeUndefined();
    expect(composes[`c${MAX_COMPOSES_PER_TAB + 1}`]).toBeDefined();
  });

  it('returns the same state object when nothing changed', () => {
    const s = run(update('c1', []));
    expect(reduce(s, { kind: 'closed', tabId: 1, frameId: 0, composeId: 'other' })).toBe(s);
    expect(reduce(s, { kind: 'tab-removed', tabId: 9 })).toBe(s);
  });

  it('is serializable (it is persisted in storage.session)', () => {
    const s = run(update('c1', [r('a@example.com')], 'doc'), update('c2', []));
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});
