// Counts in words: each count takes its own plural form (chrome.i18n has none; tPlural picks
// `<key>_<CLDR category>`), and a duration is said in the largest unit it reaches.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { formatMaxAge } from '../../../src/popup/format.ts';
import { pluralCategory, tPlural } from '../../../src/shared/i18n.ts';
import { getMessageFrom, installI18n, loadMessages } from '../background/locale-fixture.ts';

beforeAll(installI18n);
afterEach(installI18n);

describe('formatMaxAge', () => {
  it.each([
    [86_400, '1 day'],
    [7 * 86_400, '7 days'],
    [31_557_600, '365 days'],
    [3_600, '1 hour'],
    [5 * 3_600 + 59, '5 hours'],
    [1_800, '30 minutes'],
    [60, '1 minute'],
    [59, '59 seconds'],
    [1, '1 second'],
    [0, '0 seconds'],
  ])('%i s -> %s', (seconds, words) => {
    expect(formatMaxAge(seconds)).toBe(words);
  });
});

describe('tPlural', () => {
  it('uses the plural rules of the UI language, and the _other form where a language has no other', () => {
    const english = getMessageFrom(loadMessages());
    // A language with "few" (Polish: 2–4) whose translation gives only one and other.
    (globalThis as { chrome?: unknown }).chrome = { i18n: { getMessage: english, getUILanguage: () => 'pl' } };
    expect(pluralCategory(3)).toBe('few');
    expect(tPlural('popup_duration_days', 3)).toBe('3 days');
    expect(tPlural('popup_duration_days', 1)).toBe('1 day');
  });
});
