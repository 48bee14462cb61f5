// The action badge of a tab: the headline level of its active compose as a glyph and a colour,
// and a title that says the headline in words (never colour alone). Glyphs, colours and words
// come from the level table (src/shared/level-table.ts) and the headline (src/shared/headline.ts).
import type { ComposeSummary } from '../shared/messages.ts';
import { composeHeadline } from '../shared/headline.ts';
import { t } from '../shared/i18n.ts';
import { levelColour, levelGlyph, levelIconPaths } from '../shared/level-display.ts';

export interface BadgeView {
  text: string;
  /** Null: leave the badge colour alone (no text shown). */
  colour: string | null;
  title: string;
  /** Null: the default app icon from the manifest. */
  icon: Record<'16' | '32', string> | null;
}

export const DEFAULT_ICON: Record<'16' | '32', string> = { 16: '/icons/app-16.png', 32: '/icons/app-32.png' };

/** What the badge shows for a tab whose active compose has this summary (null: no compose). */
export function badgeView(summary: ComposeSummary | null): BadgeView {
  if (summary === null) return { text: '', colour: null, title: t('action_title_default'), icon: null };
  const headline = composeHeadline(summary);
  const title = t('action_title_headline', [headline.text]);
  if (headline.level === null) return { text: '', colour: null, title, icon: null };
  const level = headline.level;
  return { text: levelGlyph(level), colour: levelColour(level), title, icon: levelIconPaths(level) };
}

/** The subset of the action API the badge needs (chrome.action and browser.action both fit). */
export interface ActionApi {
  setBadgeText(details: { tabId: number; text: string }): Promise<void>;
  setBadgeBackgroundColor(details: { tabId: number; color: string }): Promise<void>;
  setBadgeTextColor?(details: { tabId: number; color: string }): Promise<void>;
  setTitle(details: { tabId: number; title: string }): Promise<void>;
  setIcon(details: { tabId: number; path: Record<string, string> }): Promise<void>;
}

/**
 * Shows `view` on the tab's button, calling only the parts of the action API whose value differs
 * from `shown` (what this worker last showed on the tab; null: unknown, so everything is set).
 * setIcon is the expensive one (the browser loads and decodes both icon sizes each time), and a
 * batch of recipients changes the title with each answer ("Checking 12 recipients…") but the
 * icon only once or twice.
 */
export async function applyBadge(action: ActionApi, tabId: number, view: BadgeView, shown: BadgeView | null = null): Promise<void> {
  const calls: Promise<void>[] = [];
  if (shown?.text !== view.text) calls.push(action.setBadgeText({ tabId, text: view.text }));
  if (shown?.title !== view.title) calls.push(action.setTitle({ tabId, title: view.title }));
  const icon = view.icon ?? DEFAULT_ICON;
  const shownIcon = shown ? shown.icon ?? DEFAULT_ICON : null;
  if (shownIcon?.[16] !== icon[16] || shownIcon?.[32] !== icon[32]) calls.push(action.setIcon({ tabId, path: icon }));
  if (view.colour !== null && shown?.colour !== view.colour) {
    calls.push(action.setBadgeBackgroundColor({ tabId, color: view.colour }));
    if (action.setBadgeTextColor) calls.push(action.setBadgeTextColor({ tabId, color: '#ffffff' }));
  }
  // A tab can close between the decision and the call: that is not an error worth reporting.
  await Promise.allSettled(calls);
}
