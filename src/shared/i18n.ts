// Every user-visible string comes from _locales/<lang>/messages.json. The file is assembled at
// build time from the per-area fragments src/<area>/locale/en.json (see vite.config.ts), so each
// part of the extension owns its strings.
//
// No webextension-polyfill here on purpose: the content script imports this and must stay small;
// Chrome and Firefox both expose `chrome.i18n` to content scripts and pages.
interface I18nApi {
  getMessage(key: string, substitutions?: string | string[]): string;
  getUILanguage?(): string;
}

function api(): I18nApi | undefined {
  const g = globalThis as { chrome?: { i18n?: I18nApi }; browser?: { i18n?: I18nApi } };
  return g.chrome?.i18n ?? g.browser?.i18n;
}

/** The localized message for `key`; the key itself when no message exists (visible in tests). */
export function t(key: string, substitutions?: string | string[]): string {
  return api()?.getMessage(key, substitutions) || key;
}

let rules: { language: string; rules: Intl.PluralRules } | null = null;

/** The CLDR plural category of `count` in the UI language ("one", "other", "few", …). */
export function pluralCategory(count: number): Intl.LDMLPluralRule {
  let language = 'en';
  try {
    language = api()?.getUILanguage?.() || 'en';
  } catch {
    // no UI language: English
  }
  if (rules?.language !== language) {
    let made: Intl.PluralRules;
    try {
      made = new Intl.PluralRules(language);
    } catch {
      made = new Intl.PluralRules('en');
    }
    rules = { language, rules: made };
  }
  return rules.rules.select(count);
}

/**
 * A message that depends on a count: chrome.i18n has no plurals, so each form is its own key,
 * `<base>_<category>` (CLDR: zero, one, two, few, many, other), and `<base>_other` is the
 * fallback every locale has. The count is always the first substitution ($1).
 */
export function tPlural(base: string, count: number, more: string[] = []): string {
  const substitutions = [String(count), ...more];
  const category = pluralCategory(count);
  const message = api()?.getMessage(`${base}_${category}`, substitutions);
  return message || t(`${base}_other`, substitutions);
}
