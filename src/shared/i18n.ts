// Every user-visible string comes from _locales/<lang>/messages.json. The file is assembled at
// build time from the per-area fragments src/<area>/locale/en.json (see vite.config.ts), so each
// part of the extension owns its strings.
//
// No webextension-polyfill here on purpose: the content script imports this and must stay small;
// Chrome and Firefox both expose `chrome.i18n` to content scripts and pages.
interface I18nApi {
  getMessage(key: string, substitutions?: string | string[]): string;
}

function api(): I18nApi | undefined {
  const g = globalThis as { chrome?: { i18n?: I18nApi }; browser?: { i18n?: I18nApi } };
  return g.chrome?.i18n ?? g.browser?.i18n;
}

/** The localized message for `key`; the key itself when no message exists (visible in tests). */
export function t(key: string, substitutions?: string | string[]): string {
  return api()?.getMessage(key, substitutions) || key;
}
