// A compose's headline: one line that names the most actionable problem (docs/decisions.md
// "Presentation"). Problems name the recipient at fault ("dan@example.com: protection broken")
// or the count ("3 recipients: no protection published"); a calm compose says only its level
// ("Likely encrypted", "Protected"). The inline badge, the toolbar title and the popup all say it
// with this function, so the same compose reads the same everywhere.
import type { ComposeSummary, DisplayLevel } from './messages.ts';
import { t, tPlural } from './i18n.ts';
import { levelLabel, levelName } from './level-display.ts';
import { headlineTone, type Tone } from './level-table.ts';
import { MAX_RECIPIENTS } from './limits.ts';

export interface Headline {
  /** The level whose glyph and tone the headline shows; null: none (no recipients). */
  level: DisplayLevel | null;
  tone: Tone;
  text: string;
}

/** Whether the headline states a problem (a recipient or a count at fault) rather than a calm level. */
export function isProblem(summary: ComposeSummary): boolean {
  return summary.level !== null && summary.level !== 'checking' && summary.warned;
}

export function composeHeadline(summary: ComposeSummary): Headline {
  if (summary.tooMany) return { level: 'unknown', tone: 'caution', text: t('headline_too_many', [String(MAX_RECIPIENTS)]) };
  const level = summary.level;
  if (level === null || summary.total === 0) return { level: null, tone: 'neutral', text: t('headline_empty') };
  const tone = headlineTone(level, summary.warned);
  if (level === 'checking') return { level, tone, text: tPlural('headline_checking', summary.checking) };
  if (!isProblem(summary)) return { level, tone, text: levelName(level) };

  const label = levelLabel(level);
  const main = summary.culprit !== null && summary.atLevel === 1
    ? t('headline_recipient', [summary.culprit, label])
    : tPlural('headline_count', summary.atLevel, [label]);
  const others = Math.max(0, summary.notProtected - summary.checking - summary.atLevel);
  const notes: string[] = [];
  if (others > 0) notes.push(tPlural('headline_more', others));
  if (summary.checking > 0) notes.push(tPlural('headline_still_checking', summary.checking));
  return { level, tone, text: notes.length > 0 ? `${main} ${t('headline_suffix', [notes.join(', ')])}` : main };
}
