// The real English messages for tests: the same fragments the build merges, and a getMessage
// that substitutes placeholders the way Chrome does ($NAME$ -> placeholder content, $1 -> arg).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mergeLocaleFragments, type LocaleFragment, type LocaleMessage } from '../../../src/shared/locale-bundle.ts';

// A string, not new URL(): under happy-dom the global URL is not Node's.
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export function readFragments(): LocaleFragment[] {
  const src = join(ROOT, 'src');
  return readdirSync(src, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join('src', d.name, 'locale', 'en.json'))
    .filter((file) => existsSync(join(ROOT, file)))
    .map((file) => ({ file, messages: JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as unknown }));
}

export function loadMessages(): Record<string, LocaleMessage> {
  const merged = mergeLocaleFragments(readFragments());
  if (!merged.ok) throw new Error(merged.errors.join('; '));
  return merged.messages;
}

export function getMessageFrom(messages: Record<string, LocaleMessage>) {
  const byLower = new Map(Object.entries(messages).map(([k, v]) => [k.toLowerCase(), v]));
  return (key: string, substitutions?: string | string[]): string => {
    const entry = byLower.get(key.toLowerCase());
    if (!entry) return '';
    const args = substitutions === undefined ? [] : Array.isArray(substitutions) ? substitutions : [substitutions];
    const fill = (text: string) => text.replace(/\$(\d)/g, (_, n: string) => args[Number(n) - 1] ?? '');
    return entry.message.replace(/\$([A-Za-z0-9_@]+)\$/g, (whole, name: string) => {
      const p = entry.placeholders?.[name.toLowerCase()];
      return p ? fill(p.content) : whole;
    });
  };
}

/** Install chrome.i18n with the real messages (call from beforeAll / at module top). */
export function installI18n(): void {
  const getMessage = getMessageFrom(loadMessages());
  (globalThis as { chrome?: unknown }).chrome = { i18n: { getMessage, getUILanguage: () => 'en' } };
}
