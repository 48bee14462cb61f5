// @vitest-environment happy-dom
// The Outlook-like and Yahoo-like test apps (test/fixtures/outlook-app, yahoo-app) must render
// what the adapters read in the fixtures, so the end-to-end tests and the benchmark exercise the
// same code paths; and they must record sends the way the real apps do (delegated listeners in
// the bubble phase on an app root), which the send-time check will build on.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WebmailAdapter } from '../../../src/content/adapter.ts';
import { outlookAdapter } from '../../../src/content/outlook/adapter.ts';
import { readRecipients } from '../../../src/content/recipients.ts';
import { yahooAdapter } from '../../../src/content/yahoo/adapter.ts';
import { brief } from './support.ts';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures');

interface App {
  openCompose(): string;
  openReply(): string;
  addPills(id: string, kind: string, texts: string[]): void;
  setTyped(id: string, kind: string, text: string): void;
  composeIds(): string[];
  sent(): { compose: string; via: string; to: string[]; cc: string[]; bcc: string[] }[];
}

function startApp(dir: string, global: string, query: string): App {
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`http://localhost/${query}`);
  const parsed = new DOMParser().parseFromString(readFileSync(join(FIXTURES, dir, 'index.html'), 'utf8'), 'text/html');
  document.body.replaceChildren(...Array.from(parsed.body.childNodes, (n) => document.importNode(n, true)));
  new Function(readFileSync(join(FIXTURES, dir, 'app.js'), 'utf8'))();
  return (window as unknown as Record<string, App>)[global] as App;
}

function readAll(adapter: WebmailAdapter): [string | null, string[]][] {
  return adapter.findComposeRoots(document).map((root) => [root.getAttribute('data-testid'), brief(readRecipients(adapter, root))]);
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('outlook-app', () => {
  it('renders a new message and an inline reply in one [role=main], read as two composes', () => {
    const app = startApp('outlook-app', 'outlookApp', '?compose=1&reply=1');
    expect(app.composeIds().sort()).toEqual(['1', 'r1']);
    expect(document.querySelectorAll('[role="main"] [id^="docking_InitVisiblePart_"]')).toHaveLength(2);
    app.addPills('1', 'to', ['ann@enforce.test', 'Design Group']);
    app.setTyped('1', 'cc', 'typed@plain.test');
    expect(readAll(outlookAdapter)).toEqual([
      ['compose-1', ['to:ann@enforce.test', 'cc?:typed@plain.test', 'to#:Design Group']],
      ['compose-r1', ['to:lena@plain.test']],
    ]);
  });

  it('turns typed text into a pill on ";" only (not Enter), later; suggestions give a name-only pill', async () => {
    startApp('outlook-app', 'outlookApp', '?compose=1');
    const well = document.querySelector<HTMLElement>('[data-testid="to-well-1"]')!;
    well.append(document.createTextNode('bob@plain.test'));
    well.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    await vi.advanceTimersByTimeAsync(0);
    expect(readAll(outlookAdapter)).toEqual([['compose-1', ['to?:bob@plain.test']]]);
    well.dispatchEvent(new KeyboardEvent('keydown', { key: ';', bubbles: true, cancelable: true }));
    await vi.advanceTimersByTimeAsync(0);
    expect(readAll(outlookAdapter)).toEqual([['compose-1', ['to:bob@plain.test']]]);
    well.append(document.createTextNode('Do'));
    well.dispatchEvent(new Event('input', { bubbles: true }));
    const option = document.querySelector('#fluent-default-layer-host [role="option"]')!;
    expect(option.getAttribute('aria-label')).toBe('dora@directory.test - Dora Directory');
    // The suggestion portal is outside the compose: not read.
    expect(readAll(outlookAdapter)).toEqual([['compose-1', ['to:bob@plain.test']]]);
    option.dispatchEvent(new MouseEvent('mousedown', { bubbles: true, cancelable: true }));
    await vi.advanceTimersByTimeAsync(0);
    expect(readAll(outlookAdapter)).toEqual([['compose-1', ['to:bob@plain.test', 'to#:Dora Directory']]]);
  });

  it('reveals Bcc only on its button; records a send by click or Ctrl+Enter and closes the compose', () => {
    const app = startApp('outlook-app', 'outlookApp', '?compose=2');
    expect(document.querySelector('[data-testid="bcc-well-1"]')).toBeNull();
    (document.querySelector('[data-testid="bcc-button-1"]') as HTMLElement).click();
    expect(outlookAdapter.fields(document.querySelector('[data-testid="compose-1"]')!).map((f) => f.kind)).toEqual(['to', 'cc', 'bcc']);
    app.addPills('1', 'bcc', ['hidden@plain.test']);
    app.setTyped('1', 'to', 'typed@plain.test');
    (document.querySelector('[data-testid="compose-1"] [data-testid="ComposeSendButton"]') as HTMLElement).click();
    document.querySelector('[data-testid="to-well-2"]')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, bubbles: true, cancelable: true }));
    expect(app.sent().map(({ compose, via, to, cc, bcc }) => ({ compose, via, to, cc, bcc }))).toEqual([
      { compose: '1', via: 'click', to: ['typed@plain.test'], cc: [], bcc: ['hidden@plain.test'] },
      { compose: '2', via: 'shortcut', to: [], cc: [], bcc: [] },
    ]);
    expect(app.composeIds()).toEqual([]);
  });
});

describe('yahoo-app', () => {
  it('renders a new message and an inline reply, read as two composes, the From row and quote never read', () => {
    const app = startApp('yahoo-app', 'yahooApp', '?compose=1&reply=1');
    expect(app.composeIds()).toEqual(['r1', '1']);
    app.addPills('1', 'to', ['ann@enforce.test', 'lee.chen@contacts.test']);
    app.setTyped('1', 'cc', 'typed@plain.test');
    expect(readAll(yahooAdapter)).toEqual([
      ['compose-r1', ['to:sam@plain.test']],
      ['compose-1', ['to:ann@enforce.test', 'to:lee.chen@contacts.test', 'cc?:typed@plain.test']],
    ]);
    expect(document.querySelector('[data-testid="pill-lee.chen@contacts.test"]')!.getAttribute('title')).toBe('Lee Chen <lee.chen@contacts.test>');
  });

  it('turns typed text into a pill on Enter, later; the autocomplete inside the field is never read', async () => {
    startApp('yahoo-app', 'yahooApp', '?compose=1');
    const input = document.querySelector<HTMLInputElement>('[data-testid="to-input-1"]')!;
    input.value = 'le';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    const list = document.getElementById(input.getAttribute('aria-controls')!)!;
    expect(input.closest('[data-test-id="container-to"]')!.contains(list)).toBe(true);
    expect(readAll(yahooAdapter)).toEqual([['compose-1', []]]);
    input.value = 'bob@plain.test';
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    expect(readAll(yahooAdapter)).toEqual([['compose-1', ['to?:bob@plain.test']]]);
    await vi.advanceTimersByTimeAsync(0);
    expect(readAll(yahooAdapter)).toEqual([['compose-1', ['to:bob@plain.test']]]);
  });

  it('shows and hides Cc and Bcc together (hidden recipients still count); records sends', () => {
    const app = startApp('yahoo-app', 'yahooApp', '?compose=1');
    const button = document.querySelector<HTMLElement>('[data-testid="btn-cc-1"]')!;
    button.click();
    app.addPills('1', 'bcc', ['secret@plain.test']);
    button.click();
    expect((document.querySelector('[data-testid="bcc-row-1"]') as HTMLElement).style.display).toBe('none');
    expect(readAll(yahooAdapter)).toEqual([['compose-1', ['bcc:secret@plain.test']]]);
    (document.querySelector('[data-testid="send-1"]') as HTMLElement).click();
    expect(app.sent().map(({ compose, via, bcc }) => ({ compose, via, bcc }))).toEqual([{ compose: '1', via: 'click', bcc: ['<secret@plain.test>'] }]);
    expect(app.composeIds()).toEqual([]);
  });
});
