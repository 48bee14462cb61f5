// The send-time check's decision (docs/decisions.md "Send-time check"), pure: from the recipients
// a compose holds at the moment of sending and the levels the content script already has for
// them, whether the send goes through or is held, and which recipients the dialog lists.
// It runs inside the Send event's handler, so it never waits for anything: a recipient without a
// level yet counts as still being checked.
//
//   mode off, or not known yet          -> send (the badge is the only warning)
//   internal, required, skipped         -> never hold a send
//   above `warnAtOrBelow`               -> never hold a send
//   at or below `warnAtOrBelow`         -> hold (a problem)
//   unknown, or shown by name only      -> hold (a problem: never safe)
//   no level yet, or still checking     -> hold (pending: the dialog waits for it)
//   too many recipients to check, or no recipient field found -> hold (nothing could be checked)
import type { ComposeRecipient, DisplayLevel, SendCheckConfig } from '../../shared/messages.ts';
import { levelRank } from '../../shared/level-table.ts';
import { WARN_LEVELS } from '../messaging.ts';

/** A recipient the dialog lists: its level is `checking` while it is still being checked. */
export interface HeldRecipient {
  /** Null for a recipient the page shows by name only. */
  address: string | null;
  /** What the dialog shows: the address, or the name. */
  shown: string;
  level: DisplayLevel;
}

export type SendDecision =
  | { hold: false }
  | {
    hold: true;
    /** Problems first (most actionable first), then the recipients still being checked. */
    rows: HeldRecipient[];
    problems: number;
    pending: number;
    /** Why nothing could be checked: more recipients than InTransit checks, or no field found. */
    unreadable: 'too-many' | 'no-fields' | null;
  };

export interface SendCheckInput {
  /** Null: the background has not said yet which mode is in force. */
  config: SendCheckConfig | null;
  recipients: readonly ComposeRecipient[];
  tooMany: boolean;
  fieldsFound: boolean;
  /** The level held for an address (any case), or undefined when none has arrived yet. */
  levelOf(address: string): DisplayLevel | undefined;
}

const ORG_LEVELS: readonly DisplayLevel[] = ['internal', 'required', 'skipped'];

/** Whether a recipient at `level` holds a send under `threshold` ('pending' while it is not known yet). */
export function recipientHold(level: DisplayLevel | undefined, threshold: SendCheckConfig['warnAtOrBelow']): 'pending' | 'problem' | null {
  if (level === undefined || level === 'checking') return 'pending';
  if (ORG_LEVELS.includes(level)) return null;
  // At or below: as bad or worse in core's order (src/core/levels.ts), `unknown` last.
  const rank = (l: DisplayLevel): number => WARN_LEVELS.indexOf(l as SendCheckConfig['warnAtOrBelow']);
  return rank(level) >= rank(threshold) ? 'problem' : null;
}

export function decideSend(input: SendCheckInput): SendDecision {
  const { config } = input;
  if (config === null || config.mode === 'off') return { hold: false };
  if (input.tooMany || !input.fieldsFound) {
    return { hold: true, rows: [], problems: 1, pending: 0, unreadable: input.tooMany ? 'too-many' : 'no-fields' };
  }
  const problems: HeldRecipient[] = [];
  const pending: HeldRecipient[] = [];
  for (const r of input.recipients) {
    // Shown by name only: nothing can be looked up, so it could not be checked.
    const level = r.address === null ? 'unknown' : input.levelOf(r.address);
    const hold = recipientHold(level, config.warnAtOrBelow);
    const row = { address: r.address, shown: r.address ?? r.label ?? '', level: level ?? 'checking' };
    if (hold === 'problem') problems.push(row);
    else if (hold === 'pending') pending.push({ ...row, level: 'checking' });
  }
  if (problems.length + pending.length === 0) return { hold: false };
  // Stable: equal levels keep the order of the fields.
  problems.sort((a, b) => levelRank(a.level) - levelRank(b.level));
  return { hold: true, rows: [...problems, ...pending], problems: problems.length, pending: pending.length, unreadable: null };
}
