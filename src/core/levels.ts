// Ordering of verdict levels. A compose window shows the worst level among its recipients.
import type { Level, OrgLevel } from './types.ts';

/**
 * Best first. `unknown` ranks below everything: a check that could not be made must never hide
 * a real problem nor pass as safe. The organisation's levels rank as follows: `internal` (own
 * domains) is best; `required` (the org's servers refuse to send without TLS) sits with
 * `protected`.
 */
export const LEVEL_ORDER: readonly (Level | OrgLevel)[] = [
  'internal',
  'required',
  'protected',
  'encrypted',
  'unverified',
  'misconfigured',
  'undeliverable',
  'unknown',
];

export function levelRank(level: Level | OrgLevel): number {
  return LEVEL_ORDER.indexOf(level);
}

/** The worst of the given levels, or null for none. */
export function worstLevel<L extends Level | OrgLevel>(levels: Iterable<L>): L | null {
  let worst: L | null = null;
  for (const level of levels) {
    if (worst === null || levelRank(level) > levelRank(worst)) worst = level;
  }
  return worst;
}

/** True when `level` is at or below `threshold` (i.e. as bad or worse). */
export function isAtOrBelow(level: Level | OrgLevel, threshold: Level | OrgLevel): boolean {
  return levelRank(level) >= levelRank(threshold);
}
