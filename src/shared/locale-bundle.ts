// Merges the per-area locale fragments (src/<area>/locale/en.json) into one Chrome
// messages.json. Pure: the build reads the files (vite.config.ts) and the unit tests feed it
// objects. Format: https://developer.chrome.com/docs/extensions/reference/api/i18n#message-json

export interface LocaleFragment {
  /** Where the fragment came from, for error messages. */
  file: string;
  messages: unknown;
}

export interface LocaleMessage {
  message: string;
  description?: string;
  placeholders?: Record<string, { content: string; example?: string }>;
}

export type MergeResult =
  | { ok: true; messages: Record<string, LocaleMessage> }
  | { ok: false; errors: string[] };

/** Chrome accepts ASCII letters, digits, '_' and '@' in a message name; '@@' is reserved. */
const KEY = /^(?!@@)[A-Za-z0-9_@]+$/;

function isMessage(value: unknown): value is LocaleMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  if (typeof m.message !== 'string') return false;
  if (m.description !== undefined && typeof m.description !== 'string') return false;
  if (m.placeholders !== undefined) {
    if (typeof m.placeholders !== 'object' || m.placeholders === null) return false;
    for (const p of Object.values(m.placeholders)) {
      if (typeof p !== 'object' || p === null || typeof (p as { content?: unknown }).content !== 'string') return false;
    }
  }
  return true;
}

export function mergeLocaleFragments(fragments: LocaleFragment[]): MergeResult {
  const messages: Record<string, LocaleMessage> = {};
  const owner = new Map<string, string>();
  const errors: string[] = [];
  for (const { file, messages: raw } of fragments) {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      errors.push(`${file}: not a JSON object`);
      continue;
    }
    for (const [key, value] of Object.entries(raw)) {
      // Chrome treats message names case-insensitively, so "Title" and "title" collide.
      const folded = key.toLowerCase();
      const first = owner.get(folded);
      if (first !== undefined) errors.push(`duplicate key "${key}" in ${file} (already in ${first})`);
      else if (!KEY.test(key)) errors.push(`${file}: invalid key "${key}"`);
      else if (!isMessage(value)) errors.push(`${file}: "${key}" is not a {message, description?, placeholders?} entry`);
      else {
        owner.set(folded, file);
        messages[key] = value;
      }
    }
  }
  return errors.length ? { ok: false, errors } : { ok: true, messages };
}
