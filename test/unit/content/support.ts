// Test support for the content-script tests (happy-dom): fixture loading without HTML sinks,
// a chrome.i18n stand-in backed by src/content/locale/en.json, and a fake message transport.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CsToBg } from '../../../src/shared/messages.ts';
import type { Transport } from '../../../src/content/messaging.ts';
import { getMessageFrom, loadMessages } from '../background/locale-fixture.ts';

// Paths, not URL objects: under happy-dom the global URL is the DOM's, which node:fs rejects.
const HERE = dirname(fileURLToPath(import.meta.url));
const FIXTURES = join(HERE, '../../fixtures');

/**
 * Replaces a document's body (the test document's by default) with the fixture's body (parsed,
 * never assigned as HTML). `name` is a file of test/fixtures/gmail/, or `<dir>/<file>` under
 * test/fixtures/ (e.g. `outlook/new-message-textbox.html`).
 */
export function loadFixture(name: string, doc: Document = document): void {
  const html = readFileSync(join(FIXTURES, name.includes('/') ? name : `gmail/${name}`), 'utf8');
  const parsed = new DOMParser().parseFromString(html, 'text/html');
  doc.body.className = parsed.body.className;
  doc.body.replaceChildren(...Array.from(parsed.body.childNodes, (n) => doc.importNode(n, true)));
}

/** chrome.i18n.getMessage over the merged English messages (the content script also uses src/shared's). */
export const getMessage = getMessageFrom(loadMessages());

export function installI18n(): void {
  (globalThis as { chrome?: unknown }).chrome = { i18n: { getMessage, getUILanguage: () => 'en' } };
}

export class FakeTransport implements Transport {
  readonly sent: CsToBg[] = [];
  failing = false;
  isAlive = true;
  private readonly listeners = new Set<(message: unknown) => void>();

  send(message: CsToBg): Promise<unknown> {
    this.sent.push(structuredClone(message));
    return this.failing ? Promise.reject(new Error('Could not establish connection. Receiving end does not exist.')) : Promise.resolve(undefined);
  }
  onMessage(listener: (message: unknown) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  alive(): boolean {
    return this.isAlive;
  }
  /** Delivers a message as if the background had sent it to this tab. */
  deliver(message: unknown): void {
    for (const l of this.listeners) l(message);
  }
  get listenerCount(): number {
    return this.listeners.size;
  }
  updates(composeId?: string): Extract<CsToBg, { type: 'cs/compose-update' }>[] {
    return this.sent.filter((m): m is Extract<CsToBg, { type: 'cs/compose-update' }> =>
      m.type === 'cs/compose-update' && (composeId === undefined || m.composeId === composeId));
  }
  clear(): void {
    this.sent.length = 0;
  }
}

/**
 * The recipients of an update as compact strings: "to:jane@example.com", "to?:typed@x" (pending),
 * "to#:Design Group" (shown by name only, no address).
 */
export function brief(update: { recipients: { address: string | null; label?: string; field: string; pending: boolean }[] } | undefined): string[] {
  return (update?.recipients ?? []).map((r) => (r.address === null ? `${r.field}#:${r.label ?? ''}` : `${r.field}${r.pending ? '?' : ''}:${r.address}`));
}

// ----- scripting Gmail-like behaviour on the fixtures --------------------------------------

export function composeById(id: string): HTMLElement {
  const el = document.querySelector<HTMLElement>(`[data-testid="compose-${id}"]`);
  if (el === null) throw new Error(`no compose ${id}`);
  return el;
}

export function comboboxOf(compose: Element, field: 'to' | 'cc' | 'bcc'): HTMLInputElement {
  const input = compose.querySelector<HTMLInputElement>(`div[name="${field}"] input[role="combobox"]`);
  if (input === null) throw new Error(`no ${field} input`);
  return input;
}

/** Types text into a recipient input the way a user does: value changes, then an input event. */
export function type(input: HTMLInputElement, text: string): void {
  input.value += text;
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

export function paste(input: HTMLInputElement, text: string): void {
  input.dispatchEvent(new Event('paste', { bubbles: true }));
  input.value += text;
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

/** What Gmail does on Enter: the typed address becomes a PeopleKit chip, the input empties. */
export function confirmAsChip(input: HTMLInputElement): void {
  const address = input.value.trim();
  const wrapper = document.createElement('div');
  wrapper.className = 'agh';
  const chip = document.createElement('div');
  chip.className = 'afV';
  chip.setAttribute('role', 'option');
  chip.setAttribute('data-name', address);
  chip.setAttribute('data-hovercard-id', address);
  const remove = document.createElement('div');
  remove.className = 'afX';
  remove.setAttribute('role', 'button');
  remove.setAttribute('aria-label', `Remove ${address}`);
  chip.append(address, remove);
  wrapper.append(chip);
  input.before(wrapper);
  input.value = '';
  input.dispatchEvent(new KeyboardEvent('keyup', { key: 'Enter', bubbles: true }));
}

export function removeChip(compose: Element, address: string): void {
  const chip = compose.querySelector(`[role="option"][data-hovercard-id="${address}"]`);
  if (chip === null) throw new Error(`no chip ${address}`);
  (chip.closest('.agh') ?? chip).remove();
}

/** Typing as a person does: focused field, one InputEvent of inputType insertText per character. */
export function typeKeys(input: HTMLInputElement, text: string): void {
  input.focus();
  for (const ch of text) {
    input.value += ch;
    input.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: ch }));
  }
}
