// The one level table: every level InTransit shows, with its headline rank, its glyph, its
// colour token (tone; the toolbar colour in LEVEL_COLOURS) and the message keys of its words. The inline badge, the toolbar badge and title,
// the popup, the options and welcome pages, the CLI and the README all take a level's look and
// words from here (docs/decisions.md "Presentation"), so each level has one name, one symbol and
// one sentence of what to do.
//
// The words live in src/shared/locale/en.json: extension code reads them through chrome.i18n
// (level-display.ts), the CLI reads the same file at build time (english.ts).
import type { DisplayLevel } from './messages.ts';

/**
 * How a level looks, independent of the surface: `good` (green), `calm` (neutral: likely
 * encrypted, nothing to do), `caution` (amber), `danger` (red), `neutral` (grey: no answer yet or
 * not checked on purpose). A level never relies on its colour alone: it always has its glyph and
 * its name as well.
 */
export type Tone = 'good' | 'calm' | 'caution' | 'danger' | 'neutral';

export interface LevelEntry {
  /** Headline priority: 0 is the most actionable. A compose's headline is its lowest rank. */
  rank: number;
  /** One to two characters, readable in a 16 px toolbar badge and in a terminal. */
  glyph: string;
  tone: Tone;
  /** Message keys: the level's name ("Protection broken"), the label a headline puts after a
   *  recipient or a count ("protection broken"), what it means in one sentence, and what to do in one sentence. */
  keys: { name: string; label: string; meaning: string; advice: string };
}

const keys = (level: DisplayLevel): LevelEntry['keys'] => ({
  name: `level_${level}_name`,
  label: `level_${level}_label`,
  meaning: `level_${level}_meaning`,
  advice: `level_${level}_advice`,
});

/**
 * Most actionable first: undeliverable > misconfigured > unverified > unknown > (checking) >
 * encrypted > the safe levels. `unknown` never passes as calm or safe, yet it no longer hides a
 * known problem; `checking` keeps a compose from looking calm before every answer is in, without
 * hiding a problem already known; `skipped` is the headline only when every recipient is skipped.
 */
export const LEVEL_TABLE: Readonly<Record<DisplayLevel, Readonly<LevelEntry>>> = {
  undeliverable: { rank: 0, glyph: '✗', tone: 'danger', keys: keys('undeliverable') },
  misconfigured: { rank: 1, glyph: '!!', tone: 'danger', keys: keys('misconfigured') },
  unverified: { rank: 2, glyph: '!', tone: 'caution', keys: keys('unverified') },
  unknown: { rank: 3, glyph: '?', tone: 'caution', keys: keys('unknown') },
  checking: { rank: 4, glyph: '…', tone: 'neutral', keys: keys('checking') },
  encrypted: { rank: 5, glyph: '~', tone: 'calm', keys: keys('encrypted') },
  protected: { rank: 6, glyph: '✓', tone: 'good', keys: keys('protected') },
  // The organisation's own answers rank after protected (src/core/levels.ts: required sits with
  // protected, internal is best): a compose with a protected recipient says "Protected".
  required: { rank: 7, glyph: '✓', tone: 'good', keys: keys('required') },
  internal: { rank: 8, glyph: '✓', tone: 'good', keys: keys('internal') },
  skipped: { rank: 9, glyph: '–', tone: 'neutral', keys: keys('skipped') },
};

/**
 * Each level's toolbar badge and icon colour (scripts/make-icons.mjs draws the icons with it;
 * white text on it has at least 4.5:1 contrast). Part of the table, kept in its own record so that
 * the content scripts, which never use it, do not carry it (their size budget).
 */
export const LEVEL_COLOURS: Readonly<Record<DisplayLevel, string>> = {
  undeliverable: '#8c1d18',
  misconfigured: '#c5221f',
  unverified: '#c5410c',
  unknown: '#8a5a00',
  checking: '#5f6368',
  encrypted: '#46566a',
  protected: '#137333',
  required: '#137333',
  internal: '#1a5fb4',
  skipped: '#5f6368',
};

/** Every level, most actionable first (the order of the legend and of a recipient list). */
// Pure: a bundle that does not use it (the content scripts) drops it.
export const LEVELS_BY_RANK: readonly DisplayLevel[] = /* @__PURE__ */ (Object.keys(LEVEL_TABLE) as DisplayLevel[])
  .sort((a, b) => LEVEL_TABLE[a].rank - LEVEL_TABLE[b].rank);

export const levelRank = (level: DisplayLevel): number => LEVEL_TABLE[level].rank;
export const levelGlyph = (level: DisplayLevel): string => LEVEL_TABLE[level].glyph;
export const levelColour = (level: DisplayLevel): string => LEVEL_COLOURS[level];
export const levelTone = (level: DisplayLevel): Tone => LEVEL_TABLE[level].tone;

/** The most actionable of the given levels (the compose's headline level), or null for none. */
export function headlineLevel(levels: Iterable<DisplayLevel>): DisplayLevel | null {
  let best: DisplayLevel | null = null;
  for (const level of levels) if (best === null || levelRank(level) < levelRank(best)) best = level;
  return best;
}

/** Sorts most actionable first; equal levels keep their order. */
export function byRank<T>(items: readonly T[], levelOf: (item: T) => DisplayLevel): T[] {
  return items.map((item, i) => ({ item, i })).sort((a, b) => levelRank(levelOf(a.item)) - levelRank(levelOf(b.item)) || a.i - b.i).map((x) => x.item);
}

/**
 * The tone a compose's headline takes: the level's own, except that a level the settings count
 * as a warning is never calm (an organisation that warns at `encrypted` sees it in amber).
 */
export function headlineTone(level: DisplayLevel, warned: boolean): Tone {
  const tone = levelTone(level);
  return warned && tone === 'calm' ? 'caution' : tone;
}

/** Toolbar/popup icon of a level at 16 and 32 px (drawn by scripts/make-icons.mjs). */
export const levelIconPaths = (level: DisplayLevel): Record<'16' | '32', string> => ({
  16: `/icons/level-${level}-16.png`,
  32: `/icons/level-${level}-32.png`,
});
