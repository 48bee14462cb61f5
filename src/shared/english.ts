// The English messages outside the extension (the CLI, which has no chrome.i18n): the same
// src/shared/locale/en.json the extension's _locales are built from, bundled at build time, with
// chrome.i18n's placeholder rules ($NAME$ -> the placeholder's content, $1..$9 -> substitutions).
import messages from './locale/en.json' with { type: 'json' };
import type { DisplayLevel } from './messages.ts';
import { LEVEL_TABLE } from './level-table.ts';

interface Message { message: string; placeholders?: Record<string, { content: string }> }
const MESSAGES = messages as Record<string, Message>;

/** The English message for `key` (the key itself when there is none, as chrome.i18n's t() does). */
export function english(key: string, substitutions: readonly string[] = []): string {
  const entry = MESSAGES[key];
  if (entry === undefined) return key;
  const fill = (text: string) => text.replace(/\$(\d)/g, (_, n: string) => substitutions[Number(n) - 1] ?? '');
  return entry.message.replace(/\$([A-Za-z0-9_@]+)\$/g, (whole, name: string) => {
    const placeholder = entry.placeholders?.[name.toLowerCase()];
    return placeholder ? fill(placeholder.content) : whole;
  });
}

/** A level's glyph and English name, e.g. "!! Protection broken". */
export const englishLevel = (level: DisplayLevel): string => `${LEVEL_TABLE[level].glyph} ${english(LEVEL_TABLE[level].keys.name)}`;
