// Pure derivation of what a compose shows: one verdict per recipient and the compose's summary.
import { parseRecipient, isAtOrBelow } from '../core/index.ts';
import type { Level } from '../core/index.ts';
import type { ComposeRecipient, ComposeSummary, DisplayLevel, RecipientVerdict } from '../shared/messages.ts';
import { levelSummary } from '../shared/level-display.ts';
import { t } from '../shared/i18n.ts';
import { DEFAULT_SETTINGS } from '../shared/settings.ts';

/** Recipients at or below this level count as "not protected" (setting `warnAtOrBelow`). */
export const DEFAULT_WARN_THRESHOLD: Level = DEFAULT_SETTINGS.warnAtOrBelow;

/**
 * Display order for the worst-of: `checking` sits after `encrypted` so that a compose is not shown
 * as protected while a recipient is still being checked, yet a known problem (unverified or
 * worse) is not hidden behind "checking". `skipped` comes first: a skipped domain does not count
 * toward the worst level, so it is the compose's level only when every recipient is skipped.
 */
const DISPLAY_ORDER: readonly DisplayLevel[] = [
  'skipped', 'internal', 'required', 'protected', 'encrypted', 'checking', 'unverified', 'misconfigured', 'undeliverable', 'unknown',
];
export const displayRank = (level: DisplayLevel): number => DISPLAY_ORDER.indexOf(level);

export function worstDisplayLevel(levels: Iterable<DisplayLevel>): DisplayLevel | null {
  let worst: DisplayLevel | null = null;
  for (const level of levels) if (worst === null || displayRank(level) > displayRank(worst)) worst = level;
  return worst;
}

/** The policy domain of a recipient, or null when it has none we can check (malformed, IP literal). */
export function recipientDomain(address: string): string | null {
  const parsed = parseRecipient(address);
  return parsed.ok ? parsed.domain : null;
}

/** `levelOf(domain)` gives the known level or 'checking' while an assessment is pending. */
export function recipientVerdicts(
  recipients: readonly ComposeRecipient[],
  levelOf: (domain: string) => DisplayLevel,
): RecipientVerdict[] {
  return recipients.map(({ address, label }) => {
    // Shown by name only: nothing to look up, so "could not check", counted, never safe.
    if (address === null) return { address: null, label: label ?? '', domain: '', level: 'unknown', summary: t('bg_recipient_no_address') };
    const domain = recipientDomain(address);
    // An address we cannot parse has no policy domain: "could not check", never safe.
    const level: DisplayLevel = domain === null ? 'unknown' : levelOf(domain);
    return { address, domain: domain ?? '', level, summary: levelSummary(level) };
  });
}

export function summarize(verdicts: readonly RecipientVerdict[], threshold: Level = DEFAULT_WARN_THRESHOLD): ComposeSummary {
  let notProtected = 0;
  let checking = 0;
  for (const { level } of verdicts) {
    if (level === 'skipped') continue; // never looked up, never a warning
    if (level === 'checking') {
      checking++;
      notProtected++; // not yet known counts as not protected (messages.ts ComposeSummary)
    } else if (isAtOrBelow(level, threshold)) notProtected++;
  }
  return { level: worstDisplayLevel(verdicts.map((v) => v.level)), total: verdicts.length, notProtected, checking };
}

/** Domains of the recipients that have one, without duplicates. */
export function domainsOf(recipients: readonly ComposeRecipient[]): string[] {
  const out = new Set<string>();
  for (const r of recipients) {
    const d = r.address === null ? null : recipientDomain(r.address);
    if (d !== null) out.add(d);
  }
  return [...out];
}
