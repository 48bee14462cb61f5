// Pure derivation of what a compose shows: one verdict per recipient and the compose's summary
// (its headline level and counts; src/shared/headline.ts turns a summary into words).
import { parseRecipient, isAtOrBelow } from '../core/index.ts';
import type { Assessment, Level } from '../core/index.ts';
import type { ComposeRecipient, ComposeSummary, DisplayLevel, RecipientVerdict } from '../shared/messages.ts';
import { t } from '../shared/i18n.ts';
import { levelMeaning } from '../shared/level-display.ts';
import { headlineLevel } from '../shared/level-table.ts';
import { DEFAULT_SETTINGS } from '../shared/settings.ts';

/** Recipients at or below this level count as "not protected" (setting `warnAtOrBelow`). */
export const DEFAULT_WARN_THRESHOLD: Level = DEFAULT_SETTINGS.warnAtOrBelow;

/**
 * Parsed addresses, remembered: parsing (IDNA through the URL API) costs tens of microseconds, and
 * each answer of a batch derives every recipient of the compose again (50 recipients, 20 answers).
 * Bounded; an address always parses to the same domain, so forgetting is only a cost.
 */
const parsedDomains = new Map<string, string | null>();
const MAX_PARSED_DOMAINS = 2_000;

/** The policy domain of a recipient, or null when it has none we can check (malformed, IP literal). */
export function recipientDomain(address: string): string | null {
  let domain = parsedDomains.get(address);
  if (domain === undefined) {
    const parsed = parseRecipient(address);
    domain = parsed.ok ? parsed.domain : null;
    if (parsedDomains.size >= MAX_PARSED_DOMAINS) parsedDomains.clear();
    parsedDomains.set(address, domain);
  }
  return domain;
}

/** What is known about a recipient's domain: its level, and its assessment when there is one. */
export interface DomainView {
  level: DisplayLevel;
  assessment?: Assessment | undefined;
}

/**
 * Whether reading the MTA-STS policy file could change this verdict: the domain publishes an
 * MTA-STS record, the file was not read, and the level rests on DNS alone (`encrypted`). With the
 * file the domain may turn out `protected` (enforce), or `misconfigured`.
 */
export function policyWouldChange(view: DomainView): boolean {
  return view.level === 'encrypted' && view.assessment?.evidence.mtaSts.policy === 'not-checked';
}

/** `viewOf(domain)` gives the known level (or 'checking' while an assessment is pending). */
export function recipientVerdicts(
  recipients: readonly ComposeRecipient[],
  viewOf: (domain: string) => DomainView,
): RecipientVerdict[] {
  return recipients.map(({ address, label }) => {
    // Shown by name only: nothing to look up, so "could not check", counted, never safe.
    if (address === null) return { address: null, label: label ?? '', domain: '', level: 'unknown', summary: t('bg_recipient_no_address'), policyNotChecked: false };
    const domain = recipientDomain(address);
    // An address we cannot parse has no policy domain: "could not check", never safe.
    const view: DomainView = domain === null ? { level: 'unknown' } : viewOf(domain);
    return { address, domain: domain ?? '', level: view.level, summary: levelMeaning(view.level), policyNotChecked: policyWouldChange(view) };
  });
}

/** Whether a recipient at this level counts as "not protected" under the threshold. */
export function isWarned(level: DisplayLevel, threshold: Level): boolean {
  if (level === 'checking') return true; // not yet known counts as not protected
  if (level === 'skipped' || level === 'internal' || level === 'required') return false;
  return isAtOrBelow(level, threshold);
}

export interface SummaryOptions {
  threshold?: Level;
  /** The policy-fetch permission is missing while the settings would fetch (policyFetch 'auto'). */
  policyPermissionMissing?: boolean;
}

export function summarize(verdicts: readonly RecipientVerdict[], options: SummaryOptions = {}): ComposeSummary {
  const threshold = options.threshold ?? DEFAULT_WARN_THRESHOLD;
  let notProtected = 0;
  let checking = 0;
  for (const { level } of verdicts) {
    if (level === 'checking') checking++;
    if (isWarned(level, threshold)) notProtected++;
  }
  // Skipped recipients are never looked up and never a warning; they make the headline only when
  // every recipient is skipped.
  const counted = verdicts.filter((v) => v.level !== 'skipped');
  const level = headlineLevel((counted.length > 0 ? counted : verdicts).map((v) => v.level));
  const atHeadline = level === null ? [] : verdicts.filter((v) => v.level === level);
  const warned = level !== null && level !== 'checking' && isWarned(level, threshold);
  // "Policy not checked — allow" only where it could change what the compose says: not when a
  // recipient already cannot receive the mail or has broken protection.
  const policyNotChecked = options.policyPermissionMissing === true && level !== 'undeliverable' && level !== 'misconfigured'
    && verdicts.some((v) => v.policyNotChecked);
  return {
    level,
    total: verdicts.length,
    notProtected,
    checking,
    atLevel: atHeadline.length,
    // The one recipient at fault, by address, or by the name a page shows instead of one.
    culprit: atHeadline.length === 1 ? (atHeadline[0]?.address ?? atHeadline[0]?.label ?? null) : null,
    warned,
    policyNotChecked,
    tooMany: false,
  };
}

/** The summary of a compose with more recipients than InTransit checks. */
export function tooManySummary(): ComposeSummary {
  return { level: null, total: 0, notProtected: 0, checking: 0, atLevel: 0, culprit: null, warned: true, policyNotChecked: false, tooMany: true };
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
