// @vitest-environment happy-dom
// The Gmail-like test app (test/fixtures/gmail-app) must render what the adapter reads in the
// fixtures, so the end-to-end tests and the benchmark exercise the same code paths. Runs app.js
// in happy-dom and scripts it through its own controls and window.gmailApp.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { gmailAdapter } from '../../../src/content/gmail/adapter.ts';
import { readRecipients } from '../../../src/content/recipients.ts';
import { brief } from './support.ts';

const APP = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/gmail-app');

interface GmailApp {
  composeIds(): string[];
  addChips(id: string, kind: string, addresses: string[]): void;
  setTyped(id: string, kind: string, text: string): void;
}

function startApp(query: string): GmailApp {
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`http://localhost/${query}`);
  const parsed = new DOMParser().parseFromString(readFileSync(join(APP, 'index.html'), 'utf8'), 'text/html');
  document.body.replaceChildren(...Array.from(parsed.body.childNodes, (n) => document.importNode(n, true)));
  // The app is a classic script; run it the way the page would, in this window.
  new Function(readFileSync(join(APP, 'app.js'), 'utf8'))();
  return (window as unknown as { gmailApp: GmailApp }).gmailApp;
}

function readAll(): [string | null, string[]][] {
  return gmailAdapter.findComposeRoots(document).map((root) => [gmailAdapter.composeKey(root), brief(readRecipients(gmailAdapter, root))]);
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('gmail-app test page', () => {
  it('pre-opens composes, an inline reply and recipients from the query', () => {
    const app = startApp('?composes=2&inline=1&recipients=3');
    expect(app.composeIds()).toEqual(['r1', '1', '2']);
    expect(readAll()).toEqual([
      ['gmail:r1', ['to:sender@thread.example']],
      ['gmail:1', ['to:user0@domain0.example', 'to:user2@domain2.example']],
      ['gmail:2', ['to:user1@domain1.example']],
    ]);
  });

  it('adds filler elements for the large-page benchmark', () => {
    startApp('?filler=5000');
    expect(document.getElementById('filler')!.getElementsByTagName('*').length).toBeGreaterThanOrEqual(5000);
  });

  it('turns typed text into a chip on Enter, asynchronously; Backspace removes the last chip', async () => {
    startApp('?composes=1');
    const input = document.querySelector<HTMLInputElement>('[data-testid="to-input-1"]')!;
    input.value = 'bob@example.net';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    // The suggestion popup is open now; the adapter must not read it.
    expect(document.querySelector('[role="listbox"][aria-label="Suggestions"]')).toBeNull();
    input.value = 'al';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    expect(document.querySelectorAll('[aria-label="Suggestions"] [role="option"]').length).toBe(2);
    expect(readAll()).toEqual([['gmail:1', []]]);
    input.value = 'bob@example.net';
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    expect(readAll()).toEqual([['gmail:1', ['to?:bob@example.net']]]);
    await vi.advanceTimersByTimeAsync(0);
    expect(readAll()).toEqual([['gmail:1', ['to:bob@example.net']]]);
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Backspace', bubbles: true, cancelable: true }));
    expect(readAll()).toEqual([['gmail:1', []]]);
  });

  it('opens Cc on demand, removes a chip by its button, closes a compose', () => {
    const app = startApp('?composes=2');
    app.addChips('1', 'cc', ['a@x.test', 'b@y.test']);
    (document.querySelector('[data-hovercard-id="a@x.test"] .afX') as HTMLElement).click();
    expect(readAll()).toEqual([['gmail:1', ['cc:b@y.test']], ['gmail:2', []]]);
    (document.querySelector('[data-testid="close-compose-1"]') as HTMLElement).click();
    expect(readAll()).toEqual([['gmail:2', []]]);
    (document.querySelector('[data-testid="compose-button"]') as HTMLElement).click();
    expect(app.composeIds()).toEqual(['2', '3']);
  });
});
