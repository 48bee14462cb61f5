// How each level is shown: a word, one plain sentence, a badge glyph, a colour and an icon.
// Levels always carry a glyph and a word as well as a colour (never colour alone). The strings
// live in src/background/locale/en.json; the colours match scripts/make-icons.mjs.
import type { DisplayLevel } from './messages.ts';
import { t } from './i18n.ts';

export const DISPLAY_LEVELS: readonly DisplayLevel[] = [
  'skipped', 'internal', 'required', 'protected', 'encrypted', 'checking', 'unverified', 'misconfigured', 'undeliverable', 'unknown',
];

interface LevelLook {
  /** Action badge text: short, readable at 16 px, different shapes for different meanings. */
  glyph: string;
  /** Badge and icon colour (white text on it has at least 4.5:1 contrast). */
  colour: string;
  name: () => string;
  summary: () => string;
}

const LOOK: Record<DisplayLevel, LevelLook> = {
  internal: { glyph: '✓', colour: '#1a5fb4', name: () => t('level_internal_name'), summary: () => t('level_internal_summary') },
  required: { glyph: '✓', colour: '#137333', name: () => t('level_required_name'), summary: () => t('level_required_summary') },
  protected: { glyph: '✓', colour: '#137333', name: () => t('level_protected_name'), summary: () => t('level_protected_summary') },
  encrypted: { glyph: '~', colour: '#8a5a00', name: () => t('level_encrypted_name'), summary: () => t('level_encrypted_summary') },
  checking: { glyph: '…', colour: '#5f6368', name: () => t('level_checking_name'), summary: () => t('level_checking_summary') },
  unverified: { glyph: '!', colour: '#c5410c', name: () => t('level_unverified_name'), summary: () => t('level_unverified_summary') },
  misconfigured: { glyph: '!!', colour: '#c5221f', name: () => t('level_misconfigured_name'), summary: () => t('level_misconfigured_summary') },
  undeliverable: { glyph: '✗', colour: '#8c1d18', name: () => t('level_undeliverable_name'), summary: () => t('level_undeliverable_summary') },
  unknown: { glyph: '?', colour: '#5f6368', name: () => t('level_unknown_name'), summary: () => t('level_unknown_summary') },
  skipped: { glyph: '–', colour: '#5f6368', name: () => t('level_skipped_name'), summary: () => t('level_skipped_summary') },
};

export const levelGlyph = (level: DisplayLevel): string => LOOK[level].glyph;
export const levelColour = (level: DisplayLevel): string => LOOK[level].colour;
/** The level in one or two words, e.g. "Not verified". */
export const levelName = (level: DisplayLevel): string => LOOK[level].name();
/** One plain sentence about what the level means for this message. */
export const levelSummary = (level: DisplayLevel): string => LOOK[level].summary();
/** Toolbar/popup icon of a level at 16 and 32 px (drawn by scripts/make-icons.mjs). */
export const levelIconPaths = (level: DisplayLevel): Record<'16' | '32', string> => ({
  16: `/icons/level-${level}-16.png`,
  32: `/icons/level-${level}-32.png`,
});
