// What the sending side honours. The verdict "protected" needs the sender to enforce the
// recipient's policy (RFC 8461 s5, RFC 7672 s2.2). The facts and their sources live in core's SENDERS table; which
// webmail maps to which sender is a constant here. An organisation knows better than the table:
// the setting `senderEnforces` (src/shared/settings.ts) describes its outbound servers and then
// applies to every webmail.
import { SENDERS } from '../core/index.ts';
import type { SenderCapabilities } from '../core/index.ts';
import type { ProviderId } from '../shared/messages.ts';

const WEBMAIL_SENDER: Readonly<Partial<Record<ProviderId, SenderCapabilities>>> = {
  gmail: { mtaSts: SENDERS.gmail.mtaSts, dane: SENDERS.gmail.dane },
};

/**
 * Undefined: unknown sender, and the engine words "protected" as "if your provider honours…".
 * `enforces` is the `senderEnforces` setting (null: use the built-in knowledge).
 */
export function senderFor(provider: ProviderId, enforces: SenderCapabilities | null = null): SenderCapabilities | undefined {
  if (enforces !== null) return { mtaSts: enforces.mtaSts, dane: enforces.dane };
  return WEBMAIL_SENDER[provider];
}
