// A level's words in the extension (through chrome.i18n), from the keys of the level table
// (level-table.ts). Extension code takes glyphs, colours and words from these two modules only.
import type { DisplayLevel } from './messages.ts';
import { t } from './i18n.ts';
import { LEVEL_TABLE } from './level-table.ts';

export { levelColour, levelGlyph, levelIconPaths, levelRank, levelTone, LEVELS_BY_RANK } from './level-table.ts';

/** The level in one to three words, e.g. "Protection broken". */
export const levelName = (level: DisplayLevel): string => t(LEVEL_TABLE[level].keys.name);
/** What a headline puts after a recipient or a count, e.g. "protection broken". */
export const levelLabel = (level: DisplayLevel): string => t(LEVEL_TABLE[level].keys.label);
/** One plain sentence: what the level means for this message. */
export const levelMeaning = (level: DisplayLevel): string => t(LEVEL_TABLE[level].keys.meaning);
/** One plain sentence: what to do about it. */
export const levelAdvice = (level: DisplayLevel): string => t(LEVEL_TABLE[level].keys.advice);
