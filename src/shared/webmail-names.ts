// The supported webmails' names as one phrase for UI text ("Gmail, Outlook on the web or Yahoo
// Mail"), from the registry, so the popup and the welcome page name exactly what is supported.
import { t } from './i18n.ts';
import { WEBMAILS } from './webmails.ts';

/** The browser's UI language, which also picks the extension's messages (i18n.getUILanguage). */
function uiLanguage(): string {
  const g = globalThis as { chrome?: { i18n?: { getUILanguage?(): string } } };
  try {
    return g.chrome?.i18n?.getUILanguage?.() || 'en';
  } catch {
    return 'en';
  }
}

/** "Gmail, Outlook on the web or Yahoo Mail" (each name from the locale, joined for the UI language). */
export function webmailNamesOr(): string {
  const names = WEBMAILS.map((w) => t(w.nameKey));
  try {
    return new Intl.ListFormat(uiLanguage(), { style: 'long', type: 'disjunction' }).format(names);
  } catch {
    return names.join(', ');
  }
}
