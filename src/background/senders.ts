// What the sending side honours. The verdict "protected" needs the sender to enforce the
// recipient's policy (RFC 8461 s5, RFC 7672 s2.2). The facts and their sources live in core's SENDERS table; which
// webmail sends through which row, and whether that row documents outbound enforcement at all,
// is the webmail registry's (src/shared/webmails.ts). An organisation knows better than both:
// the setting `senderEnforces` (src/shared/settings.ts) describes its outbound servers and then
// applies to every webmail.
import { SENDERS } from '../core/index.ts';
import type { SenderCapabilities } from '../core/index.ts';
import type { WebmailId } from '../shared/messages.ts';
import { webmail as webmailEntry } from '../shared/webmails.ts';

/**
 * Undefined: unknown sender, and the engine words "protected" as "if your provider honours…".
 * `enforces` is the `senderEnforces` setting (null: use the built-in knowledge).
 */
export function senderFor(webmail: WebmailId, enforces: SenderCapabilities | null = null): SenderCapabilities | undefined {
  if (enforces !== null) return { mtaSts: enforces.mtaSts, dane: enforces.dane };
  const { sending } = webmailEntry(webmail);
  if (sending.enforcement !== 'documented') return undefined;
  const row = SENDERS[sending.sender];
  return { mtaSts: row.mtaSts, dane: row.dane };
}
